// AttachmentQuery: reads the attachments projection (projections/attachments.h) for the
// download route, the orphan sweep and blob reference counting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct AttachmentRow {
  std::string id;
  std::string sha256;
  std::int64_t size = 0;
  std::string contentType;
  std::string fileName;
  std::string uploaderKind;
  std::optional<std::int64_t> uploaderId;
  std::int64_t createdMs = 0;
  std::optional<std::string> kind;  // attached to: support_request / support_inquiry
  std::optional<std::int64_t> itemId;
  std::optional<std::int64_t> messageId;
  bool deleted = false;
};

// Not thread-safe: one per reader connection.
class AttachmentQuery {
 public:
  explicit AttachmentQuery(Database& db) : db_(db) {}

  Result<std::optional<AttachmentRow>> find(std::string_view id);
  // Live uploads never attached, uploaded before `before_ms`, oldest first.
  Result<std::vector<std::string>> orphans(std::int64_t before_ms, std::size_t limit);
  // Whether a live (not deleted) attachment still has these bytes.
  Result<bool> referenced(std::string_view sha256);

 private:
  Database& db_;
};

}  // namespace docket::projections
