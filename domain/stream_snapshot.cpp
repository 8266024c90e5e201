#include "domain/stream_snapshot.h"

#include <fmt/format.h>

namespace docket::domain {

Status check_creation_order(bool creates, std::uint64_t version, const events::EventRecord& record,
                            std::string_view what) {
  if (creates == (version == 0)) return Status::Ok();
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: {}", record.eventId, record.type, record.stream,
                  creates ? fmt::format("the {} is created twice", what)
                          : fmt::format("event before the {} was created", what)));
}

}  // namespace docket::domain
