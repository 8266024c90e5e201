// The stream_catalog projection and its query object.
#include "projections/stream_catalog.h"

#include <doctest/doctest.h>

#include "core/time_format.h"
#include "projections/projection_engine.h"
#include "projections/read_connection.h"
#include "projections/stream_catalog_query.h"
#include "tests/projections/fake_event_store.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

using testing::FakeEventStore;
using testing::make_projections;

struct CatalogFixture {
  docket::testing::TempDir dir;
  FakeEventStore store;
  ProjectionEngine engine{dir.sub("projections"), store,
                          make_projections(std::make_unique<StreamCatalog>())};
  std::unique_ptr<ReadConnection> reader;

  CatalogFixture() {
    REQUIRE(engine.start().ok());
    Result<std::unique_ptr<ReadConnection>> r = engine.open_reader();
    REQUIRE(r.ok());
    reader = std::move(r).value();
  }
};

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("a stream's category is its name up to the last dash") {
    CHECK(stream_category("support_request-42") == "support_request");
    CHECK(stream_category("account-7-b") == "account-7");
    CHECK(stream_category("singleton") == "singleton");
    CHECK(stream_category("trailing-") == "trailing");
    CHECK(stream_category("-1").empty());
  }

  TEST_CASE("stream_catalog keeps one row per stream: first event, last event, version") {
    CatalogFixture f;
    std::vector<events::EventRecord> first =
        f.store.append_group({{"support_request-42", "support.request.created"}});
    f.store.append_group({{"inquiry-1", "support.inquiry.created"}});
    std::vector<events::EventRecord> last =
        f.store.append_group({{"support_request-42", "support.request.assigned"},
                              {"support_request-42", "support.request.closed"}});

    Result<ReadLease> lease = f.reader->lease();
    REQUIRE(lease.ok());
    StreamCatalogQuery query(lease->db());
    Result<StreamSummary> row = query.find("support_request-42");
    REQUIRE(row.ok());
    CHECK(row->category == "support_request");
    CHECK(row->version == 3);
    CHECK(row->firstEventId == 1);
    CHECK(row->lastEventId == 4);
    CHECK(row->lastEventType == "support.request.closed");
    CHECK(row->createdAt == format_iso8601(first.front().occurredAt));
    CHECK(row->updatedAt == format_iso8601(last.back().occurredAt));
    CHECK(row->createdAt < row->updatedAt);
    CHECK(query.find("inquiry-2").status().IsNotFound());
  }

  TEST_CASE("stream lists filter by category, page with a total, and order by activity") {
    CatalogFixture f;
    for (int i = 1; i <= 7; ++i) {
      f.store.append_group({{"inquiry-" + std::to_string(i), "support.inquiry.created"}});
    }
    f.store.append_group({{"feedback-1", "feedback.created"}, {"feedback-2", "feedback.created"}});
    f.store.append_group({{"inquiry-3", "support.inquiry.message_added"}});

    Result<ReadLease> lease = f.reader->lease();
    REQUIRE(lease.ok());
    StreamCatalogQuery query(lease->db());

    StreamListRequest request;
    request.category = "inquiry";
    request.pageSize = 3;
    Result<StreamPage> page1 = query.list(request);
    REQUIRE(page1.ok());
    CHECK(page1->total == 7);
    REQUIRE(page1->items.size() == 3);
    CHECK(page1->items[0].stream == "inquiry-1");
    CHECK(page1->items[2].stream == "inquiry-3");
    request.page = 3;
    Result<StreamPage> page3 = query.list(request);
    REQUIRE(page3.ok());
    REQUIRE(page3->items.size() == 1);
    CHECK(page3->items[0].stream == "inquiry-7");
    request.page = 4;
    CHECK(query.list(request)->items.empty());

    StreamListRequest recent;
    recent.order = StreamOrder::kRecentlyActive;
    recent.pageSize = 2;
    Result<StreamPage> active = query.list(recent);
    REQUIRE(active.ok());
    CHECK(active->total == 9);
    REQUIRE(active->items.size() == 2);
    CHECK(active->items[0].stream == "inquiry-3");
    CHECK(active->items[1].stream == "feedback-2");
  }

  TEST_CASE("stream lists reject page 0 and page sizes outside 1..500") {
    CatalogFixture f;
    Result<ReadLease> lease = f.reader->lease();
    REQUIRE(lease.ok());
    StreamCatalogQuery query(lease->db());
    StreamListRequest request;
    request.page = 0;
    CHECK(query.list(request).status().IsInvalidArgument());
    request.page = 1;
    request.pageSize = 0;
    CHECK(query.list(request).status().IsInvalidArgument());
    request.pageSize = kMaxStreamPageSize + 1;
    CHECK(query.list(request).status().IsInvalidArgument());
    request.pageSize = kMaxStreamPageSize;
    Result<StreamPage> empty = query.list(request);
    REQUIRE(empty.ok());
    CHECK(empty->total == 0);
  }
}

}  // namespace docket::projections
