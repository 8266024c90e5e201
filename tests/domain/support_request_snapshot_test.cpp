// Deciding from writer snapshots (domain/stream_snapshot.h): the state continued from a
// snapshot equals the state folded from the whole stream, the writer folds each
// command's events into the snapshot (so it stays at the stream's version), a snapshot
// of another type is ignored, and a durable group's snapshots reach the next group.
#include <doctest/doctest.h>

#include <memory>

#include "domain/support_request.h"
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

void check_same(const SupportRequest& a, const SupportRequest& b) {
  CHECK(a.id == b.id);
  CHECK(a.ticketNumber == b.ticketNumber);
  CHECK(a.customerId == b.customerId);
  CHECK(a.subject == b.subject);
  CHECK(a.category == b.category);
  CHECK(a.priority == b.priority);
  CHECK(a.status == b.status);
  CHECK(a.assignedAdminId == b.assignedAdminId);
  CHECK(a.resolutionNote == b.resolutionNote);
  CHECK(a.firstResponseAt == b.firstResponseAt);
  CHECK(a.resolvedAt == b.resolvedAt);
  CHECK(a.version == b.version);
}

// Loads request `id` inside a command (through the snapshot, when there is one) and
// folds its whole stream the old way, then compares the two. Appends nothing.
void check_load_matches_fold(events::EventStore& store, std::int64_t id, bool expect_snapshot) {
  auto result = store.execute([&](const events::StagedView& view) -> Result<events::AppendRequest> {
    const std::string stream = support_request_stream(id);
    const events::StreamSnapshot* snap = view.snapshot(stream);
    CHECK((snap != nullptr) == expect_snapshot);
    if (snap != nullptr) {
      // Kept current by the writer (StreamSnapshot::advance): deciding reads nothing.
      auto version = view.stream_version(stream);
      REQUIRE(version.ok());
      CHECK(snap->version == *version);
    }
    auto loaded = load_support_request(view, id);
    REQUIRE(loaded.ok());
    auto all = view.read_stream(stream, 1);
    REQUIRE(all.ok());
    auto folded = fold_support_request(*all);
    REQUIRE(folded.ok());
    check_same(*loaded, *folded);
    return Status::FailedPrecondition("read only");
  });
  CHECK(result.status().IsFailedPrecondition());
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("decisions continue from the writer's snapshot and agree with a full fold") {
    docket::testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    CreateSupportRequest create{7, "Card declined", "billing", "medium", "It fails", "null"};
    std::int64_t id = 0;
    REQUIRE(store
                ->execute([&](const events::StagedView& v) {
                  auto req = decide(v, create, CommandMeta{});
                  if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
                  return req;
                })
                .ok());
    check_load_matches_fold(*store, id, false);  // nothing decided on it yet

    auto reply = [&](std::string text) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, ReplyToSupportRequest{id, "customer", 7, text}, CommandMeta{});
      });
    };
    auto status = [&](std::string to, std::optional<std::string> note = {}) {
      return store->execute([&](const events::StagedView& v) {
        return decide(v, ChangeSupportRequestStatus{id, to, note}, CommandMeta{});
      });
    };
    REQUIRE(reply("first").ok());  // decided from a full fold, snapshot saved
    check_load_matches_fold(*store, id, true);
    REQUIRE(status("in_progress").ok());
    REQUIRE(status("resolved", "Refunded").ok());
    check_load_matches_fold(*store, id, true);
    // The customer's reply reopens: decided from the snapshot at "resolved".
    REQUIRE(reply("still broken").ok());
    check_load_matches_fold(*store, id, true);
    auto state = store->execute([&](const events::StagedView& v) -> Result<events::AppendRequest> {
      auto r = load_support_request(v, id);
      REQUIRE(r.ok());
      CHECK(r->status == "open");
      CHECK(r->resolutionNote == "Refunded");
      CHECK(r->resolvedAt.has_value());
      return Status::FailedPrecondition("read only");
    });
    CHECK(state.status().IsFailedPrecondition());
  }

  TEST_CASE("a snapshot of another type is ignored") {
    docket::testing::TempDir dir;
    auto store = open_log(dir.sub("log"));
    CreateSupportRequest create{7, "Login", "technical", "high", "Cannot log in", "null"};
    REQUIRE(store
                ->execute([&](const events::StagedView& v) {
                  auto req = decide(v, create, CommandMeta{});
                  // Another aggregate's state under the same stream name: never read.
                  v.save_snapshot(support_request_stream(1), {99, std::type_index(typeid(int)),
                                                              std::make_shared<const int>(5)});
                  return req;
                })
                .ok());
    auto result = store->execute([&](const events::StagedView& v) -> Result<events::AppendRequest> {
      auto r = load_support_request(v, 1);
      REQUIRE(r.ok());
      CHECK(r->subject == "Login");
      CHECK(r->version == 2);  // created + first message
      return Status::FailedPrecondition("read only");
    });
    CHECK(result.status().IsFailedPrecondition());
  }
}

}  // namespace docket::domain
