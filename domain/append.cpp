#include "domain/append.h"

namespace docket::domain {

Result<std::int64_t> claim_next_id(const events::StagedView& view, events::AppendRequest& req,
                                   std::string_view sequence) {
  for (events::IdClaim& claim : req.ids) {
    if (claim.sequence == sequence) {
      ++claim.count;
      return static_cast<std::int64_t>(claim.id + claim.count - 1);
    }
  }
  auto last = view.last_id(sequence);
  if (!last.ok()) return last.status();
  req.ids.push_back({std::string(sequence), *last + 1, 1});
  return static_cast<std::int64_t>(*last + 1);
}

}  // namespace docket::domain
