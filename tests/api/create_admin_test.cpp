// docket accounts create-admin: offline on a fresh data directory, and through the
// control socket of a running server; the admin can then sign in over HTTP.
#include <doctest/doctest.h>

#include "cli/server_runtime.h"
#include "events/event_store.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

testing::ProcessResult create_admin(const std::string& data, std::string email,
                                    std::string password) {
  return testing::run_process({DOCKET_BINARY, "accounts", "create-admin", "--data-dir", data,
                               "--email", std::move(email), "--password", std::move(password),
                               "--name", "Ops"});
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("create-admin on a stopped data directory, then sign in") {
    testing::TempDir dir;
    const std::string data = dir.sub("data");
    auto made = create_admin(data, "Ops@Example.com", "ops-password-1");
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    CHECK(made.out.find(R"("accountId":1)") != std::string::npos);
    CHECK(made.err.find("ops-password-1") == std::string::npos);

    auto again = create_admin(data, "ops@example.com", "ops-password-1");
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already") != std::string::npos);
    auto weak = create_admin(data, "weak@example.com", "short");
    CHECK(weak.exit_code == 1);
    CHECK(weak.err.find("at least 8") != std::string::npos);
    CHECK(testing::run_process({DOCKET_BINARY, "accounts", "create-admin", "--data-dir", data})
              .exit_code == 2);

    ApiServer server(data);
    const std::string token = server.login("ops@example.com", "ops-password-1");
    REQUIRE(!token.empty());
    auto me = server.call("GET", "/api/auth/me", {}, token);
    CHECK(me.data_string("role") == "admin");
    CHECK(me.data_string("name") == "Ops");
    // The bootstrap admin of the fixture was skipped: a staff account existed.
    CHECK(server.login(kAdminEmail, kAdminPassword).empty());
  }

  TEST_CASE("create-admin through the control socket of a running server") {
    testing::TempDir dir;
    const std::string data = dir.sub("data");
    cli::ServerRuntime::Options options;
    options.config.data_dir = data;
    options.config.port = 0;
    options.config.password_hash_cost = "minimal";
    auto rt = cli::ServerRuntime::start(std::move(options));
    REQUIRE(rt.ok());
    auto made = create_admin(data, "live@example.com", "live-password-1");
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    CHECK(made.out.find(R"("accountId":1)") != std::string::npos);
    auto found = (*rt)->store().unique_owner("email:live@example.com");
    CHECK(found.value() == "account-1");
  }
}

}  // namespace docket::api_testing
