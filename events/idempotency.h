// The "idempotency" column family: outcomes of commands that carried an idempotency key
// (AppendRequest::idempotency), written in the same WriteBatch as the command's events.
//
//   "k" key                  -> outcome JSON (encode_outcome): fingerprint, event ids,
//                               stream versions, id claims, streams, event types
//   "x" BE64(expiresAt) key  -> "" (the expiry index: oldest first)
//
// An outcome is kept until expiresAt (StoreOptions::idempotency_ttl after the command);
// reads ignore an expired one, and the writer deletes expired entries a few at a time
// as it writes groups. The column family is not part of the hash chain, a backup carries
// it, and `docket events verify` does not read it (docs/event-log.md).
//
// Thread safety: pure functions on values.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "events/event_store.h"

namespace docket::events::idempotency {

inline constexpr std::size_t kMaxKeyBytes = 128;
inline constexpr std::size_t kMaxFingerprintBytes = 128;

std::string outcome_key(std::string_view key);
std::string expiry_key(UnixMillis expires_at, std::string_view key);
// The expiry and the key of an expiry index entry; false when it is not one.
bool parse_expiry_key(std::string_view entry, UnixMillis& expires_at, std::string& key);

std::string encode_outcome(const IdempotentOutcome& outcome);
// Corruption when `json` is not an encoded outcome.
Result<IdempotentOutcome> decode_outcome(std::string_view json);

// The outcome a staged request will have under its key.
IdempotentOutcome outcome_of(const AppendRequest& request, const AppendResult& result,
                             UnixMillis expires_at);

}  // namespace docket::events::idempotency
