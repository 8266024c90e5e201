// docket accounts create-admin and reset-admin: offline on a data directory, and through
// the control socket of a running server; the admin can then sign in over HTTP. And the
// rail that keeps an admin from removing the last Staff_MANAGE.
#include <doctest/doctest.h>

#include "cli/server_runtime.h"
#include "domain/account_commands.h"
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

testing::ProcessResult reset_admin(const std::string& data, std::string email,
                                   std::optional<std::string> password) {
  std::vector<std::string> argv = {DOCKET_BINARY, "accounts", "reset-admin",   "--data-dir",
                                   data,          "--email",  std::move(email)};
  if (password) {
    argv.push_back("--password");
    argv.push_back(std::move(*password));
  }
  return testing::run_process(argv);
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("the last active Staff_MANAGE cannot go; reset-admin brings an operator back") {
    testing::TempDir dir;
    const std::string data = dir.sub("data");
    {
      ApiServer server(data);
      const std::string root = server.admin_token();
      auto boss = server.call(
          "POST", "/api/admin/staff",
          R"({"email":"boss@example.com","name":"Boss","password":"boss-password-1","role":"admin"})",
          root);
      REQUIRE_MESSAGE(boss.status == 201, boss.raw.body);
      const std::int64_t boss_id = boss.data_int("id");
      const std::string boss_token = server.login("boss@example.com", "boss-password-1");
      // Root gives Staff_MANAGE up: the boss still holds it.
      auto demoted = server.call("PATCH", "/api/admin/staff/1/permissions",
                                 R"({"permissions":["Feedback_READ"]})", root);
      REQUIRE_MESSAGE(demoted.status == 200, demoted.raw.body);
      // The boss cannot give it up too.
      const std::string boss_path = "/api/admin/staff/" + std::to_string(boss_id);
      auto last = server.call("PATCH", boss_path + "/permissions",
                              R"({"permissions":["Feedback_READ"]})", boss_token);
      CHECK(last.status == 409);
      CHECK(last.error_code() == "LAST_STAFF_MANAGER");
      auto still = server.call("GET", boss_path, {}, boss_token);
      CHECK(still.raw.body.find("Staff_MANAGE") != std::string::npos);
      CHECK(server.call("GET", "/api/admin/staff", {}, root).status == 403);
      server.stop();
    }
    // Root lost staff management (and, say, the boss left): the operator restores root.
    auto reset = reset_admin(data, "Root@Example.com", std::string("new-root-password-1"));
    REQUIRE_MESSAGE(reset.exit_code == 0, reset.err);
    CHECK(reset.out.find(R"("accountId":1)") != std::string::npos);
    CHECK(reset.err.find("new-root-password-1") == std::string::npos);
    auto unknown = reset_admin(data, "nobody@example.com", std::nullopt);
    CHECK(unknown.exit_code == 1);
    auto weak = reset_admin(data, "root@example.com", std::string("short"));
    CHECK(weak.exit_code == 1);

    ApiServer server(data);
    CHECK(server.login(kAdminEmail, kAdminPassword).empty());
    const std::string root = server.login(kAdminEmail, "new-root-password-1");
    REQUIRE(!root.empty());
    auto staff = server.call("GET", "/api/admin/staff", {}, root);
    CHECK(staff.status == 200);
    auto me = server.call("GET", "/api/auth/me", {}, root);
    CHECK(me.data_string("role") == "admin");
  }

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

    // reset-admin goes through the socket too: an active admin with every permission
    // needs nothing unless a password is given.
    auto nothing = reset_admin(data, "live@example.com", std::nullopt);
    CHECK(nothing.exit_code == 1);
    CHECK(nothing.err.find("every permission already") != std::string::npos);
    auto reset = reset_admin(data, "live@example.com", std::string("live-password-2"));
    REQUIRE_MESSAGE(reset.exit_code == 0, reset.err);
    auto account = domain::find_account_by_email((*rt)->store(), "live@example.com");
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    CHECK((*account)->version == 2);  // created, then its password reset
  }
}

}  // namespace docket::api_testing
