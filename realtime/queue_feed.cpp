#include "realtime/queue_feed.h"

#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/agent.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"

namespace docket::realtime {
namespace {

using QueueEvent =
    events::EventSet<domain::SupportRequestCreated, domain::InquiryCreated,
                     domain::SupportRequestAssigned, domain::InquiryAssigned,
                     domain::SupportRequestStatusChanged, domain::InquiryStatusChanged,
                     domain::AgentStatusChanged, domain::SupportRequestSlaBreached,
                     domain::InquirySlaBreached, domain::InquiryLinked>;

// The common head of every payload.
JsonWriter& begin(JsonWriter& w, const events::EventRecord& e, std::string_view epoch) {
  return w.begin_object()
      .field("eventId", e.eventId)
      .field("logEpoch", epoch)
      .field("type", e.type)
      .field("occurredAt", format_iso8601(e.occurredAt));
}

void item(JsonWriter& w, std::string_view type, std::int64_t id) {
  w.key("item").begin_object().field("type", type).field("id", id).end_object();
}

void add_room(std::vector<std::string>& rooms, std::string room) {
  for (const std::string& r : rooms) {
    if (r == room) return;
  }
  rooms.push_back(std::move(room));
}

// ticket-updated's rooms: admins, the assignee(s), the customer.
std::vector<std::string> updated_rooms(std::optional<std::int64_t> assignee,
                                       std::optional<std::int64_t> previous,
                                       std::optional<std::int64_t> customer) {
  std::vector<std::string> rooms{std::string(kAdminsRoom)};
  if (assignee) add_room(rooms, agent_room(*assignee));
  if (previous) add_room(rooms, agent_room(*previous));
  if (customer) add_room(rooms, customer_room(*customer));
  return rooms;
}

}  // namespace

std::string agent_room(std::int64_t account_id) {
  return "agent:" + std::to_string(account_id);
}

std::string customer_room(std::int64_t account_id) {
  return "customer:" + std::to_string(account_id);
}

std::string guest_room(std::int64_t inquiry_id) {
  return "guest:" + std::to_string(inquiry_id);
}

std::vector<std::string> queue_feed_rooms(const auth::Identity& who) {
  std::vector<std::string> rooms;
  if (who.is_customer()) {
    rooms.push_back(customer_room(who.accountId));
  } else if (who.is_guest()) {
    rooms.push_back(guest_room(who.inquiryId));
  } else if (who.is_staff()) {
    rooms.push_back(agent_room(who.accountId));
    // The team rooms carry every new and updated item: only for staff who may read some.
    const bool reads = who.has(auth::Permission::kSupportRequestsRead) ||
                       who.has(auth::Permission::kSupportInquiriesRead);
    if (reads && who.role == "admin") rooms.emplace_back(kAdminsRoom);
    if (reads && who.role == "agent") rooms.emplace_back(kAgentsRoom);
  }
  return rooms;
}

bool is_queue_feed_room(std::string_view room) {
  return room == kAgentsRoom || room == kAdminsRoom || room.starts_with("agent:") ||
         room.starts_with("customer:") || room.starts_with("guest:");
}

std::vector<QueueFeedEvent> queue_feed_events(const events::EventRecord& e,
                                              std::string_view epoch) {
  std::vector<QueueFeedEvent> out;
  if (!QueueEvent::contains(e.type)) return out;
  auto decoded = QueueEvent::decode(e);
  if (!decoded.ok()) return out;
  const std::string_view request = domain::kItemSupportRequest;
  const std::string_view inquiry = domain::kItemSupportInquiry;

  auto created = [&](std::string_view type, std::int64_t id, std::string_view priority,
                     const std::optional<std::string>& category,
                     std::optional<std::int64_t> customer) {
    JsonWriter w;
    begin(w, e, epoch);
    item(w, type, id);
    w.field("priority", priority).field("category", category).field("customerId", customer);
    out.push_back({"new-ticket",
                   {std::string(kAgentsRoom), std::string(kAdminsRoom)},
                   w.end_object().take()});
  };
  auto assigned = [&](std::string_view type, std::int64_t id, std::optional<std::int64_t> to,
                      std::optional<std::int64_t> from, const std::optional<std::string>& reason,
                      std::optional<std::int64_t> customer) {
    JsonWriter w;
    begin(w, e, epoch);
    item(w, type, id);
    w.field("change", "assignment")
        .field("assignedAdminId", to)
        .field("previousAdminId", from)
        .field("reason", reason.value_or("manual"))
        .field("customerId", customer);
    std::string json = w.end_object().take();
    if (to) out.push_back({"ticket-assigned", {agent_room(*to)}, json});
    out.push_back({"ticket-updated", updated_rooms(to, from, customer), std::move(json)});
  };
  // The guest of an inquiry sees its chat close (or become a request) live; who works
  // on it stays internal.
  auto to_guest = [&](std::int64_t id, std::string_view from, std::string_view to) {
    JsonWriter w;
    begin(w, e, epoch);
    item(w, inquiry, id);
    w.field("change", "status").field("from", from).field("to", to);
    out.push_back({"ticket-updated", {guest_room(id)}, w.end_object().take()});
  };
  auto status = [&](std::string_view type, std::int64_t id, const std::string& from,
                    const std::string& to, std::optional<std::int64_t> assignee,
                    std::optional<std::int64_t> customer) {
    JsonWriter w;
    begin(w, e, epoch);
    item(w, type, id);
    w.field("change", "status")
        .field("from", from)
        .field("to", to)
        .field("assignedAdminId", assignee)
        .field("customerId", customer);
    out.push_back(
        {"ticket-updated", updated_rooms(assignee, std::nullopt, customer), w.end_object().take()});
    if (type == inquiry) to_guest(id, from, to);
  };

  // Staff only: a breach is the team's business, not the customer's.
  auto breached = [&](std::string_view type, std::int64_t id, const std::string& target,
                      const std::string& due, const std::optional<std::string>& from,
                      const std::optional<std::string>& to, const std::string& note,
                      std::optional<std::int64_t> assignee) {
    JsonWriter w;
    begin(w, e, epoch);
    item(w, type, id);
    w.field("target", target)
        .field("dueAt", due)
        .field("escalatedFrom", from)
        .field("escalatedTo", to)
        .field("note", note)
        .field("assignedAdminId", assignee);
    std::vector<std::string> rooms{std::string(kAdminsRoom)};
    if (assignee) rooms.push_back(agent_room(*assignee));
    out.push_back({"sla-breach", std::move(rooms), w.end_object().take()});
  };

  std::visit(
      events::Overloaded{
          [&](const domain::SupportRequestCreated& c) {
            created(request, c.supportRequestId, c.priority, c.category, c.customerId);
          },
          [&](const domain::InquiryCreated& c) {
            created(inquiry, c.supportInquiryId, c.priority.value_or("medium"), c.category,
                    c.customerId);
          },
          [&](const domain::SupportRequestAssigned& a) {
            assigned(request, a.supportRequestId, a.assignedAdminId, a.previousAdminId, a.reason,
                     a.customerId);
          },
          [&](const domain::InquiryAssigned& a) {
            assigned(inquiry, a.supportInquiryId, a.assignedAdminId, a.previousAdminId, a.reason,
                     a.customerId);
          },
          [&](const domain::SupportRequestStatusChanged& s) {
            status(request, s.supportRequestId, s.from, s.to, s.assignedAdminId, s.customerId);
          },
          [&](const domain::InquiryStatusChanged& s) {
            status(inquiry, s.supportInquiryId, s.from, s.to, s.assignedAdminId, s.customerId);
          },
          [&](const domain::SupportRequestSlaBreached& b) {
            breached(request, b.supportRequestId, b.target, b.dueAt, b.escalatedFrom, b.escalatedTo,
                     b.note, b.assignedAdminId);
          },
          [&](const domain::InquirySlaBreached& b) {
            breached(inquiry, b.supportInquiryId, b.target, b.dueAt, b.escalatedFrom, b.escalatedTo,
                     b.note, b.assignedAdminId);
          },
          [&](const domain::InquiryLinked& l) { to_guest(l.supportInquiryId, l.from, "linked"); },
          [&](const domain::AgentStatusChanged& s) {
            JsonWriter w;
            begin(w, e, epoch);
            w.field("accountId", s.accountId)
                .field("from", s.from)
                .field("to", s.to)
                .field("reason", s.reason);
            out.push_back({"agent-status-changed",
                           {std::string(kAdminsRoom), agent_room(s.accountId)},
                           w.end_object().take()});
          },
      },
      *decoded);
  return out;
}

std::string queue_updated_json(const QueueDepth& depth, std::uint64_t event_id,
                               std::string_view log_epoch) {
  JsonWriter w;
  w.begin_object().field("eventId", event_id).field("logEpoch", log_epoch);
  w.field("depth", depth.depth).key("byPriority").begin_object();
  for (const auto& [priority, n] : depth.byPriority)
    w.field(priority, n);
  return w.end_object().end_object().take();
}

}  // namespace docket::realtime
