#include "cli/server_runtime.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "cli/commands.h"
#include "cli/control_socket.h"
#include "cli/identity_setup.h"
#include "core/api_error.h"
#include "core/auth/password.h"
#include "core/blob_store.h"
#include "core/data_dir.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/media.h"
#include "core/metrics.h"
#include "domain/agent.h"
#include "domain/command.h"
#include "domain/permission_catalogue.h"
#include "domain/refusal.h"
#include "domain/sla.h"
#include "events/event_store.h"
#include "events/log_metrics.h"
#include "http/admin_routes.h"
#include "http/agent_routes.h"
#include "http/analytics_routes.h"
#include "http/api_context.h"
#include "http/attachment_routes.h"
#include "http/auth_guard.h"
#include "http/auth_routes.h"
#include "http/export_routes.h"
#include "http/feedback_routes.h"
#include "http/journey_routes.h"
#include "http/openapi.h"
#include "http/operations_routes.h"
#include "http/password_work.h"
#include "http/rate_limit.h"
#include "http/read_fence.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service.h"
#include "http/sla_routes.h"
#include "http/staff_routes.h"
#include "http/static_site.h"
#include "http/support_inquiry_routes.h"
#include "http/support_request_routes.h"
#include "http/support_ticket_routes.h"
#include "http/token_issuer.h"
#include "projections/account_cache.h"
#include "projections/accounts.h"
#include "projections/analytics.h"
#include "projections/attachments.h"
#include "projections/authenticator.h"
#include "projections/feedback.h"
#include "projections/journeys.h"
#include "projections/projection_engine.h"
#include "projections/projection_metrics.h"
#include "projections/reader_pool.h"
#include "projections/rebuild_jobs.h"
#include "projections/sla.h"
#include "projections/stream_catalog.h"
#include "projections/support_inquiries.h"
#include "projections/support_requests.h"
#include "projections/work_queue.h"
#include "realtime/conformance.h"
#include "realtime/polling.h"
#include "realtime/queue_feed.h"
#include "realtime/replay.h"
#include "realtime/room_access.h"
#include "realtime/socket_server.h"
#include "realtime/ws_server.h"
#include "scheduler/attachment_cleanup.h"
#include "scheduler/cron_job.h"
#include "scheduler/delivery_worker.h"
#include "scheduler/inactive_close.h"
#include "scheduler/mail_metrics.h"
#include "scheduler/mail_sender.h"
#include "scheduler/notification_relay.h"
#include "scheduler/outbox.h"
#include "scheduler/queue_service.h"
#include "scheduler/sla_monitor.h"

namespace docket::cli {

std::vector<std::unique_ptr<projections::Projection>> make_projections() {
  std::vector<std::unique_ptr<projections::Projection>> list;
  list.push_back(std::make_unique<projections::StreamCatalog>());
  list.push_back(std::make_unique<projections::AccountsProjection>());
  list.push_back(std::make_unique<projections::SupportRequestsProjection>());
  list.push_back(std::make_unique<projections::FeedbackProjection>());
  list.push_back(std::make_unique<projections::SupportInquiriesProjection>());
  list.push_back(std::make_unique<projections::WorkQueueProjection>());
  list.push_back(std::make_unique<projections::SlaProjection>());
  list.push_back(std::make_unique<projections::JourneysProjection>());
  list.push_back(std::make_unique<projections::AttachmentsProjection>());
  list.push_back(std::make_unique<projections::AnalyticsProjection>());
  return list;
}

Result<std::unique_ptr<ServerRuntime>> ServerRuntime::start(Options options) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<ServerRuntime> rt(new ServerRuntime(std::move(options)));
  const DataDir dir{rt->options_.config.data_dir};
  std::error_code ec;
  std::filesystem::create_directories(dir.root, ec);
  if (ec) return Status::IOError("cannot create " + dir.root + ": " + ec.message());

  events::StoreOptions store_options;
  store_options.path = dir.log();
  store_options.clock = rt->options_.clock;
  store_options.idempotency_ttl = std::chrono::hours(rt->options_.config.idempotency_ttl_hours);
  auto store = events::EventStore::open(store_options);
  if (!store.ok()) return store.status();
  rt->store_ = std::move(store.value());

  projections::EngineOptions engine_options;
  engine_options.clock = rt->options_.clock;
  rt->engine_ = std::make_unique<projections::ProjectionEngine>(dir.projections(), *rt->store_,
                                                                make_projections(), engine_options);
  Status started =
      rt->engine_->start([](std::string_view name, std::uint64_t done, std::uint64_t total) {
        log_info("projections.catch_up", [&](JsonWriter& w) {
          w.field("projection", name).field("done", done).field("total", total);
        });
      });
  if (!started.ok()) return started;

  // Observes after the engine (registered by start()), before the first append.
  rt->account_cache_ = std::make_unique<projections::AccountCache>();
  rt->store_->add_commit_observer(rt->account_cache_.get());

  const Config& config = rt->options_.config;
  if (auto seeded = domain::seed_permission_catalogue(*rt->store_); !seeded.ok()) {
    return seeded.status();
  }
  auto hasher = make_password_hasher(config);
  if (!hasher.ok()) return hasher.status();
  rt->hasher_ = std::make_unique<auth::PasswordHasher>(std::move(hasher).value());
  if (Status s = bootstrap_admin(config, *rt->store_, *rt->hasher_); !s.ok()) return s;

  // Mail: the outbox (its own SQLite file) and the worker that delivers it.
  const Clock& mail_clock = rt->options_.clock ? *rt->options_.clock : SystemClock::instance();
  auto outbox =
      scheduler::Outbox::open(dir.outbox(), mail_clock,
                              {.max_attempts = static_cast<std::uint32_t>(config.mail_max_attempts),
                               .retry_base = std::chrono::seconds(config.mail_retry_base_seconds),
                               .jitter_fraction = 0.1});
  if (!outbox.ok()) return outbox.status();
  rt->outbox_ = std::move(outbox).value();
  auto sender = scheduler::make_mail_sender(config, dir.root + "/mail");
  if (!sender.ok()) return sender.status();
  rt->mail_sender_ = std::move(sender).value();
  rt->mail_worker_ =
      std::make_unique<scheduler::DeliveryWorker>(*rt->outbox_, *rt->mail_sender_, mail_clock);
  rt->mail_worker_->start();
  log_info("mail.ready", [&](JsonWriter& w) { w.field("sender", rt->mail_sender_->name()); });
  // Mail about events (an admin's reply) is derived from the log by the relay, so it
  // survives a crash right after the command.
  scheduler::NotificationOptions notifications;
  notifications.csat_survey = rt->options_.config.csat_email;
  notifications.csat_window_days = rt->options_.config.csat_window_days;
  rt->relay_ = std::make_unique<scheduler::NotificationRelay>(
      *rt->store_, *rt->outbox_, rt->mail_worker_.get(), notifications);
  if (Status s = rt->relay_->start(); !s.ok()) return s;

  if (rt->options_.control_socket) {
    ServerRuntime* self = rt.get();
    auto control = ControlServer::start(
        dir.control_socket(), [self](std::string_view req) { return self->handle_control(req); });
    if (!control.ok()) {
      // The server still serves; operators then stop it to back up or rebuild.
      log_warn("control.unavailable",
               [&](JsonWriter& w) { w.field("error", control.status().ToString()); });
    } else {
      rt->control_ = std::move(control.value());
    }
  }
  if (rt->options_.http) {
    if (Status s = rt->start_api(); !s.ok()) return s;
    http::ServerOptions server_options = http::ServerOptions::from_config(rt->options_.config);
    server_options.large_bodies.push_back(
        {"/api/attachments", http::upload_body_limit(rt->options_.config.attachment_max_bytes)});
    rt->server_ = std::make_unique<http::Server>(std::move(server_options), *rt->service_);
    rt->server_->add_upgrade_handler(rt->options_.config.ws_path, rt->ws_);
    if (Status s = rt->server_->start(); !s.ok()) return s;
  }
  rt->storage_watch_ = std::make_unique<StorageWatch>(
      *rt->store_, dir.root, StorageWatch::kMinFreeBytes, rt->options_.on_storage_restart);
  rt->startup_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  return rt;
}

Status ServerRuntime::start_api() {
  const Config& config = options_.config;
  const Clock& clock = options_.clock ? *options_.clock : SystemClock::instance();
  auto secret = load_or_create_jwt_secret(config);
  if (!secret.ok()) return secret.status();
  auto verifier = make_jwt_verifier(config, *secret, &clock);
  if (!verifier.ok()) return verifier.status();

  readers_ = std::make_unique<projections::ReaderPool>(*engine_);
  rebuilds_ = std::make_unique<projections::RebuildJobs>(*engine_);
  const unsigned slots = config.password_hash_concurrency != 0
                             ? config.password_hash_concurrency
                             : std::max(1u, std::thread::hardware_concurrency());
  passwords_ = std::make_unique<http::PasswordWork>(*hasher_, slots);
  tokens_ =
      std::make_unique<http::TokenIssuer>(*secret, config.jwt_issuer, config.jwt_audience,
                                          static_cast<std::int64_t>(config.jwt_ttl_seconds), clock);
  authenticator_ = std::make_unique<projections::Authenticator>(std::move(verifier).value(),
                                                                *readers_, account_cache_.get());
  std::vector<domain::CategoryPriority> categories;
  for (const auto& [category, priority] : config.support_categories)
    categories.push_back({category, priority});
  scheduler::Outbox* outbox = outbox_.get();
  scheduler::DeliveryWorker* worker = mail_worker_.get();
  auto send_mail = [outbox, worker](const OutgoingMail& mail) {
    if (Status s = outbox->enqueue(mail); !s.ok()) {
      log_warn("mail.enqueue_failed",
               [&](JsonWriter& w) { w.field("kind", mail.kind).field("error", s.ToString()); });
      return;
    }
    worker->notify();
  };
  api_.reset(new http::ApiContext{*store_, *engine_, *readers_, clock, *tokens_, *passwords_,
                                  std::move(categories), std::move(send_mail)});
  api_->default_capacity = static_cast<std::uint32_t>(config.queue_default_capacity);
  api_->csat_window_ms = static_cast<UnixMillis>(config.csat_window_days) * 86'400'000;
  api_->requeue_on_away = config.queue_requeue_on_away;

  metrics_ = std::make_unique<MetricsRegistry>();
  events::register_log_metrics(*metrics_, *store_);
  projections::register_projection_metrics(*metrics_, *engine_);
  scheduler::register_mail_metrics(*metrics_, *outbox_, *mail_worker_);
  router_ = std::make_unique<http::Router>();
  http::add_operations_routes(*router_, *store_, *engine_, *metrics_);
  http::add_auth_routes(*router_, *api_);
  http::add_staff_routes(*router_, *api_);
  http::add_agent_routes(*router_, *api_);
  http::add_support_request_routes(*router_, *api_);
  const http::InquiryOptions inquiry_options{
      .token_ttl_ms = static_cast<UnixMillis>(config.inquiry_token_ttl_days) * 86'400'000,
      .otp_ttl_ms = static_cast<UnixMillis>(config.inquiry_otp_ttl_seconds) * 1000,
      .otp_max_attempts = static_cast<int>(config.inquiry_otp_max_attempts),
      .greeting = config.inquiry_greeting};
  http::add_support_inquiry_routes(*router_, *api_, inquiry_options);
  authenticator_->set_guest_resolver(http::make_guest_token_resolver(*api_));
  http::add_feedback_routes(*router_, *api_);
  http::add_admin_routes(*router_, *api_, *rebuilds_);
  http::add_sla_routes(*router_, *api_);
  http::add_journey_routes(*router_, *api_, inquiry_options);
  http::add_support_ticket_routes(*router_, *api_, inquiry_options);
  http::add_analytics_routes(*router_, *api_);
  http::add_export_routes(*router_, *api_);
  auto blobs = BlobStore::open(DataDir{config.data_dir}.attachments());
  if (!blobs.ok()) return blobs.status();
  blobs_ = std::make_unique<BlobStore>(std::move(blobs).value());
  http::AttachmentOptions attachments{
      .blobs = blobs_.get(), .max_bytes = config.attachment_max_bytes, .types = {}};
  for (const std::string& name : config.attachment_types)
    attachments.types.push_back(*media_type_from_name(name));
  http::add_attachment_routes(*router_, *api_, std::move(attachments));
  // Engine.IO long-polling on the websocket path (the HTTP server hands upgrades on it
  // to the websocket transport before routing); the server exists once realtime starts.
  router_->mount(config.ws_path,
                 [this](http::RequestContext& ctx) -> http::Reply { return polling_->handle(ctx); },
                 {.name = "realtime.polling",
                  .tag = "Realtime",
                  .summary = "Engine.IO long-polling transport (docs/realtime.md)",
                  .fenced = false});
  add_console();
  // Last: the document lists every route registered before it, and itself.
  http::add_openapi_route(*router_, {.title = "Docket",
                                     .version = "0.1.0",
                                     .description = "Event-sourced customer-support backend: "
                                                    "support inquiries, support requests, "
                                                    "feedback.",
                                     .license_name = config.api_license_name,
                                     .license_url = config.api_license_url});
  http::ServiceOptions service_options = http::ServiceOptions::from_config(config);
  service_options.metrics = metrics_.get();
  fence_ = std::make_unique<http::StoreReadFence>(*store_);
  service_options.fence = fence_.get();
  service_ = std::make_unique<http::HttpService>(*router_, std::move(service_options));
  // Rate limits first: a refused login costs no password check.
  service_->use(http::rate_limit_middleware(
      std::make_shared<http::RateLimiter>(http::RateLimitOptions::from_config(config), clock),
      metrics_.get()));
  service_->use(http::make_auth_guard(*authenticator_));
  if (Status s = service_->status(); !s.ok()) return s;
  if (Status s = start_realtime(clock); !s.ok()) return s;
  start_queue(clock);
  if (Status s = start_sla(clock); !s.ok()) return s;
  return start_inactive_close(clock);
}

void ServerRuntime::add_console() {
  const std::string& dir = options_.config.console_dir;
  if (dir.empty()) return;  // DOCKET_CONSOLE_DIR="" or --no-console
  std::error_code ec;
  const std::string resolved = std::filesystem::absolute(dir, ec).string();
  auto site = http::StaticSite::load(dir);
  if (!site.ok()) {
    // The API serves without its console (a checkout that has not built it, a server
    // run from another directory); the line says where the console was looked for.
    log_warn(site.status().IsNotFound() ? "console.missing" : "console.failed", [&](JsonWriter& w) {
      w.field("path", dir).field("resolved", resolved);
      w.field("error", site.status().message());
    });
    return;
  }
  for (const http::StaticSite::Skipped& skipped : site->skipped()) {
    log_warn("console.skipped",
             [&](JsonWriter& w) { w.field("file", skipped.path).field("reason", skipped.reason); });
  }
  log_info("console.loaded", [&](JsonWriter& w) {
    w.field("path", dir).field("resolved", resolved);
    w.field("files", static_cast<std::uint64_t>(site->file_count())).field("bytes", site->bytes());
  });
  http::add_console_fallback(*router_,
                             std::make_shared<const http::StaticSite>(std::move(site).value()));
}

void ServerRuntime::start_queue(const Clock& clock) {
  const Config& config = options_.config;
  queue_ = std::make_unique<scheduler::QueueService>(
      *store_, *readers_, clock,
      scheduler::QueueOptions{
          .enabled = config.queue_enabled,
          .interval = std::chrono::seconds(config.queue_interval_seconds),
          .default_capacity = static_cast<std::uint32_t>(config.queue_default_capacity)});
  queue_->register_metrics(*metrics_);
  if (socket_server_) {
    realtime::SocketServer* sockets = socket_server_.get();
    const std::string epoch = store_->log_epoch();
    queue_->set_depth_listener(
        [sockets, epoch](const projections::QueueStats& stats, std::uint64_t event_id) {
          const realtime::QueueDepth depth{stats.depth, stats.byPriority};
          sockets->send_feed_event(
              {std::string(realtime::kAgentsRoom), std::string(realtime::kAdminsRoom)},
              "queue-updated", realtime::queue_updated_json(depth, event_id, epoch), event_id);
        });
  }
  store_->add_commit_observer(queue_.get());
  queue_->start();
}

Status ServerRuntime::start_realtime(const Clock& clock) {
  const Config& config = options_.config;
  std::shared_ptr<realtime::ConnectionHandler> handler;
  if (config.ws_echo == Config::WsEcho::kOff) {
    if (Status s = start_support_namespace(clock); !s.ok()) return s;
    handler = socket_server_;
  } else {  // the protocol test suites' configuration (core/config.h)
    const bool engine_io = config.ws_echo == Config::WsEcho::kEngineIo;
    if (engine_io) {
      handler = std::make_shared<realtime::EngineIoEcho>();
    } else {
      handler = std::make_shared<realtime::SocketIoEcho>();
    }
    log_warn("realtime.echo_handlers", [&](JsonWriter& w) {
      w.field("handlers", engine_io ? "engine.io" : "socket.io");
      w.field("path", config.ws_path);
    });
  }
  realtime::WsOptions ws;
  ws.ping_interval = std::chrono::milliseconds(config.ws_ping_interval_ms);
  ws.ping_timeout = std::chrono::milliseconds(config.ws_ping_timeout_ms);
  ws.connect_timeout = std::chrono::milliseconds(config.ws_connect_timeout_ms);
  ws.max_payload_bytes = static_cast<std::size_t>(config.ws_max_payload_bytes);
  ws.max_queued_bytes = static_cast<std::size_t>(config.ws_send_queue_bytes);
  ws.max_connections = static_cast<std::size_t>(config.ws_max_connections);
  ws_ = std::make_shared<realtime::WsServer>(ws, handler);
  ws_->register_metrics(*metrics_);
  // The same heartbeat and bounds; the session cap counts polling sessions apart.
  polling_ = std::make_unique<realtime::PollingServer>(ws, handler);
  polling_->register_metrics(*metrics_);
  ws_->set_upgrade_lookup(polling_->upgrade_lookup());
  return Status();
}

Status ServerRuntime::start_support_namespace(const Clock& clock) {
  const Config& config = options_.config;
  projections::Authenticator* authenticator = authenticator_.get();
  realtime::RealtimeAuth auth{[authenticator](std::string_view authorization) {
    return authenticator->authenticate(authorization);
  }};
  const realtime::ReplayOptions replay{
      .max_events = static_cast<std::size_t>(config.ws_replay_max_events),
      .window = std::chrono::seconds(config.ws_replay_window_seconds)};
  events::EventStore* store = store_.get();
  realtime::Replayer replayer = [store, replay, &clock](
                                    const realtime::RoomRef& room, std::uint64_t since,
                                    std::optional<std::string> epoch) -> Result<std::string> {
    std::optional<std::string_view> epoch_view;
    if (epoch) epoch_view = *epoch;
    auto outcome = realtime::replay_room(*store, room, since, epoch_view, replay, clock.now_ms());
    if (!outcome.ok()) return outcome.status();
    return realtime::sync_ack_json(*outcome);
  };
  realtime::SessionRecovery recovery;
  if (config.ws_recovery_seconds > 0) {
    auto sessions = realtime::SessionStore::open(
        DataDir{config.data_dir}.ws_sessions(),
        {.ttl = std::chrono::seconds(config.ws_recovery_seconds)}, clock);
    if (!sessions.ok()) return sessions.status();
    recovery.sessions = std::move(sessions).value();
    recovery.log_epoch = store->log_epoch();
    recovery.head = [store] { return store->head(); };
    const std::uint64_t max_scan = config.ws_recovery_scan_events;
    recovery.replay = [store, replay, max_scan, &clock](const realtime::RecoveryScope& scope,
                                                        std::uint64_t since) {
      return realtime::replay_session(*store, scope, since, replay, max_scan, clock.now_ms());
    };
  }
  const auto capacity = static_cast<std::uint32_t>(config.queue_default_capacity);
  const bool requeue = config.queue_requeue_on_away;
  realtime::AgentStatusSetter agent_status = [store, capacity, requeue](
                                                 const auth::Identity& who, std::string status,
                                                 std::function<void(std::string)> done) {
    domain::CommandMeta meta;
    meta.actor = events::Actor{"staff", who.accountId};
    domain::ChangeAgentStatus command{who.accountId, *domain::parse_agent_status(status), "self",
                                      requeue, capacity};
    domain::execute_async(*store, std::move(command), std::move(meta),
                          [status, done = std::move(done)](Result<domain::Executed> executed) {
                            if (executed.ok() || domain::refusal_of(executed.status()) ==
                                                     domain::Refusal::kAgentStatusUnchanged) {
                              JsonWriter w;
                              w.begin_object().field("ok", true).field("status", status);
                              if (executed.ok()) w.field("eventId", executed->appended.lastEventId);
                              return done(w.end_object().take());
                            }
                            const ApiError error = api_error_from_status(executed.status());
                            JsonWriter w;
                            w.begin_object().field("ok", false).field("errorCode", error.code());
                            done(w.field("message", error.message()).end_object().take());
                          });
  };
  socket_server_ = std::make_shared<realtime::SocketServer>(
      realtime::SocketServerOptions{.nsp = config.ws_namespace}, std::move(auth),
      realtime::make_room_authorizer(*readers_, clock), std::move(replayer), std::move(recovery),
      std::move(agent_status));
  feed_ = std::make_unique<realtime::RealtimeFeed>(
      *socket_server_, realtime::FeedOptions{.log_epoch = store_->log_epoch()},
      realtime::make_tracking_code_lookup(*readers_));
  store_->add_commit_observer(feed_.get());
  socket_server_->register_metrics(*metrics_);
  return Status();
}

Status ServerRuntime::start_sla(const Clock& clock) {
  const Config& config = options_.config;
  auto schedule = scheduler::CronSchedule::parse(config.sla_monitor_cron);
  if (!schedule.ok()) {
    return Status::InvalidArgument("DOCKET_SLA_MONITOR_CRON: " +
                                   std::string(schedule.status().message()));
  }
  // The default policy, once: a log that has any policy keeps what it has.
  domain::SeedSlaPolicy seed;
  seed.firstResponseMinutes =
      std::max<std::int64_t>(1, std::llround(config.sla_response_hours * 60));
  seed.resolutionMinutes =
      std::max<std::int64_t>(1, std::llround(config.sla_resolution_hours * 60));
  auto seeded = domain::execute(*store_, seed, domain::CommandMeta{});
  if (!seeded.ok() && domain::refusal_of(seeded.status()) != domain::Refusal::kSlaUnchanged) {
    return seeded.status();
  }
  sla_monitor_ = std::make_unique<scheduler::SlaMonitor>(
      *store_, *readers_, clock, std::move(schedule).value(),
      scheduler::SlaMonitorOptions{.escalate = config.sla_escalate});
  sla_monitor_->register_metrics(*metrics_);
  store_->add_commit_observer(sla_monitor_.get());
  sla_monitor_->start();
  return Status::Ok();
}

Status ServerRuntime::start_inactive_close(const Clock& clock) {
  const Config& config = options_.config;
  auto schedule = scheduler::CronSchedule::parse(config.inactive_close_cron);
  if (!schedule.ok()) {
    return Status::InvalidArgument("SUPPORT_INQUIRIES_INACTIVE_CLOSE_CRON: " +
                                   std::string(schedule.status().message()));
  }
  const double days = config.inactive_close_days;
  events::EventStore* store = store_.get();
  projections::ReaderPool* readers = readers_.get();
  inactive_close_ = std::make_unique<scheduler::CronJob>(
      "inquiries.inactive_close", std::move(schedule).value(), clock,
      [store, readers, days](UnixMillis now) {
        auto outcome = scheduler::close_inactive_inquiries(*store, *readers, now, days);
        if (!outcome.ok()) {
          log_warn("inquiries.inactive_close_failed",
                   [&](JsonWriter& w) { w.field("error", outcome.status().ToString()); });
          return;
        }
        log_info("inquiries.inactive_close", [&](JsonWriter& w) {
          w.field("closed", outcome->closed).field("skipped", outcome->skipped);
          w.field("days", days);
        });
      });
  inactive_close_->start();
  return start_attachment_cleanup(clock);
}

Status ServerRuntime::start_attachment_cleanup(const Clock& clock) {
  const Config& config = options_.config;
  auto schedule = scheduler::CronSchedule::parse(config.attachment_cleanup_cron);
  if (!schedule.ok()) {
    return Status::InvalidArgument("DOCKET_ATTACHMENT_CLEANUP_CRON: " +
                                   std::string(schedule.status().message()));
  }
  const UnixMillis orphan_ms = static_cast<UnixMillis>(config.attachment_orphan_hours) * 3'600'000;
  events::EventStore* store = store_.get();
  projections::ReaderPool* readers = readers_.get();
  const BlobStore* blobs = blobs_.get();
  attachment_cleanup_ = std::make_unique<scheduler::CronJob>(
      "attachments.cleanup", std::move(schedule).value(), clock,
      [store, readers, blobs, orphan_ms](UnixMillis now) {
        auto outcome = scheduler::clean_attachments(*store, *readers, *blobs, now, orphan_ms);
        if (!outcome.ok()) {
          log_warn("attachments.cleanup_failed",
                   [&](JsonWriter& w) { w.field("error", outcome.status().ToString()); });
          return;
        }
        if (outcome->expired + outcome->blobsRemoved == 0) return;
        log_info("attachments.cleanup", [&](JsonWriter& w) {
          w.field("expired", outcome->expired).field("skipped", outcome->skipped);
          w.field("blobsRemoved", outcome->blobsRemoved);
        });
      });
  attachment_cleanup_->start();
  return Status::Ok();
}

ServerRuntime::ServerRuntime(Options options) : options_(std::move(options)) {}

ServerRuntime::~ServerRuntime() {
  stop();
}

std::uint16_t ServerRuntime::http_port() const {
  return server_ ? server_->port() : 0;
}

void ServerRuntime::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (storage_watch_) storage_restarted_ = storage_watch_->restart_requested();
  storage_watch_.reset();
  if (ws_) ws_->stop();            // closes the websockets while the IO threads still run
  if (polling_) polling_->stop();  // answers the waiting long-polling GETs likewise
  if (server_) server_->stop();    // finishes requests in flight; their commands complete
  if (inactive_close_) inactive_close_->stop();  // a sweep in progress completes
  if (attachment_cleanup_) attachment_cleanup_->stop();
  if (queue_) queue_->stop();              // a run in progress completes
  if (sla_monitor_) sla_monitor_->stop();  // a run in progress completes
  if (rebuilds_) rebuilds_->stop();        // a rebuild's swap needs the writer
  if (control_) control_->stop();
  if (relay_) relay_->stop();  // what it has not read yet, it reads after the next start
  if (mail_worker_) mail_worker_->stop();  // finishes the send in progress; the rest waits on disk
  if (store_) store_->close();             // completes every queued command first
  if (store_ && account_cache_) store_->remove_commit_observer(account_cache_.get());
  if (store_ && feed_) store_->remove_commit_observer(feed_.get());
  if (store_ && queue_) store_->remove_commit_observer(queue_.get());
  if (store_ && sla_monitor_) store_->remove_commit_observer(sla_monitor_.get());
  if (engine_) engine_->stop();
}

namespace {

std::string control_error(std::string_view message) {
  JsonWriter w;
  w.begin_object().field("ok", false).field("error", message).end_object();
  return w.take();
}

}  // namespace

std::string ServerRuntime::handle_control(std::string_view request) {
  simdjson::dom::parser parser;
  simdjson::dom::object req;
  if (parser.parse(simdjson::padded_string(request)).get_object().get(req)) {
    return control_error("request is not a JSON object");
  }
  std::string_view op;
  if (req["op"].get_string().get(op)) return control_error("request has no string 'op'");

  if (op == "ping") {
    JsonWriter w;
    w.begin_object().field("ok", true).field("pid", static_cast<std::int64_t>(::getpid()));
    w.field("head", store_->head()).end_object();
    return w.take();
  }
  if (op == "backup") {
    std::string_view target;
    if (req["dir"].get_string().get(target) || target.empty()) {
      return control_error("backup needs a non-empty string 'dir'");
    }
    const std::uint64_t head = store_->head();
    auto files = backup_data(*store_, options_.config, std::string(target));
    log_info("backup", [&](JsonWriter& w) {
      w.field("dir", target).field("headAtStart", head).field("status", files.status().ToString());
    });
    if (!files.ok()) return control_error(files.status().ToString());
    JsonWriter w;
    w.begin_object().field("ok", true).field("dir", target).field("headAtStart", head);
    w.field("attachmentFiles", *files).end_object();
    return w.take();
  }
  if (op == "rebuild") {
    std::string_view name;
    std::vector<std::string> names;
    if (!req["name"].get_string().get(name) && !name.empty()) {
      names.emplace_back(name);
    } else {
      for (const auto& st : engine_->status())
        names.push_back(st.name);
    }
    JsonWriter w;
    w.begin_object().field("ok", true).key("rebuilt").begin_array();
    for (const auto& n : names) {
      const auto t0 = std::chrono::steady_clock::now();
      Status s = engine_->rebuild(n);
      if (!s.ok()) return control_error(n + ": " + s.ToString());
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      log_info("projections.rebuilt",
               [&](JsonWriter& lw) { lw.field("projection", n).field("seconds", secs); });
      w.begin_object().field("name", n).field("seconds", secs).end_object();
    }
    w.end_array().end_object();
    return w.take();
  }
  if (op == "create_admin") {
    std::string_view email, password, name;
    if (req["email"].get_string().get(email) || req["password"].get_string().get(password)) {
      return control_error("create_admin needs string 'email' and 'password'");
    }
    if (req["name"].get_string().get(name)) name = "";
    auto id = create_admin(*store_, *hasher_, email, password, name, false);
    if (!id.ok()) return control_error(id.status().ToString());
    log_info("auth.admin_created",
             [&](JsonWriter& w) { w.field("accountId", *id).field("via", "control socket"); });
    JsonWriter w;
    w.begin_object().field("ok", true).field("accountId", *id).end_object();
    return w.take();
  }
  if (op == "reset_admin") {
    std::string_view email, password;
    if (req["email"].get_string().get(email)) {
      return control_error("reset_admin needs string 'email'");
    }
    std::optional<std::string_view> new_password;
    if (!req["password"].get_string().get(password)) new_password = password;
    auto id = reset_admin(*store_, *hasher_, email, new_password);
    if (!id.ok()) return control_error(id.status().ToString());
    log_info("auth.admin_reset", [&](JsonWriter& w) {
      w.field("accountId", *id).field("passwordSet", new_password.has_value());
      w.field("via", "control socket");
    });
    JsonWriter w;
    w.begin_object().field("ok", true).field("accountId", *id).end_object();
    return w.take();
  }
  return control_error("unknown op");
}

}  // namespace docket::cli
