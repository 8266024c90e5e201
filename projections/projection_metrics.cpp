#include "projections/projection_metrics.h"

#include "projections/projection_engine.h"

namespace docket::projections {

void register_projection_metrics(MetricsRegistry& registry, const ProjectionEngine& engine) {
  const ProjectionEngine* e = &engine;
  const auto per_projection = [e](auto field) {
    return [e, field] {
      std::vector<MetricsRegistry::Sample> samples;
      for (const ProjectionStatus& st : e->status())
        samples.push_back({{st.name}, static_cast<double>(st.*field)});
      return samples;
    };
  };
  registry.gauge_callback("docket_projection_lag_events",
                          "Events in the log not yet applied to the read model.", {"projection"},
                          per_projection(&ProjectionStatus::lag));
  registry.gauge_callback("docket_projection_checkpoint_event_id",
                          "The last eventId applied to the read model.", {"projection"},
                          per_projection(&ProjectionStatus::checkpoint));
}

}  // namespace docket::projections
