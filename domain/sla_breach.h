// Recording an SLA breach on a support request or support inquiry (the SLA monitor,
// scheduler/sla_monitor.h, decides these): support.request.sla_breached /
// support.inquiry.sla_breached once per target clock, the escalation (priority one step
// up, to urgent at most) and the clocks after it (sla_updated, reason "breached").
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "domain/assignment.h"
#include "domain/command_meta.h"
#include "domain/sla.h"
#include "events/event_store.h"

namespace docket::domain {

// Refused kSlaNotDue when the target is not due at `dueAt` any more (met, already
// breached, paused, recounted) or not yet; kSupportRequestNotFound / kInquiryNotFound.
struct RecordSlaBreach {
  static constexpr std::string_view kName = "sla.record_breach";
  WorkKind kind = WorkKind::kSupportRequest;
  std::int64_t itemId = 0;
  SlaTarget target = SlaTarget::kFirstResponse;
  UnixMillis dueAt = 0;
  bool escalate = true;  // DOCKET_SLA_ESCALATE
};

Result<events::AppendRequest> decide(const events::StagedView& view, const RecordSlaBreach& c,
                                     const CommandMeta& meta);

}  // namespace docket::domain
