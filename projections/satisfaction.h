// SatisfactionRow: a customer's rating of a resolved request or inquiry, as the read
// models keep it (columns satisfaction_rating, satisfaction_comment, satisfaction_at).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace docket::projections {

class Statement;

struct SatisfactionRow {
  std::int64_t rating = 0;  // 1-5
  std::optional<std::string> comment;
  std::string ratedAt;  // ISO-8601 UTC
};

// The rating in the three columns starting at `first`; nullopt while not rated.
std::optional<SatisfactionRow> read_satisfaction(const Statement& st, int first);

}  // namespace docket::projections
