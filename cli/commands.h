// The subcommands of docket. Each takes the whole argv and the index of its first
// option, prints its own --help, and returns an exit status (see cli.h).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/data_dir.h"
#include "core/result.h"

namespace docket::events {
class EventStore;
}

namespace docket::cli {

int serve_command(int argc, char** argv, int first);
int events_export_command(int argc, char** argv, int first);
int events_verify_command(int argc, char** argv, int first);
int events_stats_command(int argc, char** argv, int first);
int projections_status_command(int argc, char** argv, int first);
int projections_rebuild_command(int argc, char** argv, int first);
int backup_command(int argc, char** argv, int first);
// What `docket backup` writes, for the command and the server's control socket: the
// log as DIR/log and the attachment files as DIR/attachments; the files copied.
Result<std::uint64_t> backup_data(const events::EventStore& store, const Config& config,
                                  const std::string& target);
int accounts_create_admin_command(int argc, char** argv, int first);
int accounts_reset_admin_command(int argc, char** argv, int first);

// Shared by the commands: exit statuses and the usage error printer.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
// docket serve: stopped because the log needs reopening after a failed disk write.
inline constexpr int kExitRestart = 75;
int usage_error(const std::string& command, const std::string& message);
int failure(const std::string& command, const Status& status);

// The configuration from the environment with --data-dir applied when given.
Result<Config> config_with_data_dir(const std::optional<std::string>& data_dir);

// NotFound ("no event log at …") unless the data directory holds a log.
Status require_log(const Config& config);
// Opens the data directory's log read-only (works beside a running server).
Result<std::unique_ptr<events::EventStore>> open_log_read_only(const Config& config);

// Asks the server running on `dir` over its control socket; nullopt when none answers.
std::optional<Result<std::string>> ask_server(const DataDir& dir, const std::string& request,
                                              std::chrono::milliseconds timeout);
// Turns a control reply into OK or the server's error (FailedPrecondition).
Status reply_status(const std::string& reply);

}  // namespace docket::cli
