#include "scheduler/inactive_close.h"

#include <cmath>

#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "events/event_store.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"

namespace docket::scheduler {

UnixMillis inactive_cutoff(UnixMillis now, double days) {
  return now - static_cast<UnixMillis>(std::llround(days * 86'400'000.0));
}

Result<InactiveCloseOutcome> close_inactive_inquiries(events::EventStore& store,
                                                      projections::ReaderPool& readers,
                                                      UnixMillis now, double days,
                                                      std::size_t batch) {
  // `<=`: with 0 days, an inquiry whose last event is at `now` itself is stale too.
  const UnixMillis cutoff = inactive_cutoff(now, days) + 1;
  const domain::CommandMeta meta;  // the system
  InactiveCloseOutcome outcome;
  for (;;) {
    std::vector<std::int64_t> ids;
    {
      auto lease = readers.lease();
      if (!lease.ok()) return lease.status();
      auto found = projections::SupportInquiryQuery(lease->db()).inactive_since(cutoff, batch);
      if (!found.ok()) return found.status();
      ids = std::move(found).value();
    }
    std::uint64_t closed_now = 0;
    for (const std::int64_t id : ids) {
      auto executed = domain::execute(store, domain::CloseInactiveInquiry{id, cutoff}, meta);
      const auto refusal = domain::refusal_of(executed.status());
      if (executed.ok()) {
        ++closed_now;
      } else if (refusal == domain::Refusal::kInquiryStillActive ||
                 refusal == domain::Refusal::kInquiryNotFound) {
        ++outcome.skipped;  // activity since the read, or the read model ran ahead
      } else {
        return executed.status();
      }
    }
    outcome.closed += closed_now;
    // A short batch was the last; a batch of only skipped ones would come back again.
    if (ids.size() < batch || closed_now == 0) break;
  }
  return outcome;
}

}  // namespace docket::scheduler
