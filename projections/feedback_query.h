// FeedbackQuery: reads the feedback projection (projections/feedback.h): one feedback
// submission by id, and filtered, sorted pages for the admin console (seed 000 §11.5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct FeedbackRow {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  std::string category;
  std::string message;
  std::optional<std::int64_t> rating;
  std::optional<std::string> appVersion;
  std::optional<std::string> platform;
  std::string status;  // "new" | "reviewed"
  std::optional<std::int64_t> reviewedByAdminId;
  std::optional<std::string> reviewedAt;  // ISO-8601 UTC
  std::string createdAt;
  std::string updatedAt;
};

inline constexpr std::uint32_t kMaxFeedbackPageSize = 100;

struct FeedbackListRequest {
  std::optional<std::string> status;    // "new" | "reviewed"
  std::optional<std::string> category;  // one of domain::kFeedbackCategories
  std::optional<std::int64_t> customerId;
  std::optional<std::string> search;  // substring of the message (ASCII case-insensitive)
  std::string sortBy = "createdAt";   // createdAt | updatedAt
  bool ascending = false;             // ties are broken by id in the same direction
  std::uint32_t page = 1;             // 1-based
  std::uint32_t pageSize = 20;        // 1..kMaxFeedbackPageSize
};

struct FeedbackPage {
  std::vector<FeedbackRow> items;
  std::uint64_t total = 0;
};

// Borrows `db` (a ReadLease's database, where the projection is attached as
// "feedback") for its lifetime; used on the thread holding the lease.
class FeedbackQuery {
 public:
  explicit FeedbackQuery(Database& db) : db_(db) {}

  // NotFound when no feedback has this id.
  Result<FeedbackRow> find(std::int64_t id);
  // The feedback matching the filters, one page and the total, in one read transaction.
  // InvalidArgument for page 0 or a pageSize outside 1..kMaxFeedbackPageSize.
  Result<FeedbackPage> list(const FeedbackListRequest& request);

 private:
  Database& db_;
};

}  // namespace docket::projections
