// SupportRequests: the "support_requests" projection — requests and their messages.
//
//   requests(id INTEGER PRIMARY KEY, ticket_number TEXT UNIQUE, customer_id, subject,
//            category, priority, priority_rank (0 low … 3 urgent), status,
//            assigned_admin_id, resolution_note, metadata (JSON text), created_at,
//            updated_at, first_response_at, resolved_at (ISO-8601 UTC),
//            created_ms, first_response_ms, resolved_ms (for statistics),
//            message_count, journey (JSON {id, version, answers} of the journey that
//            created it, or NULL))
//   messages(request_id, id, sender_type, sender_id, message, created_at, event_id,
//            attachments (JSON [{id, fileName, contentType, size, url}] or NULL);
//            PRIMARY KEY (request_id, id)) WITHOUT ROWID: a thread is one range
//   requests_search  FTS5, trigram, contentless: rowid = request id, over subject and
//                    ticket number
//   status_counts(status PRIMARY KEY, n): requests per status
//
// Built from the support.request* events (domain/support_request.h). Queries:
// projections/support_request_query.h.
#pragma once

#include <string_view>

#include "domain/support_request_events.h"
#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class SupportRequestsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "support_requests";
  // 8: the source column (seed 001's form tickets) and the satisfaction columns.
  static constexpr int kSchemaVersion = 8;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override {
    return domain::SupportRequestEvent::contains(type);
  }
};

}  // namespace docket::projections
