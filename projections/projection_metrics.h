// The read models' metrics (docket_projection_*), registered by the projection engine's
// library.
#pragma once

#include "core/metrics.h"

namespace docket::projections {

class ProjectionEngine;

// Registers per-projection gauges read at scrape time. REQUIRES: `engine` outlives
// every render of `registry`.
void register_projection_metrics(MetricsRegistry& registry, const ProjectionEngine& engine);

}  // namespace docket::projections
