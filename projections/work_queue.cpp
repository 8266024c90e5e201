#include "projections/work_queue.h"

#include <optional>
#include <string>

#include "core/json_writer.h"
#include "domain/agent.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kRequest = domain::kItemSupportRequest;
constexpr std::string_view kInquiry = domain::kItemSupportInquiry;

std::string skills_json(const std::vector<std::string>& skills) {
  JsonWriter w;
  w.begin_array();
  for (const std::string& s : skills)
    w.value(s);
  return w.end_array().take();
}

std::optional<std::string> shift_json(const std::optional<domain::ShiftRecord>& shift) {
  if (!shift) return std::nullopt;
  JsonWriter w;
  w.begin_object().field("timezone", shift->timezone).key("weekly").begin_array();
  for (const auto& window : shift->weekly) {
    w.begin_object()
        .field("day", window.day)
        .field("start", window.start)
        .field("end", window.end)
        .end_object();
  }
  return w.end_array().end_object().take();
}

// `reference`: what staff call the item — a ticket number, or an inquiry's tracking code.
Status insert_item(Database& db, std::string_view kind, std::int64_t id,
                   const std::string& reference, const std::string& priority,
                   const std::string& category, const std::string& subject,
                   std::optional<std::int64_t> customer, const events::EventRecord& event) {
  return run_sql(
      db,
      "INSERT OR IGNORE INTO items(kind, id, priority, priority_rank, category, subject, "
      "status, open, customer_id, created_ms, created_event_id, reference) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'open', 1, ?7, ?8, ?9, ?10)",
      kind, id, priority, domain::priority_rank(priority), category, subject, customer,
      event.occurredAt, event.eventId, reference);
}

// The first staff reply of an item: its time and who sent it.
Status first_response(Database& db, std::string_view kind, std::int64_t id,
                      std::optional<std::int64_t> sender, std::int64_t at) {
  Status s = run_sql(db,
                     "UPDATE items SET first_response_ms = ?3 WHERE kind = ?1 AND id = ?2 AND "
                     "first_response_ms IS NULL",
                     kind, id, at);
  if (!s.ok() || !sender) return s;
  return run_sql(
      db,
      "INSERT OR IGNORE INTO first_responses(kind, item_id, account_id, created_ms, "
      "at_ms) SELECT kind, id, ?3, created_ms, ?4 FROM items WHERE kind = ?1 AND id = ?2",
      kind, id, *sender, at);
}

Status status_change(Database& db, std::string_view kind, std::int64_t id, const std::string& to,
                     bool open, bool resolved, const events::EventRecord& event) {
  Status s = run_sql(db, "UPDATE items SET status = ?3, open = ?4 WHERE kind = ?1 AND id = ?2",
                     kind, id, to, open ? 1 : 0);
  if (!s.ok() || !resolved) return s;
  s = run_sql(db, "UPDATE items SET resolved_ms = ?3 WHERE kind = ?1 AND id = ?2", kind, id,
              event.occurredAt);
  if (!s.ok()) return s;
  return run_sql(db,
                 "INSERT OR IGNORE INTO resolutions(event_id, kind, item_id, account_id, "
                 "created_ms, at_ms) SELECT ?3, kind, id, assignee, created_ms, ?4 FROM items "
                 "WHERE kind = ?1 AND id = ?2 AND assignee IS NOT NULL",
                 kind, id, event.eventId, event.occurredAt);
}

Status assignment(Database& db, std::string_view kind, std::int64_t id,
                  std::optional<std::int64_t> assignee, const std::optional<std::string>& reason,
                  const events::EventRecord& event) {
  Status s =
      run_sql(db, "UPDATE items SET assignee = ?3 WHERE kind = ?1 AND id = ?2", kind, id, assignee);
  if (!s.ok() || !assignee) return s;
  const std::string why = reason.value_or("manual");
  s = run_sql(db,
              "INSERT OR IGNORE INTO assignments(event_id, kind, item_id, account_id, reason, "
              "at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
              event.eventId, kind, id, *assignee, why, event.occurredAt);
  if (!s.ok() || why != "auto") return s;
  return run_sql(db,
                 "INSERT INTO queue_state(key, value) VALUES('cursor', ?1) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 *assignee);
}

// The instant an item becomes SLA-urgent in the queue (its earliest running target
// reaches critical; a breached target counts from its breach): none while paused.
Status sla_urgency(Database& db, std::string_view kind, std::int64_t id,
                   const domain::SlaClockRecord& record) {
  auto clock = domain::sla_clock_from_record(record);
  if (!clock.ok()) return clock.status();
  std::optional<std::int64_t> urgent;
  if (!clock->pausedAt) {
    auto consider = [&](const domain::TargetClock& t) {
      if (!t.running()) return;
      const std::int64_t at = t.breachedAt ? *t.breachedAt : t.criticalAt;
      if (!urgent || at < *urgent) urgent = at;
    };
    consider(clock->firstResponse);
    consider(clock->resolution);
    if (clock->nextResponse) consider(*clock->nextResponse);
  }
  return run_sql(db, "UPDATE items SET sla_urgent_ms = ?3 WHERE kind = ?1 AND id = ?2", kind, id,
                 urgent);
}

Status apply_request(Database& db, const domain::SupportRequestEvent::Variant& event,
                     const events::EventRecord& record) {
  return std::visit(
      events::Overloaded{
          [&](const domain::SupportRequestCreated& e) {
            return insert_item(db, kRequest, e.supportRequestId, e.ticketNumber, e.priority,
                               e.category, e.subject, e.customerId, record);
          },
          [&](const domain::SupportRequestMessageCreated& e) {
            if (e.senderType != "admin" || e.copiedFrom) return Status::Ok();
            return first_response(db, kRequest, e.supportRequestId, e.senderId, record.occurredAt);
          },
          [&](const domain::SupportRequestStatusChanged& e) {
            return status_change(db, kRequest, e.supportRequestId, e.to,
                                 domain::request_is_open_work(e.to),
                                 e.to == domain::kStatusResolved, record);
          },
          [&](const domain::SupportRequestAssigned& e) {
            return assignment(db, kRequest, e.supportRequestId, e.assignedAdminId, e.reason,
                              record);
          },
          [&](const domain::SupportRequestPriorityChanged& e) {
            return run_sql(db,
                           "UPDATE items SET priority = ?2, priority_rank = ?3 WHERE kind = "
                           "'support_request' AND id = ?1",
                           e.supportRequestId, e.to, domain::priority_rank(e.to));
          },
          [&](const domain::SupportRequestSlaUpdated& e) {
            return sla_urgency(db, kRequest, e.supportRequestId, e.sla);
          },
          [&](const domain::SupportRequestSlaBreached&) { return Status::Ok(); },
          [&](const domain::SupportRequestSatisfactionRated&) { return Status::Ok(); },
      },
      event);
}

Status apply_inquiry(Database& db, const domain::SupportInquiryEvent::Variant& event,
                     const events::EventRecord& record) {
  return std::visit(
      events::Overloaded{
          [&](const domain::InquiryCreated& e) {
            return insert_item(db, kInquiry, e.supportInquiryId,
                               e.ticketNumber.value_or(e.trackingCode),
                               e.priority.value_or("medium"), e.category.value_or(""), e.subject,
                               e.customerId, record);
          },
          [&](const domain::InquiryMessageCreated& e) {
            if (e.senderType != "admin") return Status::Ok();
            return first_response(db, kInquiry, e.supportInquiryId, e.senderId, record.occurredAt);
          },
          [&](const domain::InquiryStatusChanged& e) {
            return status_change(db, kInquiry, e.supportInquiryId, e.to,
                                 domain::inquiry_is_open_work(e.to),
                                 e.to == domain::kInquiryResolved, record);
          },
          [&](const domain::InquiryAssigned& e) {
            return assignment(db, kInquiry, e.supportInquiryId, e.assignedAdminId, e.reason,
                              record);
          },
          [&](const domain::InquiryLinked& e) {
            return status_change(db, kInquiry, e.supportInquiryId,
                                 std::string(domain::kInquiryLinked), false, false, record);
          },
          [&](const domain::InquiryPriorityChanged& e) {
            return run_sql(db,
                           "UPDATE items SET priority = ?2, priority_rank = ?3 WHERE kind = "
                           "'support_inquiry' AND id = ?1",
                           e.supportInquiryId, e.to, domain::priority_rank(e.to));
          },
          [&](const domain::InquirySlaUpdated& e) {
            return sla_urgency(db, kInquiry, e.supportInquiryId, e.sla);
          },
          [&](const domain::InquiryEmailVerified& e) {
            if (!e.customerId) return Status::Ok();
            return run_sql(db,
                           "UPDATE items SET customer_id = ?2 WHERE kind = 'support_inquiry' AND "
                           "id = ?1",
                           e.supportInquiryId, *e.customerId);
          },
          [&](const auto&) { return Status::Ok(); },
      },
      event);
}

Status apply_agent(Database& db, const domain::AgentEvent::Variant& event,
                   const events::EventRecord& record) {
  const std::int64_t at = record.occurredAt;
  return std::visit(
      events::Overloaded{
          [&](const domain::AgentRegistered& e) {
            return run_sql(db,
                           "INSERT OR REPLACE INTO agents(account_id, status, status_since_ms, "
                           "max_open_items, skills, shift, updated_ms) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?3)",
                           e.accountId, e.status, at, e.maxOpenItems, skills_json(e.skills),
                           shift_json(e.shift));
          },
          [&](const domain::AgentStatusChanged& e) {
            return run_sql(db,
                           "UPDATE agents SET status = ?2, status_since_ms = ?3, updated_ms = ?3 "
                           "WHERE account_id = ?1",
                           e.accountId, e.to, at);
          },
          [&](const domain::AgentProfileChanged& e) {
            return run_sql(db,
                           "UPDATE agents SET max_open_items = ?2, skills = ?3, shift = ?4, "
                           "updated_ms = ?5 WHERE account_id = ?1",
                           e.accountId, e.maxOpenItems, skills_json(e.skills), shift_json(e.shift),
                           at);
          },
          [&](const domain::AgentWorkAssigned& e) {
            return run_sql(db,
                           "INSERT OR REPLACE INTO agent_work(account_id, kind, item_id, reason, "
                           "since_ms) VALUES(?1, ?2, ?3, ?4, ?5)",
                           e.accountId, e.itemType, e.itemId, e.reason, at);
          },
          [&](const domain::AgentWorkReleased& e) {
            return run_sql(db,
                           "DELETE FROM agent_work WHERE account_id = ?1 AND kind = ?2 AND "
                           "item_id = ?3",
                           e.accountId, e.itemType, e.itemId);
          },
      },
      event);
}

}  // namespace

bool WorkQueueProjection::wants(std::string_view type) const {
  return domain::SupportRequestEvent::contains(type) ||
         domain::SupportInquiryEvent::contains(type) || domain::AgentEvent::contains(type);
}

Status WorkQueueProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE items(kind TEXT NOT NULL, id INTEGER NOT NULL, priority TEXT NOT NULL, "
      "priority_rank INTEGER NOT NULL, category TEXT NOT NULL, subject TEXT NOT NULL, "
      "status TEXT NOT NULL, open INTEGER NOT NULL, assignee INTEGER, customer_id INTEGER, "
      "created_ms INTEGER NOT NULL, created_event_id INTEGER NOT NULL, "
      "first_response_ms INTEGER, resolved_ms INTEGER, sla_urgent_ms INTEGER, "
      "reference TEXT NOT NULL DEFAULT '', PRIMARY KEY(kind, id)) WITHOUT ROWID;"
      // The waiting items in queue order: only they are in the index.
      "CREATE INDEX items_waiting ON items(priority_rank DESC, created_ms, created_event_id) "
      "WHERE open = 1 AND assignee IS NULL;"
      "CREATE TABLE agents(account_id INTEGER PRIMARY KEY, status TEXT NOT NULL, "
      "status_since_ms INTEGER NOT NULL, max_open_items INTEGER NOT NULL, skills TEXT NOT NULL, "
      "shift TEXT, updated_ms INTEGER NOT NULL);"
      "CREATE TABLE agent_work(account_id INTEGER NOT NULL, kind TEXT NOT NULL, "
      "item_id INTEGER NOT NULL, reason TEXT NOT NULL, since_ms INTEGER NOT NULL, "
      "PRIMARY KEY(account_id, kind, item_id)) WITHOUT ROWID;"
      "CREATE TABLE assignments(event_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
      "item_id INTEGER NOT NULL, account_id INTEGER NOT NULL, reason TEXT NOT NULL, "
      "at_ms INTEGER NOT NULL);"
      "CREATE INDEX assignments_by_agent ON assignments(account_id, at_ms);"
      "CREATE TABLE first_responses(kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
      "account_id INTEGER NOT NULL, created_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL, "
      "PRIMARY KEY(kind, item_id)) WITHOUT ROWID;"
      "CREATE INDEX first_responses_by_agent ON first_responses(account_id, at_ms);"
      "CREATE TABLE resolutions(event_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
      "item_id INTEGER NOT NULL, account_id INTEGER NOT NULL, created_ms INTEGER NOT NULL, "
      "at_ms INTEGER NOT NULL);"
      "CREATE INDEX resolutions_by_agent ON resolutions(account_id, at_ms);"
      "CREATE TABLE queue_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;");
}

Status WorkQueueProjection::apply(Database& db, const events::EventRecord& event) {
  if (auto s = apply_as<domain::SupportRequestEvent>(
          event, [&](const auto& e) { return apply_request(db, e, event); })) {
    return *s;
  }
  if (auto s = apply_as<domain::SupportInquiryEvent>(
          event, [&](const auto& e) { return apply_inquiry(db, e, event); })) {
    return *s;
  }
  return apply_as<domain::AgentEvent>(event,
                                      [&](const auto& e) { return apply_agent(db, e, event); })
      .value_or(Status::Ok());
}

}  // namespace docket::projections
