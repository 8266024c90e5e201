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
}  // namespace detail

// Decides `command` on the writer thread and appends the result. REQUIRES: not on the
// writer thread.
template <DomainCommand Command>
Result<Executed> execute(events::EventStore& store, const Command& command,
                         const CommandMeta& meta) {
  Executed executed;
  auto appended =
      store.execute([&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto request = decide(view, command, meta);
        if (request.ok()) detail::record_decision(*request, executed);
        return request;
      });
  if (!appended.ok()) return appended.status();
  executed.appended = std::move(appended).value();
  return executed;
}

// execute() without waiting: `done` runs once the command completes as `ack` says
// (events::Acknowledge; or at once when refused or failed), on the store's publisher
// or writer thread — it must hand the outcome on rather than do work there. Any
// thread, the writer's excepted.
template <DomainCommand Command>
void execute_async(events::EventStore& store, Command command, CommandMeta meta,
                   std::function<void(Result<Executed>)> done,
                   events::Acknowledge ack = events::Acknowledge::kApplied) {
  auto executed = std::make_shared<Executed>();
  store.execute_async(
      [executed, command = std::move(command),
       meta = std::move(meta)](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto request = decide(view, command, meta);
        if (request.ok()) detail::record_decision(*request, *executed);
        return request;
      },
      [executed, done = std::move(done)](Result<events::AppendResult> appended) {
        if (!appended.ok()) return done(appended.status());
        executed->appended = std::move(appended).value();
        done(std::move(*executed));
      },
      ack);
}

}  // namespace docket::domain
