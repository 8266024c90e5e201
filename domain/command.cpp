#include "domain/command.h"

#include <algorithm>

namespace docket::domain {

std::int64_t Executed::id(std::string_view sequence) const {
  for (const events::IdClaim& claim : ids) {
    if (claim.sequence == sequence) return static_cast<std::int64_t>(claim.id);
  }
  return 0;
}

namespace detail {

void record_decision(const events::AppendRequest& request, Executed& executed) {
  executed.ids = request.ids;
  executed.types.clear();
  for (const events::StreamAppend& stream : request.streams)
    for (const events::NewEvent& event : stream.events)
      executed.types.push_back(event.type);
}

}  // namespace detail

bool Executed::appended_type(std::string_view type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace docket::domain
