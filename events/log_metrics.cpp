#include "events/log_metrics.h"

namespace docket::events {

void register_log_metrics(MetricsRegistry& registry, const EventStore& store) {
  const EventStore* s = &store;
  const auto stat = [s](auto field) {
    return [s, field] { return static_cast<double>(s->stats().*field); };
  };
  registry.gauge_callback("docket_log_head_event_id", "The last durable eventId.",
                          stat(&StoreStats::head));
  registry.counter_callback("docket_log_events_appended_total", "Events appended since start.",
                            stat(&StoreStats::events_appended));
  registry.counter_callback("docket_log_groups_total", "Group commits written since start.",
                            stat(&StoreStats::groups));
  registry.counter_callback("docket_log_commands_rejected_total",
                            "Commands rejected by validation (version conflicts, taken unique "
                            "keys) since start.",
                            stat(&StoreStats::commands_rejected));
  registry.gauge_callback("docket_log_last_group_commands", "Commands in the latest group.",
                          stat(&StoreStats::last_group_commands));
  registry.gauge_callback("docket_log_last_write_seconds",
                          "Duration of the latest group write (WAL write and fsync).",
                          [s] { return s->stats().last_fsync_ms / 1000.0; });
  const auto seconds = [s](double StoreStats::*field) {
    return [s, field] { return s->stats().*field; };
  };
  registry.counter_callback("docket_log_writer_stage_seconds_total",
                            "Writer thread time spent deciding and staging commands.",
                            seconds(&StoreStats::stage_seconds));
  registry.counter_callback("docket_log_writer_write_seconds_total",
                            "Writer thread time spent writing groups (WAL write and fsync).",
                            seconds(&StoreStats::write_seconds));
  registry.counter_callback("docket_log_writer_backlog_wait_seconds_total",
                            "Writer thread time spent waiting for the publisher to take a "
                            "durable group.",
                            seconds(&StoreStats::backlog_wait_seconds));
  registry.counter_callback("docket_log_publisher_observe_seconds_total",
                            "Publisher thread time spent in commit observers (projections).",
                            seconds(&StoreStats::observe_seconds));
  registry.counter_callback("docket_log_publisher_complete_seconds_total",
                            "Publisher thread time spent completing commands.",
                            seconds(&StoreStats::complete_seconds));
  registry.gauge_callback("docket_log_disk_bytes", "Approximate size of the log on disk.",
                          [s] { return static_cast<double>(s->disk_bytes()); });
}

}  // namespace docket::events
