// The work queue and its agents: the "queue" projection (docs/agents-and-queue.md).
//
//   items(kind, id, priority, priority_rank, category, subject, status, open, assignee,
//         customer_id, created_ms, created_event_id, first_response_ms, resolved_ms,
//         sla_urgent_ms, reference)
//         -- every support request ("support_request") and inquiry ("support_inquiry");
//            open: queue work (request open/in_progress, inquiry open/active/waiting);
//            reference: the ticket number, or an inquiry's tracking code
//   agents(account_id, status, status_since_ms, max_open_items, skills, shift, updated_ms)
//         -- skills: a JSON array; shift: {timezone, weekly:[{day,start,end}]} or NULL
//   agent_work(account_id, kind, item_id, reason, since_ms)
//         -- the open items counted against each agent's capacity (agent.work_*)
//   assignments(event_id, kind, item_id, account_id, reason, at_ms)
//         -- every assignment to someone; reason manual/take/auto/requeued
//   first_responses(kind, item_id, account_id, created_ms, at_ms)
//         -- an item's first staff reply and who sent it
//   resolutions(event_id, kind, item_id, account_id, created_ms, at_ms)
//         -- an item resolved while assigned, and to whom
//   queue_state(key, value) -- "cursor": the agent of the last automatic assignment
//
// Built from the support request, support inquiry and agent events; queries in
// projections/work_queue_query.h.
#pragma once

#include <string_view>

#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class WorkQueueProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "queue";
  static constexpr int kSchemaVersion = 3;  // 2: sla_urgent_ms; 3: reference

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override;
};

}  // namespace docket::projections
