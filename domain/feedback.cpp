#include "domain/feedback.h"

#include <cassert>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json_writer.h"

namespace docket::domain {
namespace {

Status malformed(const events::EventRecord& e, std::string_view what) {
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: {}", e.eventId, e.type, e.stream, what));
}

std::optional<std::string> optional_text(simdjson::dom::object data, const char* key) {
  std::string_view v;
  if (data[key].get_string().get(v)) return std::nullopt;
  return std::string(v);
}

std::optional<std::int64_t> optional_int(simdjson::dom::object data, const char* key) {
  std::int64_t v = 0;
  if (data[key].get_int64().get(v)) return std::nullopt;
  return v;
}

events::AppendRequest one_event(std::string stream, std::uint64_t expected, std::string_view type,
                                std::string data, const CommandMeta& meta) {
  events::AppendRequest req;
  req.streams.push_back(
      {std::move(stream), expected, {events::NewEvent{std::string(type), 1, std::move(data)}}});
  req.actor = meta.actor;
  req.meta = meta.request;
  return req;
}

}  // namespace

std::string feedback_stream(std::int64_t id) {
  return fmt::format("feedback-{}", id);
}

Result<Feedback> fold_feedback(std::span<const events::EventRecord> events) {
  if (events.empty()) return Status::NotFound("no such feedback");
  Feedback f;
  simdjson::dom::parser parser;
  for (const events::EventRecord& e : events) {
    simdjson::dom::object data;
    if (parser.parse(e.data).get_object().get(data)) return malformed(e, "data is not an object");
    if (e.type == kFeedbackSubmitted) {
      if (f.version != 0) return malformed(e, "feedback submitted twice");
      std::int64_t id = 0, customer = 0;
      std::string_view category, message;
      if (data["feedbackId"].get_int64().get(id) || data["customerId"].get_int64().get(customer) ||
          data["category"].get_string().get(category) ||
          data["message"].get_string().get(message)) {
        return malformed(e, "missing feedbackId, customerId, category or message");
      }
      f.id = id;
      f.customerId = customer;
      f.category = std::string(category);
      f.message = std::string(message);
      f.rating = optional_int(data, "rating");
      f.appVersion = optional_text(data, "appVersion");
      f.platform = optional_text(data, "platform");
      f.createdAt = e.occurredAt;
    } else if (f.version == 0) {
      return malformed(e, "event before the feedback was submitted");
    } else if (e.type == kFeedbackReviewed) {
      if (f.reviewed) return malformed(e, "feedback reviewed twice");
      std::int64_t by = 0;
      if (data["reviewedByAdminId"].get_int64().get(by)) {
        return malformed(e, "missing reviewedByAdminId");
      }
      f.reviewed = true;
      f.reviewedByAdminId = by;
      f.reviewedAt = e.occurredAt;
    } else {
      return malformed(e, "not a feedback event");
    }
    // Invariant: reviewed iff reviewedByAdminId and reviewedAt are set (seed 000 §7.3).
    assert(f.reviewed == (f.reviewedByAdminId.has_value() && f.reviewedAt.has_value()));
    f.updatedAt = e.occurredAt;
    f.version = e.streamVersion;
  }
  return f;
}

Result<events::AppendRequest> decide_submit_feedback(const events::StagedView& view,
                                                     const SubmitFeedback& command,
                                                     const CommandMeta& meta) {
  auto last = view.last_id(kFeedbackSequence);
  if (!last.ok()) return last.status();
  const auto id = static_cast<std::int64_t>(*last + 1);
  JsonWriter w;
  w.begin_object().field("feedbackId", id).field("customerId", command.customerId);
  w.field("category", command.category).field("message", command.message);
  w.field("rating", command.rating).field("appVersion", command.appVersion);
  w.field("platform", command.platform).end_object();
  auto req = one_event(feedback_stream(id), events::kNoStream, kFeedbackSubmitted, w.take(), meta);
  req.ids.push_back({std::string(kFeedbackSequence), static_cast<std::uint64_t>(id)});
  return req;
}

Result<events::AppendRequest> decide_review_feedback(const events::StagedView& view,
                                                     const ReviewFeedback& command,
                                                     const CommandMeta& meta) {
  auto feedback = load_feedback(view, command.feedbackId);
  if (!feedback.ok()) return feedback.status();
  if (feedback->reviewed) return Status::FailedPrecondition("the feedback is already reviewed");
  JsonWriter w;
  w.begin_object().field("feedbackId", command.feedbackId);
  w.field("reviewedByAdminId", command.reviewedByAdminId).end_object();
  return one_event(feedback_stream(command.feedbackId), feedback->version, kFeedbackReviewed,
                   w.take(), meta);
}

Result<Feedback> load_feedback(const events::StagedView& view, std::int64_t id) {
  auto events = view.read_stream(feedback_stream(id), 1);
  if (!events.ok()) return events.status();
  return fold_feedback(*events);
}

}  // namespace docket::domain
