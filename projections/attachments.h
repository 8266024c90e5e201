// The "attachments" projection: every upload's metadata and where it is attached
// (docs/attachments.md).
//
//   attachments(id TEXT PRIMARY KEY, sha256, size, content_type, file_name,
//               uploader_kind, uploader_id, created_ms, kind, item_id, message_id
//               (NULL until attached), deleted (0/1))
//     indexed by sha256 (is a blob still referenced?) and, for unattached live uploads,
//     by created_ms (the orphan sweep reads only those)
//
// Built from the attachment.* events. Queries: projections/attachment_query.h.
#pragma once

#include <string_view>

#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class AttachmentsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "attachments";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override;
};

}  // namespace docket::projections
