#include "domain/command.h"

#include <algorithm>

namespace docket::domain {

std::int64_t Executed::id(std::string_view sequence) const {
  for (const events::IdClaim& claim : ids) {
    if (claim.sequence == sequence) return static_cast<std::int64_t>(claim.id);
  }
  return 0;
}

bool Executed::appended_type(std::string_view type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace docket::domain
