// Coroutine handlers (http/reply.h) through the service: a handler that suspends holds
// no thread, continues through the request's post(), and is answered exactly like a
// plain handler — envelope, middleware headers, errors, access log.
#include "http/reply.h"

#include <doctest/doctest.h>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http/service.h"

namespace docket::http {
namespace {

// Suspends the handler; another thread later resumes it through ctx.post(), as a
// command's completion does from the publisher thread.
struct ResumeFromAnotherThread {
  const RequestContext& ctx;
  std::vector<std::thread>& threads;
  int value;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    threads.emplace_back([post = ctx.post, handle] { post([handle] { handle.resume(); }); });
  }
  int await_resume() const { return value; }
};

// Work posted to the "serving thread", run when the test says so.
struct ManualQueue {
  std::mutex mu;
  std::deque<std::function<void()>> work;

  Post post() {
    return [this](std::function<void()> fn) {
      std::lock_guard lock(mu);
      work.push_back(std::move(fn));
    };
  }
  // Runs queued work until `done` or the queue stays empty for a while.
  template <typename Pred>
  void run_until(Pred done) {
    for (int spins = 0; !done() && spins < 5000; ++spins) {
      std::function<void()> next;
      {
        std::lock_guard lock(mu);
        if (!work.empty()) {
          next = std::move(work.front());
          work.pop_front();
        }
      }
      if (next) {
        next();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // nothing queued yet
      }
    }
  }
};

struct Fixture {
  Router router;
  std::vector<std::thread> threads;
  std::mutex log_mu;
  std::vector<int> logged_status;
  std::unique_ptr<HttpService> service;

  explicit Fixture(unsigned blocking_threads = 0) {
    router.post("/later", [this](RequestContext& ctx) -> Reply {
      const int n = co_await ResumeFromAnotherThread{ctx, threads, 7};
      co_return Response::created([n](JsonWriter& w) { w.value(n); });
    });
    router.post("/later-fails", [this](RequestContext& ctx) -> Reply {
      co_await ResumeFromAnotherThread{ctx, threads, 0};
      throw ApiError::conflict("already assigned");
    });
    router.post("/later-breaks", [this](RequestContext& ctx) -> Reply {
      co_await ResumeFromAnotherThread{ctx, threads, 0};
      throw std::runtime_error("the secret is hunter2");
    });
    router.post("/never-waits", [](RequestContext&) -> Reply {
      co_return Response::ok([](JsonWriter& w) { w.value("at once"); });
    });
    RouteMeta blocking;
    blocking.blocking = true;
    router.post(
        "/blocking",
        [](RequestContext&) {
          const bool pool = std::this_thread::get_id() != main_thread();
          return Response::ok([pool](JsonWriter& w) { w.value(pool); });
        },
        blocking);
    ServiceOptions options;
    options.access_log = [this](const AccessLogRecord& r) {
      std::lock_guard lock(log_mu);
      logged_status.push_back(r.status);
    };
    options.blocking_threads = blocking_threads;
    service = std::make_unique<HttpService>(router, std::move(options));
    service->use([](RequestContext& ctx) -> std::optional<Response> {
      ctx.response_headers.emplace_back("RateLimit-Remaining", "9");
      return std::nullopt;
    });
  }
  ~Fixture() {
    for (std::thread& t : threads)
      t.join();
  }

  static std::thread::id main_thread() {
    static const std::thread::id id = std::this_thread::get_id();
    return id;
  }
};

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("a suspended handler answers later, on the serving thread") {
    Fixture f;
    Fixture::main_thread();
    ManualQueue queue;
    const RequestData data(Method::kPost, "/later");
    const Request request = data.view();  // must outlive the answer
    std::optional<Response> answered;
    std::thread::id answered_on;
    const auto ready =
        f.service->serve(request, std::chrono::steady_clock::now(), queue.post(), [&](Response r) {
          answered = std::move(r);
          answered_on = std::this_thread::get_id();
        });
    CHECK_FALSE(ready.has_value());  // suspended: nothing to write yet
    CHECK_FALSE(answered.has_value());
    CHECK(f.logged_status.empty());  // the access log waits for the answer
    queue.run_until([&] { return answered.has_value(); });
    REQUIRE(answered.has_value());
    CHECK(answered_on == std::this_thread::get_id());
    CHECK(answered->status() == 201);
    CHECK(answered->body() == R"({"success":true,"data":7})");
    CHECK(answered->find_header("RateLimit-Remaining") == "9");
    CHECK(answered->request_id().view().size() == 32);
    REQUIRE(f.logged_status.size() == 1);
    CHECK(f.logged_status[0] == 201);
  }

  TEST_CASE("errors thrown after a suspension use the error contract") {
    Fixture f;
    const Response conflict = f.service->handle(RequestData(Method::kPost, "/later-fails").view(),
                                                std::chrono::steady_clock::now());
    CHECK(conflict.status() == 409);
    CHECK(contains(conflict.body(), R"("errorCode":"CONFLICT")"));
    CHECK(contains(conflict.body(), "already assigned"));
    CHECK(conflict.find_header("RateLimit-Remaining") == "9");

    const Response broken = f.service->handle(RequestData(Method::kPost, "/later-breaks").view(),
                                              std::chrono::steady_clock::now());
    CHECK(broken.status() == 500);
    CHECK(contains(broken.body(), R"("errorCode":"INTERNAL_ERROR")"));
    CHECK_FALSE(contains(broken.body(), "hunter2"));
  }

  TEST_CASE("a coroutine that never suspends answers at once") {
    Fixture f;
    ManualQueue queue;
    bool called = false;
    const auto ready = f.service->serve(RequestData(Method::kPost, "/never-waits").view(),
                                        std::chrono::steady_clock::now(), queue.post(),
                                        [&](Response) { called = true; });
    REQUIRE(ready.has_value());
    CHECK(ready->body() == R"({"success":true,"data":"at once"})");
    CHECK_FALSE(called);
    CHECK(queue.work.empty());
  }

  TEST_CASE("blocking routes run on the blocking pool and answer on the serving thread") {
    Fixture::main_thread();
    Fixture pooled(2);
    ManualQueue queue;
    std::optional<Response> answered;
    const RequestData data(Method::kPost, "/blocking");
    const Request request = data.view();
    const auto ready =
        pooled.service->serve(request, std::chrono::steady_clock::now(), queue.post(),
                              [&](Response r) { answered = std::move(r); });
    CHECK_FALSE(ready.has_value());
    queue.run_until([&] { return answered.has_value(); });
    REQUIRE(answered.has_value());
    CHECK(answered->body() == R"({"success":true,"data":true})");

    Fixture inline_service(0);  // no pool: the serving thread runs it
    const Response r = inline_service.service->handle(
        RequestData(Method::kPost, "/blocking").view(), std::chrono::steady_clock::now());
    CHECK(r.body() == R"({"success":true,"data":false})");
  }
}

}  // namespace docket::http
