// StreamCatalogQuery: reads the stream_catalog projection (projections/stream_catalog.h)
// for operator endpoints: list streams by category, page by page, or look one up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct StreamSummary {
  std::string stream;
  std::string category;
  std::uint64_t version = 0;
  std::uint64_t firstEventId = 0;
  std::uint64_t lastEventId = 0;
  std::string lastEventType;
  std::string createdAt;  // ISO-8601 occurredAt of the first event
  std::string updatedAt;  // ISO-8601 occurredAt of the last event
};

enum class StreamOrder {
  kByName,          // stream name ascending
  kRecentlyActive,  // last_event_id descending
};

inline constexpr std::uint32_t kMaxStreamPageSize = 500;

struct StreamListRequest {
  std::optional<std::string> category;  // only streams of this category
  StreamOrder order = StreamOrder::kByName;
  std::uint32_t page = 1;       // 1-based
  std::uint32_t pageSize = 50;  // 1..kMaxStreamPageSize
};

struct StreamPage {
  std::vector<StreamSummary> items;
  std::uint64_t total = 0;  // streams matching the filter, on every page
};

// Borrows `db` (typically ReadLease::db(), where the projection is ATTACHed under its
// name) for its own lifetime; used on the thread holding the lease.
class StreamCatalogQuery {
 public:
  // `schema`: the name the projection is attached under. REQUIRES: [a-z_]+.
  explicit StreamCatalogQuery(Database& db, std::string schema = "stream_catalog");

  // One page and the total, read in one transaction (consistent with each other).
  // InvalidArgument when page is 0 or pageSize is outside 1..kMaxStreamPageSize.
  Result<StreamPage> list(const StreamListRequest& request);

  // NotFound when the catalog has no such stream.
  Result<StreamSummary> find(std::string_view stream);

 private:
  Database& db_;
  std::string schema_;
};

}  // namespace docket::projections
