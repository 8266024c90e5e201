// Building the AppendRequest of one decision: its streams, typed events and id claims.
//
//   auto req = start_append(meta);                       // actor and request metadata
//   auto& stream = open_stream(req, support_inquiry_stream(i.id), i.version);
//   auto id = claim_next_id(view, req, kSupportInquiryMessageSequence);   // Result<int64>
//   add_event(stream, InquiryMessageCreated{...});
//
// Writer thread only (decisions run there, against a StagedView).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "domain/command_meta.h"
#include "events/event_store.h"
#include "events/payload.h"

namespace docket::domain {

// An empty request carrying the command's actor and request metadata.
inline events::AppendRequest start_append(const CommandMeta& meta) {
  events::AppendRequest req;
  req.actor = meta.actor;
  req.meta = meta.request;
  return req;
}

// Adds a stream to append to, expecting it at `expected` (events::kNoStream: a new
// stream). The reference is valid until the next open_stream on `req`.
inline events::StreamAppend& open_stream(events::AppendRequest& req, std::string stream,
                                         std::uint64_t expected) {
  req.streams.push_back({std::move(stream), expected, {}});
  return req.streams.back();
}

template <events::EventPayload E>
void add_event(events::StreamAppend& stream, const E& event) {
  stream.events.push_back(events::to_new_event(event));
}

// Takes the next id of `sequence` for this request: the first call claims the view's
// last id + 1, later calls for the same sequence extend that claim, so the ids a
// command takes are consecutive.
Result<std::int64_t> claim_next_id(const events::StagedView& view, events::AppendRequest& req,
                                   std::string_view sequence);

}  // namespace docket::domain
