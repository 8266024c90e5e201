// MessageRow: one message of a thread (a support request's or an inquiry's) as the
// read models keep it. Loading threads: projections/message_thread.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/raw_json.h"

namespace docket::projections {

// One message of a thread, as the read models store it.
struct MessageRow {
  std::int64_t id = 0;
  std::string senderType;
  std::optional<std::int64_t> senderId;
  std::string message;
  std::string createdAt;  // ISO-8601 UTC
  std::uint64_t eventId = 0;
  // [{id, fileName, contentType, size, url}] (docs/attachments.md).
  RawJson attachments{"[]"};
};

}  // namespace docket::projections
