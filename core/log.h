// Structured logging: one JSON object per line on stderr.
//
//   {"time":"2026-11-22T01:50:24.123Z","level":"info","msg":"server.ready","port":8080}
//
// Thread-safe: each line is written with one writev(2) call. Never log a secret (raw
// guest token, OTP code, password, JWT): callers pass only what is safe to keep.
#pragma once

#include <functional>
#include <string_view>

#include "core/json_writer.h"

namespace docket {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Lines below `level` are dropped. Default kInfo; DOCKET_LOG_LEVEL sets it at start-up.
void set_log_level(LogLevel level);
LogLevel log_level();
bool parse_log_level(std::string_view text, LogLevel& out);

using LogFields = std::function<void(JsonWriter&)>;

// Writes {"time","level","msg", ...fields}. `fields` adds key/value pairs to the open
// object (w.field("port", 8080)); it must not close it.
void log(LogLevel level, std::string_view msg, const LogFields& fields = {});
inline void log_info(std::string_view msg, const LogFields& f = {}) {
  log(LogLevel::kInfo, msg, f);
}
inline void log_warn(std::string_view msg, const LogFields& f = {}) {
  log(LogLevel::kWarn, msg, f);
}
inline void log_error(std::string_view msg, const LogFields& f = {}) {
  log(LogLevel::kError, msg, f);
}

}  // namespace docket
