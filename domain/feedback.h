// The feedback aggregate: one-way app feedback a customer submits and an admin marks
// reviewed (seed 000 §6.3, §7.3). Feedback is not a conversation: no replies, no thread.
//
// Stream `feedback-<id>`; ids come from the id sequence "feedback" (1, 2, 3, ...). The
// events are in domain/feedback_events.h.
//
// Status lifecycle: new -> reviewed (terminal). A reviewed item has reviewedByAdminId
// and reviewedAt; a new one has neither. Pure: folding and the decisions do no I/O
// beyond reading the StagedView they are given. Thread-safe (values only).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "domain/command_meta.h"
#include "domain/feedback_events.h"
#include "events/event.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kFeedbackSequence = "feedback";

inline constexpr std::string_view kFeedbackStatusNew = "new";
inline constexpr std::string_view kFeedbackStatusReviewed = "reviewed";

// What the feedback is about. "general" when nothing else fits the customer's choice.
inline constexpr std::array<std::string_view, 6> kFeedbackCategories = {
    "general", "bug", "feature", "billing", "account", "other"};
// The client the feedback was sent from.
inline constexpr std::array<std::string_view, 4> kFeedbackPlatforms = {"ios", "android", "web",
                                                                       "other"};
inline constexpr std::array<std::string_view, 2> kFeedbackStatuses = {kFeedbackStatusNew,
                                                                      kFeedbackStatusReviewed};

inline constexpr std::size_t kFeedbackMessageMaxLength = 5000;  // code points
inline constexpr std::size_t kFeedbackAppVersionMaxLength = 32;
inline constexpr std::int64_t kFeedbackRatingMin = 1;
inline constexpr std::int64_t kFeedbackRatingMax = 5;

// "feedback-<id>".
std::string feedback_stream(std::int64_t id);

struct Feedback {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  std::string category;
  std::string message;
  std::optional<std::int64_t> rating;
  std::optional<std::string> appVersion;
  std::optional<std::string> platform;
  bool reviewed = false;
  std::optional<std::int64_t> reviewedByAdminId;  // set iff reviewed
  std::optional<UnixMillis> reviewedAt;           // set iff reviewed
  UnixMillis createdAt = 0;
  UnixMillis updatedAt = 0;
  std::uint64_t version = 0;  // stream version folded so far

  std::string_view status() const {
    return reviewed ? kFeedbackStatusReviewed : kFeedbackStatusNew;
  }
};

// Applies one event of the feedback's stream (the caller sets `version`).
Status apply(Feedback& f, const FeedbackEvent::Variant& event, const events::EventRecord& record);
// Folds the events of one feedback stream, oldest first. Refused kFeedbackNotFound when
// `events` is empty; Corruption when an event is not a feedback event, comes out of order (a review
// before the submission, a second submission or review) or its data is malformed.
Result<Feedback> fold_feedback(std::span<const events::EventRecord> events);

struct SubmitFeedback {
  static constexpr std::string_view kName = "feedback.submit";
  std::int64_t customerId = 0;            // REQUIRES: a customer account id
  std::string category;                   // REQUIRES: one of kFeedbackCategories
  std::string message;                    // REQUIRES: 1..kFeedbackMessageMaxLength code points
  std::optional<std::int64_t> rating;     // REQUIRES: within [kFeedbackRatingMin, Max]
  std::optional<std::string> appVersion;  // REQUIRES: at most kFeedbackAppVersionMaxLength
  std::optional<std::string> platform;    // REQUIRES: one of kFeedbackPlatforms
};

struct ReviewFeedback {
  static constexpr std::string_view kName = "feedback.review";
  std::int64_t feedbackId = 0;
  std::int64_t reviewedByAdminId = 0;  // the staff account marking it
};

// Decisions, run on the writer thread against the staged view. They return the
// AppendRequest of the events, or a refusal that rejects only this command:
//   kFeedbackNotFound         no feedback with this id
//   kFeedbackAlreadyReviewed  the feedback is already reviewed (nothing is appended)
// Submitting takes the next id of the "feedback" sequence and opens the stream.
Result<events::AppendRequest> decide(const events::StagedView& view, const SubmitFeedback& command,
                                     const CommandMeta& meta);
// Appends support.feedback.reviewed at the folded stream version.
Result<events::AppendRequest> decide(const events::StagedView& view, const ReviewFeedback& command,
                                     const CommandMeta& meta);

// The feedback with this id, folded from its stream (durable and staged events).
Result<Feedback> load_feedback(const events::StagedView& view, std::int64_t id);

}  // namespace docket::domain
