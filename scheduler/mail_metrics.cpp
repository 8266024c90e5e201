#include "scheduler/mail_metrics.h"

#include "scheduler/delivery_worker.h"
#include "scheduler/outbox.h"

namespace docket::scheduler {

void register_mail_metrics(MetricsRegistry& registry, Outbox& outbox,
                           const DeliveryWorker& worker) {
  const DeliveryWorker* w = &worker;
  const auto counter = [w](auto field) {
    return [w, field] { return static_cast<double>(w->counters().*field); };
  };
  registry.counter_callback("docket_outbox_sent_total", "E-mails delivered since start.",
                            counter(&DeliveryCounters::sent));
  registry.counter_callback("docket_outbox_failed_total",
                            "Delivery attempts that failed since start.",
                            counter(&DeliveryCounters::failed));
  registry.counter_callback("docket_outbox_dead_total", "E-mails given up since start.",
                            counter(&DeliveryCounters::dead));
  Outbox* o = &outbox;
  registry.gauge_callback("docket_outbox_queued", "E-mails waiting in the outbox.", [o] {
    auto stats = o->stats();
    return stats.ok() ? static_cast<double>(stats->queued) : 0.0;
  });
}

}  // namespace docket::scheduler
