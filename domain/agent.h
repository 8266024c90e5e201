// The agent aggregate: a staff account's availability, capacity, skills, shift and the
// open work items counted against its capacity (docs/agents-and-queue.md).
//
// Stream `agent-<accountId>`; the events are in domain/agent_events.h. The stream starts
// with agent.registered (the profile defaults in force then) the first time anything is
// recorded for the agent: a status or profile change, or a work item assigned to them.
//
// Open load. Every decision that gives an open item to an agent, or takes it away
// (reassigned, unassigned, requeued, resolved, closed, linked, spam), also appends
// agent.work_assigned / agent.work_released to the agent's stream. Decisions run one by
// one on the writer thread against the staged log (domain/command.h), and each one
// checks capacity against the agent's stream as it stands then: two assignments racing
// for the last free place are decided one after the other, and the second finds the
// agent full. An item assigned before the agent's stream existed (a log written before
// agents) is not counted.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "domain/agent_events.h"
#include "domain/assignment.h"
#include "domain/command_meta.h"
#include "domain/shift.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kItemSupportRequest = "support_request";
inline constexpr std::string_view kItemSupportInquiry = "support_inquiry";
inline constexpr std::uint32_t kMaxAgentCapacity = 1000;
inline constexpr std::size_t kMaxAgentSkills = 50;

std::string agent_stream(std::int64_t account_id);
std::string_view work_item_type(WorkKind kind);

struct OpenWork {
  WorkKind kind = WorkKind::kSupportRequest;
  std::int64_t id = 0;
  auto operator<=>(const OpenWork&) const = default;
};

struct Agent {
  std::int64_t accountId = 0;
  AgentStatus status = AgentStatus::kOffline;
  std::uint32_t maxOpenItems = 0;
  std::vector<std::string> skills;  // empty: every category
  std::optional<Shift> shift;       // none: always in shift
  std::vector<OpenWork> open;       // sorted
  bool recorded = false;            // the stream exists (false: defaults, version 0)
  std::uint64_t version = 0;
};

Status apply(Agent& a, const AgentEvent::Variant& event, const events::EventRecord& record);
// The agent as the staged log has it; when its stream does not exist yet, the defaults
// (offline, `default_capacity`, no skills, no shift) with recorded = false.
Result<Agent> load_agent(const events::StagedView& view, std::int64_t account_id,
                         std::uint32_t default_capacity);
// Folds a whole agent stream (tests, tools). Refused kAgentNotFound when empty.
Result<Agent> fold_agent(std::span<const events::EventRecord> events);

ShiftRecord shift_record(const Shift& shift);
// REQUIRES: a record written by shift_record (validated before it was appended).
Shift shift_from_record(const ShiftRecord& record);

// A shift from its JSON form {timezone, weekly: [{day, start, end}]} (the API's and the
// read model's), checked by validate_shift. InvalidArgument naming what is wrong.
Result<Shift> parse_shift_json(std::string_view json);

// The agent as the assignment rule sees it at `now_ms`.
Result<AgentView> agent_view(const Agent& agent, std::int64_t now_ms);

// How an assignment is decided (AssignSupportRequest / AssignInquiry).
struct AssignmentTerms {
  std::string reason = "manual";      // "manual" (staff), "take" (the agent), "auto" (the queue)
  bool force = false;                 // manual: may go past the agent's capacity
  bool onlyUnassigned = false;        // take/auto: refused kQueueItemTaken when assigned
  bool checkSkill = false;            // take/auto: refused kAgentNotEligible when unskilled
  bool checkAvailability = false;     // auto: available and in shift now
  std::uint32_t defaultCapacity = 5;  // DOCKET_QUEUE_DEFAULT_CAPACITY, for a new agent stream
};

// An item's assignee and whether it is open (queue work: a request open/in_progress, an
// inquiry open/active/waiting).
struct WorkHold {
  std::optional<std::int64_t> assignee;
  bool open = false;
  bool holds() const { return assignee.has_value() && open; }
};

// Checks that `agent_id` may be given `item` (category `category`) under `terms`:
// capacity unless forced, and skill / availability when the terms ask. Refusals:
// kAgentAtCapacity, kAgentNotEligible.
Status check_assignable(const events::StagedView& view, std::int64_t agent_id,
                        std::string_view category, const AssignmentTerms& terms);

// Appends to `req` what the change of `item` from `before` to `after` does to agents'
// open load: agent.work_released on the agent that held it (when its stream counts it),
// agent.work_assigned on the agent that holds it now (registering the agent first when
// `register_capacity` is given; without it an agent with no stream is left alone).
// Nothing when the hold does not change. Call it last: it opens streams on `req`.
Status add_work_change(const events::StagedView& view, events::AppendRequest& req, OpenWork item,
                       const WorkHold& before, const WorkHold& after,
                       std::string_view assign_reason, std::string_view release_reason,
                       std::optional<std::uint32_t> register_capacity);

// reason: "self" or "admin". Moving to away/offline with requeueUnreplied returns the
// agent's open items that have no staff reply yet to the queue (unassigned, reason
// "requeued"). Refusals: kAgentNotFound (not an active staff account),
// kAgentStatusUnchanged (already in that status).
struct ChangeAgentStatus {
  static constexpr std::string_view kName = "agent.change_status";
  std::int64_t accountId = 0;
  AgentStatus status = AgentStatus::kOffline;
  std::string reason = "self";
  bool requeueUnreplied = false;
  std::uint32_t defaultCapacity = 5;
};

// Each given field replaces the stored one; `shift` holding nullopt removes the shift.
// A status in the same update is recorded as ChangeAgentStatus with reason "admin".
// Refusals: kAgentNotFound, kAgentProfileInvalid (a shift the tz database cannot
// serve), kAgentStatusUnchanged (nothing would change).
struct UpdateAgentProfile {
  static constexpr std::string_view kName = "agent.update_profile";
  std::int64_t accountId = 0;
  std::optional<std::uint32_t> maxOpenItems;
  std::optional<std::vector<std::string>> skills;
  std::optional<std::optional<Shift>> shift;
  std::optional<AgentStatus> status;
  bool requeueUnreplied = false;
  std::uint32_t defaultCapacity = 5;
};

Result<events::AppendRequest> decide(const events::StagedView& view, const ChangeAgentStatus& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateAgentProfile& c,
                                     const CommandMeta& meta);

}  // namespace docket::domain
