// The inactive-close sweep (seed 000 §14): closes support inquiries in open, active,
// waiting or resolved whose last activity is older than the inactivity window, as
// `support.inquiry.status_changed` events (reason "inactive", actor system) that keep
// every message. Run by a CronJob on SUPPORT_INQUIRIES_INACTIVE_CLOSE_CRON.
//
// Candidates come from the read model (least recently active first, in batches); the
// decision re-checks each one against the log, so an inquiry that got a message after
// it was listed stays open. Idempotent: a second sweep at the same time closes nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/clock.h"
#include "core/result.h"

namespace docket::events {
class EventStore;
}
namespace docket::projections {
class ReaderPool;
}

namespace docket::scheduler {

struct InactiveCloseOutcome {
  std::uint64_t closed = 0;
  std::uint64_t skipped = 0;  // moved since they were listed
};

// The inactivity cutoff: `now` minus `days` (fractional) days.
UnixMillis inactive_cutoff(UnixMillis now, double days);

// One sweep at `now`. Errors are storage failures (the sweep stops; the next run goes on).
Result<InactiveCloseOutcome> close_inactive_inquiries(events::EventStore& store,
                                                      projections::ReaderPool& readers,
                                                      UnixMillis now, double days,
                                                      std::size_t batch = 500);

}  // namespace docket::scheduler
