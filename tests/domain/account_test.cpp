// The account aggregate: decisions against a real log, folding, the permission seed.
#include <doctest/doctest.h>

#include "domain/refusal.h"

#include "domain/account_commands.h"
#include "domain/permission_catalogue.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

std::unique_ptr<events::EventStore> open_log(const std::string& path) {
  events::StoreOptions options;
  options.path = path;
  auto store = events::EventStore::open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

Result<events::AppendResult> run(events::EventStore& store, const RegisterCustomer& c) {
  return store.execute([&](const events::StagedView& v) { return decide(v, c, CommandMeta{}); });
}

Result<events::AppendResult> run(events::EventStore& store, const CreateStaff& c) {
  return store.execute([&](const events::StagedView& v) { return decide(v, c, CommandMeta{}); });
}

CreateStaff staff(std::string email, std::string role = "agent") {
  CreateStaff c;
  c.email = std::move(email);
  c.name = "Staff";
  c.role = role;
  c.permissions = *auth::role_preset(role);
  c.passwordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  return c;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("e-mails are normalized and account streams name their id") {
    CHECK(normalize_email("  Ada@Example.COM\n") == "ada@example.com");
    CHECK(email_key("ada@example.com") == "email:ada@example.com");
    CHECK(account_stream(12) == "account-12");
    CHECK(account_id_of_stream("account-12") == 12);
    CHECK_FALSE(account_id_of_stream("account-").has_value());
    CHECK_FALSE(account_id_of_stream("account-1x").has_value());
    CHECK_FALSE(account_id_of_stream("support_request-1").has_value());
  }

  TEST_CASE("accounts get serial ids, unique e-mails, and fold back from their streams") {
    testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    RegisterCustomer ada{"ada@example.com", "Ada", "+1 555", "$argon2id$hash-a"};
    REQUIRE(run(*store, ada).ok());
    REQUIRE(run(*store, staff("ann@example.com")).ok());
    auto taken = run(*store, RegisterCustomer{"ann@example.com", "X", {}, "$argon2id$h"});
    CHECK(refusal_of(taken.status()) == Refusal::kEmailTaken);
    CHECK(store->last_id(kAccountSequence).value() == 2);

    auto customer = load_account(*store, 1);
    REQUIRE(customer.ok());
    CHECK(customer->role == "customer");
    CHECK(customer->phone == std::optional<std::string>("+1 555"));
    CHECK(customer->passwordHash == "$argon2id$hash-a");
    CHECK_FALSE(customer->is_staff());
    auto agent = find_account_by_email(*store, "ann@example.com");
    REQUIRE(agent.ok());
    REQUIRE(agent->has_value());
    CHECK((*agent)->id == 2);
    CHECK((*agent)->permissions == *auth::role_preset("agent"));
    CHECK_FALSE(find_account_by_email(*store, "nobody@example.com")->has_value());
    CHECK(refusal_of(load_account(*store, 3).status()) == Refusal::kAccountNotFound);
  }

  TEST_CASE("staff commands: first-staff bootstrap, permissions, deactivation rules") {
    testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    CreateStaff boot = staff("root@example.com", "admin");
    boot.onlyIfFirstStaff = true;
    REQUIRE(run(*store, boot).ok());
    boot.email = "root2@example.com";
    CHECK(refusal_of(run(*store, boot).status()) == Refusal::kStaffExists);
    REQUIRE(run(*store, staff("ann@example.com")).ok());
    REQUIRE(run(*store, RegisterCustomer{"c@example.com", "C", {}, "$argon2id$h"}).ok());

    auto change = [&](std::int64_t id, auth::PermissionSet p) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, {id, "agent", p}, CommandMeta{});
      });
    };
    REQUIRE(change(2, {auth::Permission::kAuditRead}).ok());
    CHECK(load_account(*store, 2)->permissions ==
          auth::PermissionSet{auth::Permission::kAuditRead});
    CHECK(refusal_of(change(3, {}).status()) ==
          Refusal::kStaffNotFound);  // a customer is no staff member
    CHECK(refusal_of(change(9, {}).status()) == Refusal::kStaffNotFound);

    auto set_active = [&](std::int64_t id, bool active, std::int64_t by) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, {id, active, by}, CommandMeta{});
      });
    };
    CHECK(refusal_of(set_active(1, false, 1).status()) ==
          Refusal::kAccountStateConflict);  // not oneself
    REQUIRE(set_active(2, false, 1).ok());
    CHECK_FALSE(load_account(*store, 2)->active);
    CHECK(refusal_of(set_active(2, false, 1).status()) == Refusal::kAccountStateConflict);
    REQUIRE(set_active(2, true, 1).ok());
    CHECK(load_account(*store, 2)->active);
    CHECK(load_account(*store, 2)->version == 4);
  }

  TEST_CASE("nobody takes Staff_MANAGE from its last active holder; reset-admin restores it") {
    testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    REQUIRE(run(*store, staff("root@example.com", "admin")).ok());   // 1
    REQUIRE(run(*store, staff("boss@example.com", "admin")).ok());   // 2
    REQUIRE(run(*store, staff("agent@example.com", "agent")).ok());  // 3
    const auth::PermissionSet agent_only = *auth::role_preset("agent");
    REQUIRE_FALSE(agent_only.has(auth::Permission::kStaffManage));
    auto change = [&](std::int64_t id, auth::PermissionSet p, StaffManagers managers) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, ChangeStaffPermissions{id, std::nullopt, p, managers}, CommandMeta{});
      });
    };
    auto deactivate = [&](std::int64_t id, std::int64_t by, StaffManagers managers) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, SetStaffActive{id, false, by, managers}, CommandMeta{});
      });
    };
    // Two holders: one may give it up; then the other may not, nor be deactivated.
    REQUIRE(change(2, agent_only, {1, 2}).ok());
    CHECK(refusal_of(change(1, agent_only, {1, 2}).status()) == Refusal::kLastStaffManager);
    CHECK(refusal_of(deactivate(1, 3, {1}).status()) == Refusal::kLastStaffManager);
    // A stale list naming a holder who lost it (2) does not count: the log decides.
    CHECK(refusal_of(change(1, agent_only, {1, 2}).status()) == Refusal::kLastStaffManager);
    // Changes that keep Staff_MANAGE, or to someone who never held it, are fine.
    REQUIRE(change(1, auth::PermissionSet::all(), {1}).ok());
    REQUIRE(change(3, agent_only, {1}).ok());
    REQUIRE(deactivate(3, 1, {1}).ok());
    // A deactivated holder does not count either.
    REQUIRE(change(2, auth::PermissionSet::all(), {1}).ok());
    REQUIRE(deactivate(2, 1, {1, 2}).ok());
    CHECK(refusal_of(change(1, agent_only, {1, 2}).status()) == Refusal::kLastStaffManager);

    // reset-admin: a deactivated agent becomes an active admin with every permission and
    // a new password hash; doing it again without a password changes nothing (refused).
    auto reset = [&](std::int64_t id, std::optional<std::string> hash) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, ResetAdmin{id, hash}, CommandMeta{});
      });
    };
    REQUIRE(reset(3, std::string("$argon2id$new")).ok());
    auto restored = load_account(*store, 3);
    REQUIRE(restored.ok());
    CHECK(restored->active);
    CHECK(restored->role == "admin");
    CHECK(restored->permissions == auth::PermissionSet::all());
    CHECK(restored->passwordHash == "$argon2id$new");
    CHECK(refusal_of(reset(3, std::nullopt).status()) == Refusal::kAccountStateConflict);
    CHECK(refusal_of(reset(99, std::nullopt).status()) == Refusal::kStaffNotFound);
  }

  TEST_CASE("the permission catalogue is recorded once per catalogue") {
    testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    CHECK(seed_permission_catalogue(*store).value());
    CHECK_FALSE(seed_permission_catalogue(*store).value());
    auto events = store->read_stream(kPermissionCatalogueStream, 1, 10);
    REQUIRE(events->size() == 1);
    CHECK(events->front().type == PermissionCatalogueSeeded::kType);
    CHECK(events->front().data.find("Operations_MANAGE") != std::string::npos);
  }

  TEST_CASE("folding refuses events that are not an account's") {
    events::EventRecord e;
    e.eventId = 7;
    e.stream = "account-1";
    e.type = "account.deactivated";
    e.data = R"({"accountId":1})";
    e.streamVersion = 1;
    CHECK(fold_account(std::span(&e, 1)).status().IsCorruption());
    CHECK(refusal_of(fold_account({}).status()) == Refusal::kAccountNotFound);
  }
}

}  // namespace docket::domain
