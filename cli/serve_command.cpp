// docket serve: runs the server until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/server_runtime.h"
#include "core/log.h"
#include "events/event_store.h"

namespace docket::cli {
namespace {

constexpr const char* kServeHelp =
    R"(Usage: docket serve [--data-dir DIR] [--port N] [--bind ADDR] [--no-console]

Runs the server: opens the event log in DIR/log (creating it on first start), brings
every read model in DIR/projections up to date, and serves until SIGINT or SIGTERM,
when it stops accepting, finishes what is in flight, flushes the log and exits 0.
When the log's disk failed a write, writes answer 503 STORAGE_UNAVAILABLE while reads go
on; once the disk has 64 MiB free again the server stops the same way and exits 75, for
its supervisor to start it again (docs/reliability.md).
The web console's files (DOCKET_CONSOLE_DIR, console/dist by default) are served on the
paths no API route takes; --no-console leaves them out. A missing console is logged and
the server starts without it.
Options override DOCKET_DATA_DIR, DOCKET_PORT and DOCKET_BIND; every setting and its
default is listed in docs/configuration.md.
)";

}  // namespace

int serve_command(int argc, char** argv, int first) {
  const std::string name = "serve";
  auto args =
      Args::parse(argc, argv, first, {"data-dir", "port", "bind", "no-console"}, {"no-console"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kServeHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  if (auto port = args->get("port"); port && !parse_port(*port, config->port)) {
    return usage_error(name, "--port needs a number from 0 to 65535");
  }
  if (auto bind = args->get("bind")) config->bind = *bind;
  if (args->has("no-console")) config->console_dir.clear();
  LogLevel level = LogLevel::kInfo;
  parse_log_level(config->log_level, level);
  set_log_level(level);

  // Every thread started from here on inherits the blocked signals; this thread
  // waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ServerRuntime::Options options;
  options.config = *config;
  // The log's disk failed a write and has room again: stop as for SIGTERM, exit 75.
  options.on_storage_restart = [] { ::kill(::getpid(), SIGTERM); };
  auto runtime = ServerRuntime::start(options);
  if (!runtime.ok()) {
    log_error("server.start_failed",
              [&](JsonWriter& w) { w.field("error", runtime.status().ToString()); });
    return kExitFailed;
  }
  ServerRuntime& rt = **runtime;
  log_info("server.ready", [&](JsonWriter& w) {
    w.field("dataDir", config->data_dir)
        .field("bind", config->bind)
        .field("port", static_cast<std::uint64_t>(rt.http_port()))
        .field("head", rt.store().head())
        .field("logEpoch", rt.store().log_epoch())
        .field("startupMs", rt.startup_ms());
  });

  int sig = 0;
  sigwait(&signals, &sig);
  log_info("server.stopping", [&](JsonWriter& w) { w.field("signal", sig); });
  rt.stop();
  log_info("server.stopped", [&](JsonWriter& w) { w.field("head", rt.store().head()); });
  // EX_TEMPFAIL: the log needs reopening (storage_watch.h); a supervisor restarts us.
  return rt.storage_restart_requested() ? kExitRestart : kExitOk;
}

}  // namespace docket::cli
