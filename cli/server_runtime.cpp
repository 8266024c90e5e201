#include "cli/server_runtime.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <simdjson.h>

#include "cli/control_socket.h"
#include "core/data_dir.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "events/event_store.h"
#include "http/metrics.h"
#include "http/operations_routes.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service.h"
#include "projections/projection_engine.h"
#include "projections/stream_catalog.h"

namespace docket::cli {

std::vector<std::unique_ptr<projections::Projection>> make_projections() {
  std::vector<std::unique_ptr<projections::Projection>> list;
  list.push_back(std::make_unique<projections::StreamCatalog>());
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
    rt->metrics_ = std::make_unique<http::MetricsRegistry>();
    rt->router_ = std::make_unique<http::Router>();
    http::add_operations_routes(*rt->router_, *rt->store_, *rt->engine_, *rt->metrics_);
    http::ServiceOptions service_options = http::ServiceOptions::from_config(rt->options_.config);
    service_options.metrics = rt->metrics_.get();
    rt->service_ = std::make_unique<http::HttpService>(*rt->router_, std::move(service_options));
    if (!rt->service_->status().ok()) return rt->service_->status();
    rt->server_ = std::make_unique<http::Server>(
        http::ServerOptions::from_config(rt->options_.config), *rt->service_);
    if (Status s = rt->server_->start(); !s.ok()) return s;
  }
  rt->startup_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  return rt;
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
  if (server_) server_->stop();  // finishes requests in flight; their commands complete
  if (control_) control_->stop();
  if (store_) store_->close();  // completes every queued command first
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
    Status s = store_->backup(std::string(target));
    log_info("backup", [&](JsonWriter& w) {
      w.field("dir", target).field("headAtStart", head).field("status", s.ToString());
    });
    if (!s.ok()) return control_error(s.ToString());
    JsonWriter w;
    w.begin_object().field("ok", true).field("dir", target).field("headAtStart", head);
    w.end_object();
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
  return control_error("unknown op");
}

}  // namespace docket::cli
