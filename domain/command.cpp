#include "domain/command.h"

#include <algorithm>

#include "domain/refusal.h"

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
  executed.streams.clear();
  for (const events::StreamAppend& stream : request.streams) {
    executed.streams.push_back(stream.stream);
    for (const events::NewEvent& event : stream.events)
      executed.types.push_back(event.type);
  }
}

Status check_idempotency(const events::StagedView& view, const CommandMeta& meta,
                         Executed& executed) {
  if (meta.idempotency.key.empty()) return Status::Ok();
  auto earlier = view.idempotent_outcome(meta.idempotency.key);
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return Status::Ok();
  const events::IdempotentOutcome& outcome = **earlier;
  if (outcome.fingerprint != meta.idempotency.fingerprint) {
    return refuse(Refusal::kIdempotencyKeyReused);
  }
  if (!outcome.durable) return refuse(Refusal::kIdempotencyKeyInUse);
  executed.appended = outcome.result;
  executed.ids = outcome.ids;
  executed.types = outcome.types;
  executed.streams = outcome.streams;
  executed.replayed = true;
  return refuse(Refusal::kIdempotentReplay);
}

Result<Executed> completed(Result<events::AppendResult> appended, Executed& executed) {
  if (appended.ok()) {
    executed.appended = std::move(appended).value();
    return std::move(executed);
  }
  if (executed.replayed && refusal_of(appended.status()) == Refusal::kIdempotentReplay) {
    return std::move(executed);
  }
  return appended.status();
}

}  // namespace detail

bool Executed::appended_type(std::string_view type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace docket::domain
