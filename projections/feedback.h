// Feedback: the "feedback" projection, one row per feedback submission.
//
//   feedback(id INTEGER PRIMARY KEY, customer_id INTEGER, category TEXT, message TEXT,
//            rating INTEGER, app_version TEXT, platform TEXT,
//            status TEXT  -- "new" | "reviewed"
//            reviewed_by INTEGER, reviewed_at TEXT, created_at TEXT, updated_at TEXT,
//            version INTEGER)
//   indexes on (created_at, id), (updated_at, id), (status, created_at, id),
//              (category, created_at, id), (customer_id, created_at, id)
//
// Times are ISO-8601 UTC text of fixed width, so text order is time order. Built from
// the support.feedback.* events (domain/feedback.h). Queries:
// projections/feedback_query.h.
#pragma once

#include <string_view>

#include "domain/feedback_events.h"
#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class FeedbackProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "feedback";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override { return domain::FeedbackEvent::contains(type); }
};

}  // namespace docket::projections
