// The mail outbox's metrics (docket_outbox_*), registered by the scheduler library.
#pragma once

#include "core/metrics.h"

namespace docket::scheduler {

class DeliveryWorker;
class Outbox;

// Registers the delivery counters and the queue gauge, read at scrape time.
// REQUIRES: `outbox` and `worker` outlive every render of `registry`.
void register_mail_metrics(MetricsRegistry& registry, Outbox& outbox, const DeliveryWorker& worker);

}  // namespace docket::scheduler
