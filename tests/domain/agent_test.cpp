// The agent aggregate against a real log: registration with the defaults in force,
// status changes, profile changes, the open load every assignment and release records
// in the agent's stream, capacity (also when assignments race in one group), taking,
// the queue's eligibility terms, and requeueing unreplied work when an agent goes away.
#include "domain/agent.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>

#include "domain/account_commands.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z (a Sunday)

struct Log {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;

  Log() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }

  template <typename Command>
  Status run(const Command& c) {
    return execute(*store, c, CommandMeta{}).status();
  }

  std::int64_t staff(const std::string& email) {
    CreateStaff c;
    c.email = email;
    c.name = "Agent";
    c.role = "agent";
    c.permissions = *auth::role_preset("agent");
    c.passwordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    auto done = execute(*store, c, CommandMeta{});
    REQUIRE_MESSAGE(done.ok(), done.status().ToString());
    return done->id(kAccountSequence);
  }

  std::int64_t customer() {
    auto done = execute(*store,
                        RegisterCustomer{"c@example.com", "Customer", std::nullopt,
                                         "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"},
                        CommandMeta{});
    REQUIRE(done.ok());
    return done->id(kAccountSequence);
  }

  std::int64_t request(std::int64_t customer, std::string category = "technical") {
    CreateSupportRequest c{customer, "Broken", category, "high", "It broke", RawJson{"null"}};
    auto done = execute(*store, c, CommandMeta{});
    REQUIRE_MESSAGE(done.ok(), done.status().ToString());
    return done->id(kSupportRequestSequence);
  }

  Status assign(std::int64_t request, std::optional<std::int64_t> agent, AssignmentTerms terms = {},
                bool force = false) {
    return run(AssignSupportRequest{request, agent, force, terms});
  }

  Agent agent(std::int64_t id) {
    auto events = store->read_stream(agent_stream(id), 1, 10'000);
    REQUIRE(events.ok());
    auto a = fold_agent(*events);
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    return *a;
  }

  SupportRequest load_request(std::int64_t id) {
    auto events = store->read_stream(support_request_stream(id), 1, 10'000);
    REQUIRE(events.ok());
    return *fold_support_request(*events);
  }

  std::vector<std::string> types(const std::string& stream) {
    auto events = store->read_stream(stream, 1, 10'000);
    REQUIRE(events.ok());
    std::vector<std::string> out;
    for (const auto& e : *events)
      out.push_back(e.type);
    return out;
  }
};

AssignmentTerms capacity_of(std::uint32_t n) {
  AssignmentTerms t;
  t.defaultCapacity = n;
  return t;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("agents: the first event records the defaults in force, then the status") {
    Log log;
    const auto a = log.staff("a@example.com");
    REQUIRE(log.run(ChangeAgentStatus{a, AgentStatus::kAvailable, "self", false, 7}).ok());
    CHECK(log.types(agent_stream(a)) ==
          std::vector<std::string>{"agent.registered", "agent.status_changed"});
    const Agent agent = log.agent(a);
    CHECK(agent.status == AgentStatus::kAvailable);
    CHECK(agent.maxOpenItems == 7);
    CHECK(agent.skills.empty());
    CHECK_FALSE(agent.shift.has_value());
    // A later default does not change what the log says.
    REQUIRE(log.run(ChangeAgentStatus{a, AgentStatus::kBusy, "self", false, 3}).ok());
    CHECK(log.agent(a).maxOpenItems == 7);
    // The same status again changes nothing.
    CHECK(refusal_of(log.run(ChangeAgentStatus{a, AgentStatus::kBusy, "self", false, 3})) ==
          Refusal::kAgentStatusUnchanged);
  }

  TEST_CASE("agents: only active staff accounts are agents") {
    Log log;
    const auto c = log.customer();
    CHECK(refusal_of(log.run(ChangeAgentStatus{c, AgentStatus::kAvailable})) ==
          Refusal::kAgentNotFound);
    CHECK(refusal_of(log.run(ChangeAgentStatus{999, AgentStatus::kAvailable})) ==
          Refusal::kAgentNotFound);
  }

  TEST_CASE("agents: profile changes fold, and a shift the tz database cannot serve is refused") {
    Log log;
    const auto a = log.staff("a@example.com");
    UpdateAgentProfile u;
    u.accountId = a;
    u.maxOpenItems = 10;
    u.skills = std::vector<std::string>{"billing", "technical"};
    u.shift = std::optional<Shift>(Shift{"Europe/Berlin", {{Weekday::kMon, 9 * 60, 17 * 60}}});
    u.status = AgentStatus::kAvailable;
    REQUIRE(log.run(u).ok());
    Agent agent = log.agent(a);
    CHECK(agent.maxOpenItems == 10);
    CHECK(agent.skills == std::vector<std::string>{"billing", "technical"});
    REQUIRE(agent.shift.has_value());
    CHECK(agent.shift->timezone == "Europe/Berlin");
    CHECK(agent.status == AgentStatus::kAvailable);
    CHECK(refusal_of(log.run(u)) == Refusal::kAgentStatusUnchanged);  // nothing new

    UpdateAgentProfile bad;
    bad.accountId = a;
    bad.shift = std::optional<Shift>(Shift{"Mars/Olympus_Mons", {}});
    CHECK(refusal_of(log.run(bad)) == Refusal::kAgentProfileInvalid);

    UpdateAgentProfile clear;
    clear.accountId = a;
    clear.shift = std::optional<Shift>();
    REQUIRE(log.run(clear).ok());
    CHECK_FALSE(log.agent(a).shift.has_value());
  }

  TEST_CASE("agents: shifts round-trip through their JSON form") {
    auto shift = parse_shift_json(
        R"({"timezone":"America/New_York","weekly":[{"day":"sun","start":"22:00","end":"06:00"}]})");
    REQUIRE(shift.ok());
    CHECK(shift->weekly.front().day == Weekday::kSun);
    CHECK(shift_from_record(shift_record(*shift)) == *shift);
    CHECK_FALSE(parse_shift_json(R"({"timezone":"Nowhere/City","weekly":[]})").ok());
    CHECK_FALSE(parse_shift_json(R"({"weekly":[]})").ok());
    CHECK_FALSE(
        parse_shift_json(R"({"timezone":"UTC","weekly":[{"day":"xyz","start":"1","end":"2"}]})")
            .ok());
    CHECK_FALSE(parse_shift_json(R"({"timezone":"UTC","extra":1})").ok());
  }

  TEST_CASE("agents: assignments count against capacity until the item is resolved") {
    Log log;
    const auto a = log.staff("a@example.com");
    const auto c = log.customer();
    const auto r1 = log.request(c), r2 = log.request(c), r3 = log.request(c);
    REQUIRE(log.assign(r1, a, capacity_of(2)).ok());
    REQUIRE(log.assign(r2, a, capacity_of(2)).ok());
    CHECK(log.agent(a).open.size() == 2);
    CHECK(refusal_of(log.assign(r3, a, capacity_of(2))) == Refusal::kAgentAtCapacity);
    CHECK_FALSE(log.load_request(r3).assignedAdminId.has_value());
    // Staff may go past it on purpose.
    REQUIRE(log.assign(r3, a, capacity_of(2), /*force=*/true).ok());
    CHECK(log.agent(a).open.size() == 3);
    // Resolving, closing and unassigning free capacity; reopening takes it again.
    REQUIRE(log.run(ChangeSupportRequestStatus{r1, "resolved", std::nullopt}).ok());
    REQUIRE(log.run(ChangeSupportRequestStatus{r2, "closed", std::nullopt}).ok());
    REQUIRE(log.assign(r3, std::nullopt).ok());
    CHECK(log.agent(a).open.empty());
    REQUIRE(log.run(ReplyToSupportRequest{r1, "customer", c, "Still broken"}).ok());
    CHECK(log.agent(a).open == std::vector<OpenWork>{{WorkKind::kSupportRequest, r1}});
  }

  TEST_CASE("agents: a reassignment moves the load from one agent to the other") {
    Log log;
    const auto a = log.staff("a@example.com");
    const auto b = log.staff("b@example.com");
    const auto r = log.request(log.customer());
    REQUIRE(log.assign(r, a).ok());
    REQUIRE(log.assign(r, b).ok());
    CHECK(log.agent(a).open.empty());
    CHECK(log.agent(b).open.size() == 1);
    CHECK(log.types(agent_stream(a)).back() == "agent.work_released");
  }

  TEST_CASE("agents: racing assignments in one group never pass capacity") {
    Log log;
    const auto a = log.staff("a@example.com");
    const auto c = log.customer();
    std::vector<std::int64_t> requests;
    for (int i = 0; i < 16; ++i)
      requests.push_back(log.request(c));
    std::vector<std::promise<Status>> done(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      execute_async(*log.store, AssignSupportRequest{requests[i], a, std::nullopt, capacity_of(3)},
                    CommandMeta{},
                    [&done, i](Result<Executed> r) { done[i].set_value(r.status()); });
    }
    int ok = 0, full = 0;
    for (auto& d : done) {
      const Status s = d.get_future().get();
      if (s.ok()) ++ok;
      if (refusal_of(s) == Refusal::kAgentAtCapacity) ++full;
    }
    CHECK(ok == 3);
    CHECK(full == 13);
    CHECK(log.agent(a).open.size() == 3);
  }

  TEST_CASE("agents: taking and the queue's terms") {
    Log log;
    const auto a = log.staff("a@example.com");
    const auto b = log.staff("b@example.com");
    const auto c = log.customer();
    const auto r = log.request(c, "billing");
    AssignmentTerms take;
    take.reason = "take";
    take.onlyUnassigned = true;
    take.checkSkill = true;
    REQUIRE(log.assign(r, a, take).ok());
    // Taken meanwhile: exactly one winner.
    CHECK(refusal_of(log.assign(r, b, take)) == Refusal::kQueueItemTaken);

    AssignmentTerms automatic = take;
    automatic.reason = "auto";
    automatic.checkAvailability = true;
    const auto r2 = log.request(c, "billing");
    CHECK(refusal_of(log.assign(r2, b, automatic)) == Refusal::kAgentNotEligible);  // offline
    REQUIRE(log.run(ChangeAgentStatus{b, AgentStatus::kAvailable}).ok());
    UpdateAgentProfile skills;
    skills.accountId = b;
    skills.skills = std::vector<std::string>{"technical"};
    REQUIRE(log.run(skills).ok());
    CHECK(refusal_of(log.assign(r2, b, automatic)) == Refusal::kAgentNotEligible);  // skill
    skills.skills = std::vector<std::string>{"technical", "billing"};
    REQUIRE(log.run(skills).ok());
    // Out of shift: a shift that never covers now (Sunday 10:17 UTC).
    UpdateAgentProfile shift;
    shift.accountId = b;
    shift.shift = std::optional<Shift>(Shift{"UTC", {{Weekday::kMon, 9 * 60, 17 * 60}}});
    REQUIRE(log.run(shift).ok());
    CHECK(refusal_of(log.assign(r2, b, automatic)) == Refusal::kAgentNotEligible);
    shift.shift = std::optional<Shift>(Shift{"UTC", {{Weekday::kSun, 10 * 60, 11 * 60}}});
    REQUIRE(log.run(shift).ok());
    REQUIRE(log.assign(r2, b, automatic).ok());
    auto events = log.store->read_stream(support_request_stream(r2), 1, 100);
    REQUIRE(events.ok());
    CHECK(events->back().data.find(R"("reason":"auto")") != std::string::npos);
  }

  TEST_CASE("agents: going away requeues unreplied work when asked, keeps the rest") {
    Log log;
    const auto a = log.staff("a@example.com");
    const auto c = log.customer();
    const auto replied = log.request(c), unreplied = log.request(c);
    REQUIRE(log.assign(replied, a).ok());
    REQUIRE(log.assign(unreplied, a).ok());
    REQUIRE(log.run(ReplyToSupportRequest{replied, "admin", a, "On it"}).ok());
    REQUIRE(log.run(ChangeAgentStatus{a, AgentStatus::kAvailable}).ok());
    REQUIRE(log.run(ChangeAgentStatus{a, AgentStatus::kAway, "self", true}).ok());
    CHECK(log.load_request(replied).assignedAdminId == a);
    CHECK_FALSE(log.load_request(unreplied).assignedAdminId.has_value());
    CHECK(log.agent(a).open == std::vector<OpenWork>{{WorkKind::kSupportRequest, replied}});
    // Without the option, going offline keeps everything.
    REQUIRE(log.assign(unreplied, a).ok());
    REQUIRE(log.run(ChangeAgentStatus{a, AgentStatus::kOffline, "self", false}).ok());
    CHECK(log.agent(a).open.size() == 2);
  }

  TEST_CASE("agents: inquiries count while open, active or waiting") {
    Log log;
    const auto a = log.staff("a@example.com");
    CreateSupportInquiry create;
    create.subject = "Hello";
    create.guestEmail = "g@example.com";
    create.tokenHash = std::string(64, 'a');
    create.tokenExpiresAt = kStart + 1'000'000;
    create.greeting = "Hi";
    create.trackingCandidates = {"INQ-AAAAAA"};
    auto created = execute(*log.store, create, CommandMeta{});
    REQUIRE(created.ok());
    const auto i = created->id(kSupportInquirySequence);
    REQUIRE(log.run(AssignInquiry{i, a}).ok());
    CHECK(log.agent(a).open.size() == 1);
    REQUIRE(log.run(SetInquiryStatus{i, "resolved"}).ok());
    CHECK(log.agent(a).open.empty());
    REQUIRE(log.run(PostInquiryMessage{i, "visitor", std::nullopt, "Not yet"}).ok());  // reopens
    CHECK(log.agent(a).open.size() == 1);
    REQUIRE(log.run(SetInquiryStatus{i, "spam"}).ok());
    CHECK(log.agent(a).open.empty());
  }
}

}  // namespace docket::domain
