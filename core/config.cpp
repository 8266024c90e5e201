#include "core/config.h"

#include <charconv>
#include <cstdlib>

#include "core/log.h"

namespace docket {

bool parse_uint(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_port(std::string_view text, std::uint16_t& out) {
  std::uint64_t v = 0;
  if (!parse_uint(text, v) || v > 65535) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    out = true;
    return true;
  }
  if (text == "false" || text == "0" || text == "no" || text == "off") {
    out = false;
    return true;
  }
  return false;
}

const std::vector<ConfigVariable>& config_variables() {
  static const std::vector<ConfigVariable> kVariables = {
      {"DOCKET_DATA_DIR", "./data",
       "Directory holding the event log (log/), the read models (projections/) and other "
       "server state. Created when missing.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.data_dir = std::string(v);
         return true;
       }},
      {"DOCKET_BIND", "127.0.0.1", "Address the server listens on.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.bind = std::string(v);
         return true;
       }},
      {"DOCKET_PORT", "8080", "TCP port the server listens on (0 picks a free port).",
       [](Config& c, std::string_view v) { return parse_port(v, c.port); }},
      {"DOCKET_LOG_LEVEL", "info", "Lowest level written to the log: debug, info, warn, error.",
       [](Config& c, std::string_view v) {
         LogLevel level;
         if (!parse_log_level(v, level)) return false;
         c.log_level = std::string(v);
         return true;
       }},
  };
  return kVariables;
}

Result<Config> load_config(const std::function<const char*(const char*)>& getenv) {
  Config config;
  for (const ConfigVariable& var : config_variables()) {
    const std::string name(var.name);
    const char* value = getenv ? getenv(name.c_str()) : std::getenv(name.c_str());
    if (value == nullptr) continue;
    if (!var.apply(config, value)) {
      return Status::InvalidArgument(name + ": '" + value + "' is not an acceptable value");
    }
  }
  return config;
}

}  // namespace docket
