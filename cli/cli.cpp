#include "cli/cli.h"

#include <cstdio>
#include <string>
#include <string_view>

#include <filesystem>

#include "cli/commands.h"
#include "core/crypto.h"
#include "core/data_dir.h"
#include "events/event_store.h"

namespace docket::cli {
namespace {

constexpr const char* kUsage = R"(docket — event-sourced customer-support backend

Usage: docket <command> [options]

Commands:
  serve                       run the server (HTTP API, event log, projections)
  events export               write events as JSON Lines to stdout (for auditors)
  events verify               check the hash chain, gap-free ids and stream versions
  events stats                counts and sizes of the event log
  projections status          each read model's checkpoint against the log head
  projections rebuild [NAME]  rebuild one read model (or all) from the log
  backup DIR                  write a consistent copy of the log and attachment files to DIR
  accounts create-admin       create an admin account (--email, --password)
  accounts reset-admin        make a staff account an active admin again (--email, [--password])

Every command accepts --data-dir DIR (default: $DOCKET_DATA_DIR or ./data) and --help.
)";

}  // namespace

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "docket %s: %s\n(see docket %s --help)\n", command.c_str(), message.c_str(),
               command.c_str());
  return kExitUsage;
}

int failure(const std::string& command, const Status& status) {
  std::fprintf(stderr, "docket %s: %s\n", command.c_str(), status.ToString().c_str());
  return kExitFailed;
}

Result<Config> config_with_data_dir(const std::optional<std::string>& data_dir) {
  auto config = load_config();
  if (!config.ok()) return config.status();
  if (data_dir) {
    if (data_dir->empty()) return Status::InvalidArgument("--data-dir must not be empty");
    config->data_dir = *data_dir;
  }
  return config;
}

Status require_log(const Config& config) {
  const DataDir dir{config.data_dir};
  if (!std::filesystem::exists(dir.log() + "/CURRENT")) {
    return Status::NotFound("no event log at " + dir.log());
  }
  return Status::Ok();
}

Result<std::unique_ptr<events::EventStore>> open_log_read_only(const Config& config) {
  if (Status s = require_log(config); !s.ok()) return s;
  return events::EventStore::open_read_only(DataDir{config.data_dir}.log());
}

int run(int argc, char** argv) {
  if (!init_crypto()) {
    std::fputs("docket: libsodium failed to initialise\n", stderr);
    return kExitFailed;
  }
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string_view cmd = argv[1];
  const std::string_view sub = argc >= 3 ? argv[2] : "";
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "serve") return serve_command(argc, argv, 2);
  if (cmd == "backup") return backup_command(argc, argv, 2);
  if (cmd == "events") {
    if (sub == "export") return events_export_command(argc, argv, 3);
    if (sub == "verify") return events_verify_command(argc, argv, 3);
    if (sub == "stats") return events_stats_command(argc, argv, 3);
  }
  if (cmd == "accounts" && sub == "create-admin") {
    return accounts_create_admin_command(argc, argv, 3);
  }
  if (cmd == "accounts" && sub == "reset-admin") return accounts_reset_admin_command(argc, argv, 3);
  if (cmd == "projections") {
    if (sub == "status") return projections_status_command(argc, argv, 3);
    if (sub == "rebuild") return projections_rebuild_command(argc, argv, 3);
  }
  if ((cmd == "events" || cmd == "projections") && (sub.empty() || sub == "--help")) {
    std::fputs(kUsage, sub.empty() ? stderr : stdout);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  std::fprintf(stderr, "docket: unknown command '%s'\n\n%s", std::string(cmd).c_str(), kUsage);
  return kExitUsage;
}

}  // namespace docket::cli
