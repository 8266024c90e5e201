// The events of the feedback aggregate (domain/feedback.h) in stream `feedback-<id>`.
// Writers and every reader use these structs; docs/events.md lists them. See
// events/payload.h for encoding, strict decoding and schema versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "events/payload.h"

namespace docket::domain {

// A customer submitted feedback.
struct FeedbackSubmitted {
  static constexpr std::string_view kType = "support.feedback.submitted";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t feedbackId = 0;
  std::int64_t customerId = 0;
  std::string category;
  std::string message;
  std::optional<std::int64_t> rating;  // 1..5
  std::optional<std::string> appVersion;
  std::optional<std::string> platform;
  static constexpr auto fields() {
    using E = FeedbackSubmitted;
    return std::tuple{
        events::field("feedbackId", &E::feedbackId), events::field("customerId", &E::customerId),
        events::field("category", &E::category),     events::field("message", &E::message),
        events::field("rating", &E::rating),         events::field("appVersion", &E::appVersion),
        events::field("platform", &E::platform)};
  }
};

// Staff marked the feedback reviewed (once; reviewedAt is the event's occurredAt).
struct FeedbackReviewed {
  static constexpr std::string_view kType = "support.feedback.reviewed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t feedbackId = 0;
  std::int64_t reviewedByAdminId = 0;
  static constexpr auto fields() {
    using E = FeedbackReviewed;
    return std::tuple{events::field("feedbackId", &E::feedbackId),
                      events::field("reviewedByAdminId", &E::reviewedByAdminId)};
  }
};

using FeedbackEvent = events::EventSet<FeedbackSubmitted, FeedbackReviewed>;

}  // namespace docket::domain
