// JourneyQuery: reads the journeys projection (projections/journeys.h) for the admin and
// customer journey routes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct JourneyRow {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> description;
  std::string channel;
  std::optional<std::string> category;
  bool archived = false;
  std::optional<std::int64_t> currentVersion;
  std::int64_t versionCount = 0;
  std::string createdAt;
  std::string updatedAt;
};

struct JourneyVersionRow {
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  std::string definition;  // JSON text
  bool valid = false;
  bool published = false;
  std::string createdAt;
  std::optional<std::string> publishedAt;
};

struct JourneyListRequest {
  bool activeOnly = false;             // not archived, with a published version
  std::optional<std::string> channel;  // activeOnly: journeys serving it (or "any")
  std::optional<std::string> category;
};

// Not thread-safe: one per reader connection.
class JourneyQuery {
 public:
  explicit JourneyQuery(Database& db) : db_(db) {}

  Result<std::vector<JourneyRow>> list(const JourneyListRequest& request);
  Result<std::optional<JourneyRow>> find(std::int64_t id);
  Result<std::vector<JourneyVersionRow>> versions(std::int64_t id);  // without definitions
  Result<std::optional<JourneyVersionRow>> version(std::int64_t id, std::int64_t version);

 private:
  Database& db_;
};

}  // namespace docket::projections
