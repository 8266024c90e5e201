// The "sla" projection: SLA configuration and every item's SLA clocks (docs/sla.md).
//
//   calendars(id, name, timezone, weekly JSON, holidays JSON, version, deleted,
//             created_at, updated_at)
//   policies(id, name, calendar_id, applies_to JSON, categories JSON, targets JSON,
//            pause_statuses JSON, version, created_at, updated_at)
//   items(kind, item_id, policy_id, policy_version, priority, paused_ms,
//         {fr,res,nr}_{due,warn,crit,met,breached,stopped} (ms), next_due_ms,
//         started_ms: when the item's clocks started, i.e. its creation)
//     kind "support_request" | "support_inquiry"; nr_* null without a next-response
//     clock; next_due_ms: the deadline the monitor watches (domain::next_sla_due), in
//     a partial index so the monitor's sweep reads only what is due.
//   breaches(event_id, kind, item_id, target, due_at, breached_at, escalated_from,
//            escalated_to, note)
//
// Built from the sla.* configuration events and the items' sla_updated / sla_breached
// events. Queries: projections/sla_query.h.
#pragma once

#include <string_view>

#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class SlaProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "sla";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override;
};

}  // namespace docket::projections
