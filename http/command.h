// Running a domain command from a route: the one command path of the API.
//
//   Reply assign(ApiContext& api, RequestContext& ctx, …) {
//     const auto executed = co_await commit(api, ctx, domain::AssignInquiry{id, assignee});
//     …
//   }
//
// The decision runs on the writer thread (domain/command.h) with the request's actor
// and metadata while the handler's coroutine is suspended — no thread waits for it
// (http/reply.h). The handler resumes once the read models hold the command (commit)
// or as soon as it is durable (commit_durable); either way the response carries
// X-Docket-Event-Id. A refusal becomes its ApiError through the one table of
// domain/refusal.h; a storage failure is logged and answered 500 (503 while the log
// closes). The ApiError is thrown where the handler resumes.
#pragma once

#include <coroutine>
#include <optional>
#include <string>
#include <string_view>

#include "core/api_error.h"
#include "core/error_codes.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "http/api_context.h"
#include "http/reply.h"
#include "http/request_context.h"

namespace docket::http {

// The API's answer to a refusal: describe(refusal)'s status and errorCode, with
// `message` (or the table's); a refusal about one field is a VALIDATION_ERROR naming it.
ApiError refusal_error(domain::Refusal refusal, std::string_view message = {});

// The ApiError for a failed command: its refusal's, or unexpected() for the rest.
ApiError command_error(const Status& status, std::string_view command);

// 503 STORAGE_UNAVAILABLE: the log stopped taking writes (EventStore::write_failure).
ApiError storage_unavailable();

namespace command_detail {

// Awaits one command inside a coroutine handler (http/reply.h): queues it for the
// writer, suspends, and continues through the request's post() once it is durable and
// projected. Resuming yields what was committed, or throws the refusal's ApiError.
template <domain::DomainCommand Command>
class Awaiter {
 public:
  Awaiter(ApiContext& api, RequestContext& ctx, const Command& command,
          std::optional<domain::Refusal> tolerated, events::Acknowledge ack)
      : store_(api.store),
        ctx_(ctx),
        command_(command),
        meta_(command_meta(ctx)),
        tolerated_(tolerated),
        ack_(ack) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handler) {
    domain::execute_async(
        store_, std::move(command_), std::move(meta_),
        [this, handler](Result<domain::Executed> executed) {
          outcome_.emplace(std::move(executed));
          ctx_.post([handler] { handler.resume(); });
        },
        ack_);
  }
  // The committed command; nullopt for the tolerated refusal.
  std::optional<domain::Executed> await_resume() {
    Result<domain::Executed>& executed = *outcome_;
    // Storage failed while this command completed (a read model could not write it): it
    // is in the log but may not show, so it is not acknowledged (a retry with its
    // Idempotency-Key meets it after the restart).
    if (!store_.write_failure().ok()) throw storage_unavailable();
    if (executed.ok() && executed->replayed && !ctx_.route().meta.rerun_on_replay) {
      throw ApiError(409, error_code::kIdempotencyResponseLost,
                     "The request with this Idempotency-Key was carried out; its answer is no "
                     "longer kept");
    }
    if (executed.ok()) {
      // Where the write sits in the log: a client may wait for it on another
      // connection (X-Docket-Min-Event-Id, docs/http.md).
      ctx_.response_headers.emplace_back("X-Docket-Event-Id",
                                         std::to_string(executed->appended.lastEventId));
      return std::move(executed).value();
    }
    if (tolerated_ && domain::refusal_of(executed.status()) == tolerated_) return std::nullopt;
    throw command_error(executed.status(), Command::kName);
  }

 private:
  events::EventStore& store_;
  RequestContext& ctx_;
  Command command_;
  domain::CommandMeta meta_;
  std::optional<domain::Refusal> tolerated_;
  events::Acknowledge ack_;
  std::optional<Result<domain::Executed>> outcome_;
};

// The awaiter of commit(): yields the Executed itself.
template <domain::DomainCommand Command>
class Required : public Awaiter<Command> {
 public:
  using Awaiter<Command>::Awaiter;
  domain::Executed await_resume() { return std::move(*Awaiter<Command>::await_resume()); }
};

}  // namespace command_detail

// `co_await commit(api, ctx, command)` in a coroutine handler: what was committed, or
// the refusal's ApiError thrown. Pass a named command, not a braced temporary: GCC 12
// mis-destroys class temporaries that live across a co_await (the command is copied
// into the awaiter, so the named one stays usable afterwards).
template <domain::DomainCommand Command>
command_detail::Required<Command> commit(ApiContext& api, RequestContext& ctx,
                                         const Command& command) {
  return command_detail::Required<Command>(api, ctx, command, std::nullopt,
                                           events::Acknowledge::kApplied);
}

// As commit(), but resumes as soon as the command is durable, before the read models
// have it: for a handler that answers from what was committed and reads no read model
// afterwards. A later GET still sees the write (the service fences reads on the log's
// head, decision 0021).
template <domain::DomainCommand Command>
command_detail::Required<Command> commit_durable(ApiContext& api, RequestContext& ctx,
                                                 const Command& command) {
  return command_detail::Required<Command>(api, ctx, command, std::nullopt,
                                           events::Acknowledge::kDurable);
}

// As commit(), but `tolerated` (a refusal meaning "nothing to do", such as revoking a
// token twice) yields nullopt instead of an error.
template <domain::DomainCommand Command>
command_detail::Awaiter<Command> commit_unless(ApiContext& api, RequestContext& ctx,
                                               const Command& command, domain::Refusal tolerated) {
  return command_detail::Awaiter<Command>(api, ctx, command, tolerated,
                                          events::Acknowledge::kApplied);
}

}  // namespace docket::http
