// The one path from a domain command to durable events, shared by the HTTP routes
// (http/command.h adds the mapping to API errors), the scheduler's jobs and the CLI.
//
// A command is a plain struct in docket::domain that names itself and has a decision:
//
//   struct AssignInquiry {
//     static constexpr std::string_view kName = "support_inquiry.assign";
//     std::int64_t inquiryId = 0;
//     std::optional<std::int64_t> assignedAdminId;
//   };
//   Result<events::AppendRequest> decide(const events::StagedView& view,
//                                        const AssignInquiry& command,
//                                        const CommandMeta& meta);
//
// execute() runs the decision on the writer thread against the staged view (durable
// log plus the earlier commands of the same group), appends what it decided in one
// durable write, and returns what was committed. A decision that refuses returns
// refuse(Refusal::…) (domain/refusal.h); execute() passes that Status through, as it
// does storage failures.
//
// Idempotent retries: a command whose CommandMeta carries an idempotency key writes
// its outcome under the key in the same durable write (events/idempotency.h). When
// the key has an outcome already, the command is not decided again: execute() yields
// the first outcome (Executed::replayed) if the fingerprint matches, and refuses it
// kIdempotencyKeyReused if not, or kIdempotencyKeyInUse while the first is not durable.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "domain/command_meta.h"
#include "events/event_store.h"

namespace docket::domain {

// What a command committed.
struct Executed {
  events::AppendResult appended;     // event ids, stream versions, occurredAt
  std::vector<events::IdClaim> ids;  // the ids the decision took
  std::vector<std::string> types;    // the event types appended, in order
  std::vector<std::string> streams;  // the streams appended to, in order
  // The outcome of an earlier command with the same idempotency key: nothing was
  // appended now.
  bool replayed = false;

  // The first id taken from `sequence` (the created record's id); 0 when none was.
  std::int64_t id(std::string_view sequence) const;
  // Whether an event of `type` was appended.
  bool appended_type(std::string_view type) const;
};

template <typename Command>
concept DomainCommand = requires(const events::StagedView& view, const Command& command,
                                 const CommandMeta& meta) {
  { Command::kName } -> std::convertible_to<std::string_view>;
  { decide(view, command, meta) } -> std::same_as<Result<events::AppendRequest>>;
};

namespace detail {
// Notes in `executed` what a decision is about to append.
void record_decision(const events::AppendRequest& request, Executed& executed);
// OK when the command's idempotency key (if any) has no outcome yet. Otherwise the
// refusal that stops the decision; kIdempotentReplay with `executed` holding the
// earlier outcome.
Status check_idempotency(const events::StagedView& view, const CommandMeta& meta,
                         Executed& executed);
// The PrepareFn body of execute() and execute_async().
template <DomainCommand Command>
Result<events::AppendRequest> decide_recorded(const events::StagedView& view,
                                              const Command& command, const CommandMeta& meta,
                                              Executed& executed) {
  if (Status st = check_idempotency(view, meta, executed); !st.ok()) return st;
  auto request = decide(view, command, meta);
  if (request.ok()) {
    request->idempotency = meta.idempotency;
    record_decision(*request, executed);
  }
  return request;
}
// What the caller gets: the appended outcome, a replayed one, or the failure.
Result<Executed> completed(Result<events::AppendResult> appended, Executed& executed);
}  // namespace detail

// Decides `command` on the writer thread and appends the result. REQUIRES: not on the
// writer thread.
template <DomainCommand Command>
Result<Executed> execute(events::EventStore& store, const Command& command,
                         const CommandMeta& meta) {
  Executed executed;
  auto appended =
      store.execute([&](const events::StagedView& view) -> Result<events::AppendRequest> {
        return detail::decide_recorded(view, command, meta, executed);
      });
  return detail::completed(std::move(appended), executed);
}

// execute() without waiting: `done` runs once the command completes as `ack` says
// (events::Acknowledge; or at once when refused or failed; a replayed outcome once the
// read models hold it for kApplied), on the store's publisher or writer thread — it must hand the
// outcome on rather than do work there. Any thread, the writer's excepted.
template <DomainCommand Command>
void execute_async(events::EventStore& store, Command command, CommandMeta meta,
                   std::function<void(Result<Executed>)> done,
                   events::Acknowledge ack = events::Acknowledge::kApplied) {
  auto executed = std::make_shared<Executed>();
  store.execute_async(
      [executed, command = std::move(command),
       meta = std::move(meta)](const events::StagedView& view) -> Result<events::AppendRequest> {
        return detail::decide_recorded(view, command, meta, *executed);
      },
      [&store, executed, done = std::move(done), ack](Result<events::AppendResult> appended) {
        Result<Executed> outcome = detail::completed(std::move(appended), *executed);
        if (outcome.ok() && outcome->replayed && ack == events::Acknowledge::kApplied) {
          // The first command is durable; its read models may still be on their way.
          const std::uint64_t last = outcome->appended.lastEventId;
          auto shared = std::make_shared<Result<Executed>>(std::move(outcome));
          store.when_applied(last, [done, shared] { done(std::move(*shared)); });
          return;
        }
        done(std::move(outcome));
      },
      ack);
}

}  // namespace docket::domain
