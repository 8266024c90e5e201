#include "core/config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace {

docket::Result<docket::Config> load(const std::map<std::string, std::string>& env) {
  return docket::load_config([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("an empty environment gives the documented defaults") {
    auto config = load({});
    REQUIRE(config.ok());
    CHECK(config->data_dir == "./data");
    CHECK(config->port == 8080);
    CHECK(config->bind == "127.0.0.1");
  }

  TEST_CASE("variables override defaults and bad values name the variable") {
    auto config = load({{"DOCKET_PORT", "9090"}, {"DOCKET_DATA_DIR", "/tmp/x"}});
    REQUIRE(config.ok());
    CHECK(config->port == 9090);
    CHECK(config->data_dir == "/tmp/x");

    auto bad = load({{"DOCKET_PORT", "70000"}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message().find("DOCKET_PORT") != std::string::npos);
  }

  TEST_CASE("heartbeats below a second only with the protocol test configuration") {
    auto short_ping = load({{"DOCKET_WS_PING_INTERVAL_MS", "300"}});
    REQUIRE_FALSE(short_ping.ok());
    CHECK(short_ping.status().message().find("DOCKET_WS_ECHO") != std::string::npos);
    CHECK_FALSE(load({{"DOCKET_WS_PING_TIMEOUT_MS", "999"}}).ok());
    auto echo = load({{"DOCKET_WS_ECHO", "socket.io"},
                      {"DOCKET_WS_PING_INTERVAL_MS", "300"},
                      {"DOCKET_WS_PING_TIMEOUT_MS", "200"}});
    REQUIRE(echo.ok());
    CHECK(echo->ws_echo == docket::Config::WsEcho::kSocketIo);
    CHECK(echo->ws_ping_interval_ms == 300);
    CHECK_FALSE(load({{"DOCKET_WS_ECHO", "on"}}).ok());
    CHECK_FALSE(load({{"DOCKET_WS_ECHO", "engine.io"}, {"DOCKET_WS_PING_TIMEOUT_MS", "99"}}).ok());
    CHECK(load({})->ws_echo == docket::Config::WsEcho::kOff);
  }

  TEST_CASE("every default in the table is itself acceptable") {
    for (const auto& var : docket::config_variables()) {
      CAPTURE(var.name);
      docket::Config c;
      CHECK(var.apply(c, var.default_value));
    }
  }

  TEST_CASE("docs/configuration.md lists every variable with its default") {
    std::ifstream in(std::string(DOCKET_SOURCE_DIR) + "/docs/configuration.md");
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& var : docket::config_variables()) {
      CAPTURE(var.name);
      const std::string row =
          "| `" + std::string(var.name) + "` | `" + std::string(var.default_value) + "` |";
      const std::string row_empty = "| `" + std::string(var.name) + "` | |";
      CHECK((text.str().find(row) != std::string::npos ||
             (var.default_value.empty() && text.str().find(row_empty) != std::string::npos)));
    }
  }
}
