// StatsQuery: support statistics for the admin dashboard (seed 001 "Real-Time
// Analytics"), computed from the support_requests and feedback read models.
//
// Every figure covers the requests (and feedback) created in [from, to): counts by
// status, priority and category, first-response and resolution times, requests resolved
// per day (by resolvedAt), feedback by status and its average rating.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct SupportStats {
  std::uint64_t total = 0;
  std::vector<std::pair<std::string, std::uint64_t>> byStatus;    // every status, fixed order
  std::vector<std::pair<std::string, std::uint64_t>> byPriority;  // every priority
  std::vector<std::pair<std::string, std::uint64_t>> byCategory;  // most requests first
  std::uint64_t responded = 0;                                    // with a staff reply
  std::optional<double> firstResponseAvgSeconds;
  std::optional<double> firstResponseP90Seconds;  // nearest-rank 90th percentile
  std::uint64_t resolved = 0;                     // with a resolvedAt
  std::optional<double> resolutionAvgSeconds;
  std::vector<std::pair<std::string, std::uint64_t>> resolvedPerDay;  // "YYYY-MM-DD", by day
  std::uint64_t feedbackTotal = 0;
  std::vector<std::pair<std::string, std::uint64_t>> feedbackByStatus;  // new, reviewed
  std::optional<double> feedbackAverageRating;
};

// Support inquiries created in the range: counts, and the first staff reply.
struct InquiryStats {
  std::uint64_t total = 0;
  std::vector<std::pair<std::string, std::uint64_t>> byStatus;    // every status, fixed order
  std::vector<std::pair<std::string, std::uint64_t>> byPriority;  // every priority
  std::vector<std::pair<std::string, std::uint64_t>> byCategory;  // most first; "" = none
  std::uint64_t responded = 0;                                    // with a staff message
  std::optional<double> firstResponseAvgSeconds;
};

// Borrows `db` (a ReadLease's database with both read models attached).
class StatsQuery {
 public:
  explicit StatsQuery(Database& db) : db_(db) {}

  // `from` / `to`: ISO-8601 UTC bounds on createdAt (inclusive / exclusive); nullopt
  // for an open end. One read transaction: the figures agree with each other.
  Result<SupportStats> compute(const std::optional<std::string>& from,
                               const std::optional<std::string>& to);
  // As compute, for support inquiries. REQUIRES: support_inquiries attached.
  Result<InquiryStats> inquiries(const std::optional<std::string>& from,
                                 const std::optional<std::string>& to);

 private:
  Database& db_;
};

}  // namespace docket::projections
