// Reply: what a route handler returns — a Response now, or a coroutine that finishes
// one later without holding a thread while it waits.
//
// A handler that only reads returns a Response (or throws ApiError) as before; it
// converts to a ready Reply. A handler that runs a domain command is a coroutine:
//
//   Reply post_message(ApiContext& api, RequestContext& ctx, MessageBody body) {
//     const domain::Executed executed = co_await commit(api, ctx, domain::PostInquiryMessage{…});
//     co_return answer(message_shape(), …, 201);
//   }
//
// `co_await commit(…)` (http/command.h) queues the command for the writer and
// suspends; the thread serving the request goes on serving other connections. When
// the command is durable and projected, the coroutine continues on the thread the
// request's RequestContext::post() runs work on (the connection's IO thread), so the
// code after the co_await may read the read models like any GET handler. An exception
// escaping the coroutine is answered exactly like one thrown by a plain handler.
//
// Lifetime: a coroutine handler may keep references to its RequestContext and
// ApiContext (the service keeps both alive until the reply finishes) but must take
// everything else by value. Ownership: a Reply that is never started destroys its
// coroutine; a started one owns itself and is gone once `done` has run.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <utility>

#include "core/api_error.h"
#include "http/response.h"

namespace docket::http {

// Runs a piece of work later on a particular thread (an IO thread's event loop, a
// worker pool, or the thread waiting in HttpService::handle).
using Post = std::function<void(std::function<void()>)>;

// How a handler finished: its Response, or the exception it threw.
struct Finished {
  std::optional<Response> response;
  std::exception_ptr error;
};

class Reply {
 public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct promise_type {
    Finished finished;
    std::function<void(Finished)> done;

    Reply get_return_object() { return Reply(Handle::from_promise(*this)); }
    // Lazy: the service starts the coroutine once it knows where the answer goes.
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct Final {
        bool await_ready() noexcept { return false; }
        // The frame is destroyed before `done` runs, so `done` may free whatever the
        // coroutine referred to (the request context).
        void await_suspend(Handle self) noexcept {
          promise_type& p = self.promise();
          Finished finished = std::move(p.finished);
          std::function<void(Finished)> done = std::move(p.done);
          self.destroy();
          done(std::move(finished));
        }
        void await_resume() noexcept {}
      };
      return Final{};
    }
    void return_value(Response response) { finished.response = std::move(response); }
    void unhandled_exception() noexcept { finished.error = std::current_exception(); }
  };

  // A ready reply.
  Reply(Response response) : ready_(std::move(response)) {}      // NOLINT(runtime/explicit)
  Reply(ApiError error) : ready_(Response(std::move(error))) {}  // NOLINT(runtime/explicit)

  Reply(Reply&& other) noexcept
      : ready_(std::move(other.ready_)), coroutine_(std::exchange(other.coroutine_, {})) {}
  Reply& operator=(Reply&& other) noexcept {
    if (this != &other) {
      reset();
      ready_ = std::move(other.ready_);
      coroutine_ = std::exchange(other.coroutine_, {});
    }
    return *this;
  }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() { reset(); }

  // Whether the handler answered without a coroutine.
  bool ready() const { return !coroutine_; }
  // REQUIRES: ready().
  Response take() { return std::move(*ready_); }

  // Runs the coroutine until its first suspension (or to the end); `done` runs once,
  // when it finishes — inline when it never suspends. REQUIRES: !ready(); called once.
  void start(std::function<void(Finished)> done) {
    Handle coroutine = std::exchange(coroutine_, {});
    coroutine.promise().done = std::move(done);
    coroutine.resume();
  }

 private:
  explicit Reply(Handle coroutine) : coroutine_(coroutine) {}
  void reset() {
    if (coroutine_) std::exchange(coroutine_, {}).destroy();
  }

  std::optional<Response> ready_;
  Handle coroutine_;
};

}  // namespace docket::http
