#include "domain/agent.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_view.h"
#include "domain/account_commands.h"
#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"

namespace docket::domain {
namespace {

std::optional<WorkKind> parse_item_type(std::string_view type) {
  if (type == kItemSupportRequest) return WorkKind::kSupportRequest;
  if (type == kItemSupportInquiry) return WorkKind::kSupportInquiry;
  return std::nullopt;
}

Status corrupt(const events::EventRecord& record, std::string_view what) {
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: {}", record.eventId, record.type, record.stream, what));
}

Result<Agent> load_recorded(const events::StagedView& view, std::int64_t account_id) {
  return load_with_snapshot<AgentEvent, Agent>(view, agent_stream(account_id),
                                               Refusal::kAgentNotFound);
}

// The account must be an active staff member to be an agent.
Status check_staff(const events::StagedView& view, std::int64_t account_id) {
  auto account = load_account(view, account_id);
  if (!account.ok()) {
    return refusal_of(account.status()) == Refusal::kAccountNotFound
               ? refuse(Refusal::kAgentNotFound)
               : account.status();
  }
  if (!account->is_staff() || !account->active) return refuse(Refusal::kAgentNotFound);
  return Status::Ok();
}

// The agent's stream on `req`: the one already opened there, or opened now (registering
// the agent first when it has no stream).
events::StreamAppend& agent_stream_append(events::AppendRequest& req, const Agent& agent) {
  const std::string name = agent_stream(agent.accountId);
  for (events::StreamAppend& stream : req.streams) {
    if (stream.stream == name) return stream;
  }
  auto& stream = open_stream(req, name, agent.recorded ? agent.version : events::kNoStream);
  if (!agent.recorded) {
    add_event(stream, AgentRegistered{agent.accountId,
                                      std::string(agent_status_name(AgentStatus::kOffline)),
                                      agent.maxOpenItems,
                                      {},
                                      std::nullopt});
  }
  return stream;
}

// Whether an item has had a staff reply, for requeueing (none: the item is gone).
Result<bool> item_replied(const events::StagedView& view, const OpenWork& item) {
  if (item.kind == WorkKind::kSupportRequest) {
    auto r = load_support_request(view, item.id);
    if (!r.ok()) return r.status();
    return r->firstResponseAt.has_value();
  }
  auto i = load_support_inquiry(view, item.id);
  if (!i.ok()) return i.status();
  return i->firstResponseAt.has_value();
}

// Unassigns `item` from `agent_id` on the item's own stream, reason "requeued".
Status add_requeue(const events::StagedView& view, events::AppendRequest& req, const OpenWork& item,
                   std::int64_t agent_id) {
  if (item.kind == WorkKind::kSupportRequest) {
    auto r = load_support_request(view, item.id);
    if (!r.ok()) return r.status();
    add_event(open_stream(req, support_request_stream(r->id), r->version),
              SupportRequestAssigned{r->id, std::nullopt, agent_id, "requeued", r->customerId});
    return Status::Ok();
  }
  auto i = load_support_inquiry(view, item.id);
  if (!i.ok()) return i.status();
  add_event(open_stream(req, support_inquiry_stream(i->id), i->version),
            InquiryAssigned{i->id, std::nullopt, agent_id, "requeued", i->customerId});
  return Status::Ok();
}

// Appends the status change (and the requeue it asks for) to `req`.
Status add_status_change(const events::StagedView& view, events::AppendRequest& req,
                         const Agent& agent, AgentStatus to, std::string_view reason,
                         bool requeue_unreplied) {
  // Collect the items to requeue before opening streams: references into req.streams
  // do not survive open_stream.
  std::vector<OpenWork> requeue;
  if (requeue_unreplied && (to == AgentStatus::kAway || to == AgentStatus::kOffline)) {
    for (const OpenWork& item : agent.open) {
      auto replied = item_replied(view, item);
      if (!replied.ok()) return replied.status();
      if (!*replied) requeue.push_back(item);
    }
  }
  {
    auto& stream = agent_stream_append(req, agent);
    add_event(stream,
              AgentStatusChanged{agent.accountId, std::string(agent_status_name(agent.status)),
                                 std::string(agent_status_name(to)), std::string(reason)});
    for (const OpenWork& item : requeue) {
      add_event(stream, AgentWorkReleased{agent.accountId, std::string(work_item_type(item.kind)),
                                          item.id, "requeued"});
    }
  }
  for (const OpenWork& item : requeue) {
    if (Status s = add_requeue(view, req, item, agent.accountId); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

std::string agent_stream(std::int64_t account_id) {
  return fmt::format("agent-{}", account_id);
}

std::string_view work_item_type(WorkKind kind) {
  return kind == WorkKind::kSupportRequest ? kItemSupportRequest : kItemSupportInquiry;
}

ShiftRecord shift_record(const Shift& shift) {
  ShiftRecord record{shift.timezone, {}};
  for (const ShiftWindow& w : shift.weekly) {
    record.weekly.push_back({std::string(weekday_name(w.day)), format_clock(w.start_minute),
                             format_clock(w.end_minute)});
  }
  return record;
}

Shift shift_from_record(const ShiftRecord& record) {
  Shift shift{record.timezone, {}};
  for (const ShiftWindowRecord& w : record.weekly) {
    shift.weekly.push_back({parse_weekday(w.day).value_or(Weekday::kMon),
                            parse_clock(w.start).value_or(0), parse_clock(w.end).value_or(0)});
  }
  return shift;
}

Result<Shift> parse_shift_json(std::string_view json) {
  JsonDocument document;
  auto root = document.parse(json);
  if (!root.ok() || root->kind() != JsonView::Kind::kObject) {
    return Status::InvalidArgument("shift must be an object {timezone, weekly}");
  }
  Shift shift;
  for (const auto& [key, value] : root->members()) {
    if (key == "timezone") {
      auto text = value.string();
      if (!text || text->empty() || text->size() > 64) {
        return Status::InvalidArgument("shift.timezone must be an IANA time zone name");
      }
      shift.timezone = std::string(*text);
    } else if (key == "weekly") {
      if (value.kind() != JsonView::Kind::kArray) {
        return Status::InvalidArgument("shift.weekly must be an array");
      }
      const auto windows = value.elements();
      if (windows.size() > kMaxShiftWindows) {
        return Status::InvalidArgument(
            fmt::format("shift.weekly has at most {} windows", kMaxShiftWindows));
      }
      for (const JsonView& w : windows) {
        std::optional<std::string_view> day, start, end;
        if (w.kind() == JsonView::Kind::kObject) {
          for (const auto& [k, v] : w.members()) {
            if (k == "day")
              day = v.string();
            else if (k == "start")
              start = v.string();
            else if (k == "end")
              end = v.string();
            else
              return Status::InvalidArgument(fmt::format("shift.weekly: unknown key '{}'", k));
          }
        }
        auto d = day ? parse_weekday(*day) : std::nullopt;
        auto s = start ? parse_clock(*start) : std::nullopt;
        auto e = end ? parse_clock(*end) : std::nullopt;
        if (!d || !s || !e) {
          return Status::InvalidArgument(
              "each shift.weekly window is {day: mon..sun, start: HH:MM, end: HH:MM}");
        }
        shift.weekly.push_back({*d, *s, *e});
      }
    } else {
      return Status::InvalidArgument(fmt::format("shift: unknown key '{}'", key));
    }
  }
  if (shift.timezone.empty()) return Status::InvalidArgument("shift.timezone is required");
  if (Status s = validate_shift(shift); !s.ok()) return s;
  return shift;
}

Status apply(Agent& a, const AgentEvent::Variant& event, const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<AgentRegistered>(event), a.version,
                                      record, "agent");
      !s.ok()) {
    return s;
  }
  auto status_of = [&](const std::string& name) -> Result<AgentStatus> {
    auto status = parse_agent_status(name);
    if (!status) return corrupt(record, fmt::format("unknown status '{}'", name));
    return *status;
  };
  auto item_of = [&](const std::string& type, std::int64_t id) -> Result<OpenWork> {
    auto kind = parse_item_type(type);
    if (!kind) return corrupt(record, fmt::format("unknown itemType '{}'", type));
    return OpenWork{*kind, id};
  };
  auto profile = [&](std::int64_t capacity, const std::vector<std::string>& skills,
                     const std::optional<ShiftRecord>& shift) {
    a.maxOpenItems = static_cast<std::uint32_t>(std::max<std::int64_t>(capacity, 0));
    a.skills = skills;
    a.shift.reset();
    if (shift) a.shift = shift_from_record(*shift);
  };
  return std::visit(events::Overloaded{
                        [&](const AgentRegistered& e) -> Status {
                          auto status = status_of(e.status);
                          if (!status.ok()) return status.status();
                          a.accountId = e.accountId;
                          a.status = *status;
                          a.recorded = true;
                          profile(e.maxOpenItems, e.skills, e.shift);
                          return Status::Ok();
                        },
                        [&](const AgentStatusChanged& e) -> Status {
                          auto status = status_of(e.to);
                          if (!status.ok()) return status.status();
                          a.status = *status;
                          return Status::Ok();
                        },
                        [&](const AgentProfileChanged& e) -> Status {
                          profile(e.maxOpenItems, e.skills, e.shift);
                          return Status::Ok();
                        },
                        [&](const AgentWorkAssigned& e) -> Status {
                          auto item = item_of(e.itemType, e.itemId);
                          if (!item.ok()) return item.status();
                          auto at = std::lower_bound(a.open.begin(), a.open.end(), *item);
                          if (at == a.open.end() || *at != *item) a.open.insert(at, *item);
                          return Status::Ok();
                        },
                        [&](const AgentWorkReleased& e) -> Status {
                          auto item = item_of(e.itemType, e.itemId);
                          if (!item.ok()) return item.status();
                          auto at = std::lower_bound(a.open.begin(), a.open.end(), *item);
                          if (at != a.open.end() && *at == *item) a.open.erase(at);
                          return Status::Ok();
                        },
                    },
                    event);
}

Result<Agent> fold_agent(std::span<const events::EventRecord> events) {
  return fold_stream<AgentEvent, Agent>(events, Refusal::kAgentNotFound);
}

Result<Agent> load_agent(const events::StagedView& view, std::int64_t account_id,
                         std::uint32_t default_capacity) {
  auto agent = load_recorded(view, account_id);
  if (agent.ok() || refusal_of(agent.status()) != Refusal::kAgentNotFound) return agent;
  Agent defaults;
  defaults.accountId = account_id;
  defaults.maxOpenItems = default_capacity;
  return defaults;
}

Result<AgentView> agent_view(const Agent& agent, std::int64_t now_ms) {
  AgentView view;
  view.account_id = agent.accountId;
  view.status = agent.status;
  view.max_open_items = agent.maxOpenItems;
  view.open_items = static_cast<std::uint32_t>(agent.open.size());
  view.skills = agent.skills;
  if (agent.shift) {
    auto in = in_shift(*agent.shift, now_ms);
    if (!in.ok()) return in.status();
    view.in_shift = *in;
  }
  return view;
}

Status check_assignable(const events::StagedView& view, std::int64_t agent_id,
                        std::string_view category, const AssignmentTerms& terms) {
  auto agent = load_agent(view, agent_id, terms.defaultCapacity);
  if (!agent.ok()) return agent.status();
  auto seen = agent_view(*agent, view.now_ms());
  if (!seen.ok()) return seen.status();
  if ((terms.checkSkill || terms.checkAvailability) && !skilled_for(*seen, category)) {
    return refuse(Refusal::kAgentNotEligible,
                  fmt::format("the agent has no skill for category '{}'", category));
  }
  if (terms.checkAvailability && (seen->status != AgentStatus::kAvailable || !seen->in_shift)) {
    return refuse(Refusal::kAgentNotEligible, "the agent is not available and in shift");
  }
  if (!terms.force && seen->open_items >= seen->max_open_items) {
    return refuse(Refusal::kAgentAtCapacity, fmt::format("the agent has {} open items of {}",
                                                         seen->open_items, seen->max_open_items));
  }
  return Status::Ok();
}

Status add_work_change(const events::StagedView& view, events::AppendRequest& req, OpenWork item,
                       const WorkHold& before, const WorkHold& after,
                       std::string_view assign_reason, std::string_view release_reason,
                       std::optional<std::uint32_t> register_capacity) {
  const bool same_agent = before.assignee == after.assignee;
  const bool release = before.holds() && !(after.holds() && same_agent);
  const bool take = after.holds() && !(before.holds() && same_agent);
  const std::string type(work_item_type(item.kind));
  if (release) {
    auto agent = load_recorded(view, *before.assignee);
    if (!agent.ok() && refusal_of(agent.status()) != Refusal::kAgentNotFound) {
      return agent.status();
    }
    if (agent.ok() && std::binary_search(agent->open.begin(), agent->open.end(), item)) {
      add_event(open_stream(req, agent_stream(agent->accountId), agent->version),
                AgentWorkReleased{agent->accountId, type, item.id, std::string(release_reason)});
    }
  }
  if (take) {
    auto agent = load_agent(view, *after.assignee, register_capacity.value_or(0));
    if (!agent.ok()) return agent.status();
    if (!agent->recorded && !register_capacity) return Status::Ok();
    add_event(agent_stream_append(req, *agent),
              AgentWorkAssigned{agent->accountId, type, item.id, std::string(assign_reason)});
  }
  return Status::Ok();
}

Result<events::AppendRequest> decide(const events::StagedView& view, const ChangeAgentStatus& c,
                                     const CommandMeta& meta) {
  if (Status s = check_staff(view, c.accountId); !s.ok()) return s;
  auto agent = load_agent(view, c.accountId, c.defaultCapacity);
  if (!agent.ok()) return agent.status();
  if (agent->status == c.status) return refuse(Refusal::kAgentStatusUnchanged);
  auto req = start_append(meta);
  if (Status s = add_status_change(view, req, *agent, c.status, c.reason, c.requeueUnreplied);
      !s.ok()) {
    return s;
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateAgentProfile& c,
                                     const CommandMeta& meta) {
  if (Status s = check_staff(view, c.accountId); !s.ok()) return s;
  auto agent = load_agent(view, c.accountId, c.defaultCapacity);
  if (!agent.ok()) return agent.status();
  if (c.shift && *c.shift) {
    if (Status s = validate_shift(**c.shift); !s.ok()) {
      return refuse(Refusal::kAgentProfileInvalid, s.message());
    }
  }
  Agent next = *agent;
  if (c.maxOpenItems) next.maxOpenItems = *c.maxOpenItems;
  if (c.skills) next.skills = *c.skills;
  if (c.shift) next.shift = *c.shift;
  const bool profile_changes = next.maxOpenItems != agent->maxOpenItems ||
                               next.skills != agent->skills || next.shift != agent->shift;
  const bool status_changes = c.status && *c.status != agent->status;
  if (!profile_changes && !status_changes) return refuse(Refusal::kAgentStatusUnchanged);

  auto req = start_append(meta);
  if (profile_changes) {
    std::optional<ShiftRecord> shift;
    if (next.shift) shift = shift_record(*next.shift);
    add_event(agent_stream_append(req, *agent),
              AgentProfileChanged{c.accountId, next.maxOpenItems, next.skills, std::move(shift)});
  }
  if (status_changes) {
    if (Status s = add_status_change(view, req, *agent, *c.status, "admin", c.requeueUnreplied);
        !s.ok()) {
      return s;
    }
  }
  return req;
}

}  // namespace docket::domain
