// Checks on an AppendRequest that need no log state: names, sizes and JSON shape.
//
// The store runs these on the caller's thread before a command is queued (and on the
// writer thread for requests a PrepareFn returns), so a malformed request never costs
// the writer more than a rejection. Checks against log state (expected versions, taken
// unique keys) happen in the writer; see events/group_stage.h.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"
#include "events/event_store.h"

namespace docket::events {

// OK when `stream` is 1..200 bytes of valid UTF-8 without control characters.
Status validate_stream_name(std::string_view stream);

// OK when every part of `request` is well formed: at least one stream, each with at
// least one event; stream names, event types, actor type and unique keys within their
// limits; each event's data a JSON object; the whole request at most `max_bytes`
// (approximate_bytes). Otherwise InvalidArgument naming the first problem.
Status validate_append_request(const AppendRequest& request, std::size_t max_bytes);

// Replaces invalid UTF-8 in the free-text fields that end up in the record (meta
// requestId/ip/userAgent) with U+FFFD, so the stored text and the EventRecord handed to
// observers agree.
void normalize_request_text(AppendRequest& request);

// Roughly how many bytes `request` adds to a WriteBatch; used for group caps.
std::size_t approximate_bytes(const AppendRequest& request);

}  // namespace docket::events
