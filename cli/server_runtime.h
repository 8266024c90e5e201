// ServerRuntime: the parts of a running Docket server, started and stopped in order.
//
// Start: open the event log (exclusive), bring every read model up to the head, start
// the control socket, then the HTTP server. Stop: in reverse — the HTTP server first
// (finishing requests in flight), then the writer drains every queued command, then
// the read models close.
//
// Thread safety: start/stop from one thread (main); the accessors are safe from any
// thread while the runtime lives.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/storage_watch.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"

namespace docket {
class BlobStore;
class MetricsRegistry;
}  // namespace docket

namespace docket::events {
class EventStore;
}
namespace docket::scheduler {
class CronJob;
class DeliveryWorker;
class MailSender;
class NotificationRelay;
class QueueService;
class SlaMonitor;
class Outbox;
}  // namespace docket::scheduler
namespace docket::auth {
class PasswordHasher;
}
namespace docket::projections {
class Projection;
class ProjectionEngine;
class ReaderPool;
class RebuildJobs;
}  // namespace docket::projections
namespace docket::realtime {
class RealtimeFeed;
class SocketServer;
class PollingServer;
class WsServer;
}  // namespace docket::realtime
namespace docket::projections {
class AccountCache;
class Authenticator;
}  // namespace docket::projections
namespace docket::http {
struct ApiContext;
class HttpService;
class PasswordWork;
class ReadFence;
class RateLimiter;
class Router;
class Server;
class TokenIssuer;
}  // namespace docket::http

namespace docket::cli {

class ControlServer;

// Every read model the server keeps, in the order the engine applies them.
std::vector<std::unique_ptr<projections::Projection>> make_projections();

class ServerRuntime {
 public:
  struct Options {
    Config config;
    const Clock* clock = nullptr;  // SystemClock when null; must outlive the runtime
    bool control_socket = true;
    bool http = true;  // false: no HTTP server (benchmarks of the write path)
    // Called once when the log stopped taking writes and its disk has room again
    // (cli/storage_watch.h); `docket serve` stops and exits 75 for its supervisor.
    std::function<void()> on_storage_restart;
  };

  // Fails when the log cannot be opened (e.g. another server holds it) or the
  // projection directory cannot be created.
  static Result<std::unique_ptr<ServerRuntime>> start(Options options);

  // Calls stop().
  ~ServerRuntime();
  ServerRuntime(const ServerRuntime&) = delete;
  ServerRuntime& operator=(const ServerRuntime&) = delete;

  // Start: open the log, catch up the read models, record the permission catalogue,
  // create the bootstrap admin (when configured), then serve.
  // Stops the control socket, detaches the projections, drains and closes the log.
  // Idempotent.
  void stop();

  events::EventStore& store() { return *store_; }
  projections::ProjectionEngine& projections() { return *engine_; }
  // The SLA monitor (null without the API); tests poke it after moving a ManualClock.
  scheduler::SlaMonitor* sla_monitor() { return sla_monitor_.get(); }
  // The read connections and the attachment files (null without the HTTP API).
  projections::ReaderPool* readers() { return readers_.get(); }
  const BlobStore* blobs() const { return blobs_.get(); }
  const Config& config() const { return options_.config; }
  // Milliseconds from the start of start() to ready.
  std::int64_t startup_ms() const { return startup_ms_; }
  // The routes served (for the OpenAPI coverage test). REQUIRES: started with HTTP.
  const http::Router& router() const { return *router_; }
  // The HTTP port bound (the ephemeral one when configured as 0); 0 without HTTP.
  std::uint16_t http_port() const;

  // The log stopped taking writes and the disk has room again: a restart resumes them.
  bool storage_restart_requested() const {
    return storage_restarted_ || (storage_watch_ && storage_watch_->restart_requested());
  }

  // Serves one control-socket request (see control_socket.h); public for tests.
  std::string handle_control(std::string_view request);

 private:
  explicit ServerRuntime(Options options);
  // Builds the identity services, the routes and the HTTP service (not yet serving).
  Status start_api();
  // The realtime layer on top of the authenticator and the read models: the websocket
  // and long-polling transports, serving the support namespace (or, in the protocol
  // test configuration, DOCKET_WS_ECHO, the suites' echo handlers).
  Status start_realtime(const Clock& clock);
  // The Socket.IO layer of the support namespace and its live feed from the log.
  Status start_support_namespace(const Clock& clock);
  // The inactive-close CronJob (SUPPORT_INQUIRIES_INACTIVE_CLOSE_*), once readers_ exist.
  Status start_inactive_close(const Clock& clock);
  Status start_attachment_cleanup(const Clock& clock);
  // The queue service (DOCKET_QUEUE_*): metrics always, the thread when enabled.
  void start_queue(const Clock& clock);
  // Seeds the default SLA policy (first start) and starts the SLA monitor.
  Status start_sla(const Clock& clock);
  // Loads the web console's files (DOCKET_CONSOLE_DIR) and serves them as the router's
  // fallback; a console that is missing is logged and left out, never a failed start.
  void add_console();

  Options options_;
  std::unique_ptr<events::EventStore> store_;
  std::unique_ptr<projections::ProjectionEngine> engine_;
  std::unique_ptr<ControlServer> control_;
  // Declared in this order so the worker is destroyed first.
  std::unique_ptr<scheduler::Outbox> outbox_;
  std::unique_ptr<scheduler::MailSender> mail_sender_;
  std::unique_ptr<scheduler::DeliveryWorker> mail_worker_;
  std::unique_ptr<scheduler::NotificationRelay> relay_;  // stopped before mail_worker_
  std::unique_ptr<projections::AccountCache> account_cache_;
  std::unique_ptr<auth::PasswordHasher> hasher_;
  std::unique_ptr<projections::ReaderPool> readers_;
  std::unique_ptr<projections::RebuildJobs> rebuilds_;
  std::unique_ptr<http::PasswordWork> passwords_;
  std::unique_ptr<http::TokenIssuer> tokens_;
  std::unique_ptr<projections::Authenticator> authenticator_;
  std::unique_ptr<http::ApiContext> api_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::ReadFence> fence_;
  std::unique_ptr<http::HttpService> service_;
  std::unique_ptr<http::Server> server_;
  // Realtime (docs/realtime.md): the Socket.IO layer, its websocket transport (an
  // upgrade handler of server_, stopped before it) and the feed observing the store.
  std::shared_ptr<realtime::SocketServer> socket_server_;
  std::shared_ptr<realtime::WsServer> ws_;
  std::unique_ptr<realtime::PollingServer> polling_;
  std::unique_ptr<realtime::RealtimeFeed> feed_;
  std::unique_ptr<scheduler::CronJob> inactive_close_;      // stopped before the store
  std::unique_ptr<scheduler::CronJob> attachment_cleanup_;  // stopped before the store
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<scheduler::QueueService> queue_;      // stopped before the store
  std::unique_ptr<scheduler::SlaMonitor> sla_monitor_;  // stopped before the store
  std::unique_ptr<StorageWatch> storage_watch_;         // stopped first
  bool storage_restarted_ = false;                      // what it said when it stopped
  std::int64_t startup_ms_ = 0;
  bool stopped_ = false;
};

}  // namespace docket::cli
