// The event log's metrics (docket_log_*), registered by the log itself.
#pragma once

#include "core/metrics.h"
#include "events/event_store.h"

namespace docket::events {

// Registers gauges and counters read from `store` at scrape time. REQUIRES: `store`
// outlives every render of `registry`.
void register_log_metrics(MetricsRegistry& registry, const EventStore& store);

}  // namespace docket::events
