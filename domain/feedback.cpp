#include "domain/feedback.h"

#include <cassert>

#include <fmt/format.h>

#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"

namespace docket::domain {

std::string feedback_stream(std::int64_t id) {
  return fmt::format("feedback-{}", id);
}

Status apply(Feedback& f, const FeedbackEvent::Variant& event, const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<FeedbackSubmitted>(event), f.version,
                                      record, "feedback");
      !s.ok()) {
    return s;
  }
  if (std::holds_alternative<FeedbackReviewed>(event) && f.reviewed) {
    return Status::Corruption(fmt::format("event {} ({}) of {}: feedback reviewed twice",
                                          record.eventId, record.type, record.stream));
  }
  std::visit(events::Overloaded{
                 [&](const FeedbackSubmitted& e) {
                   f.id = e.feedbackId;
                   f.customerId = e.customerId;
                   f.category = e.category;
                   f.message = e.message;
                   f.rating = e.rating;
                   f.appVersion = e.appVersion;
                   f.platform = e.platform;
                   f.createdAt = record.occurredAt;
                 },
                 [&](const FeedbackReviewed& e) {
                   f.reviewed = true;
                   f.reviewedByAdminId = e.reviewedByAdminId;
                   f.reviewedAt = record.occurredAt;
                 },
             },
             event);
  // Invariant: reviewed iff reviewedByAdminId and reviewedAt are set (seed 000 §7.3).
  assert(f.reviewed == (f.reviewedByAdminId.has_value() && f.reviewedAt.has_value()));
  f.updatedAt = record.occurredAt;
  return Status::Ok();
}

Result<Feedback> fold_feedback(std::span<const events::EventRecord> records) {
  return fold_stream<FeedbackEvent, Feedback>(records, Refusal::kFeedbackNotFound);
}

Result<events::AppendRequest> decide(const events::StagedView& view, const SubmitFeedback& command,
                                     const CommandMeta& meta) {
  auto last = view.last_id(kFeedbackSequence);
  if (!last.ok()) return last.status();
  const auto id = static_cast<std::int64_t>(*last + 1);
  auto req = start_append(meta);
  req.ids.push_back({std::string(kFeedbackSequence), static_cast<std::uint64_t>(id)});
  add_event(open_stream(req, feedback_stream(id), events::kNoStream),
            FeedbackSubmitted{id, command.customerId, command.category, command.message,
                              command.rating, command.appVersion, command.platform});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const ReviewFeedback& command,
                                     const CommandMeta& meta) {
  auto feedback = load_feedback(view, command.feedbackId);
  if (!feedback.ok()) return feedback.status();
  if (feedback->reviewed) return refuse(Refusal::kFeedbackAlreadyReviewed);
  auto req = start_append(meta);
  add_event(open_stream(req, feedback_stream(command.feedbackId), feedback->version),
            FeedbackReviewed{command.feedbackId, command.reviewedByAdminId});
  return req;
}

Result<Feedback> load_feedback(const events::StagedView& view, std::int64_t id) {
  auto records = view.read_stream(feedback_stream(id), 1);
  if (!records.ok()) return records.status();
  return fold_feedback(*records);
}

}  // namespace docket::domain
