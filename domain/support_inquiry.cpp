#include "domain/support_inquiry.h"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/auth/otp.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/account.h"
#include "domain/account_commands.h"
#include "domain/stream_snapshot.h"
#include "domain/support_request.h"
#include "events/event_data.h"

namespace docket::domain {
namespace {

// The statuses staff may set, per current status (the table in the header).
struct Settable {
  std::string_view from;
  std::initializer_list<std::string_view> to;
};
const Settable kSettable[] = {
    {kInquiryOpen,
     {kInquiryActive, kInquiryWaiting, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryActive, {kInquiryWaiting, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryWaiting, {kInquiryActive, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryResolved, {kInquiryActive, kInquiryClosed}},
    {kInquiryLinked, {kInquiryClosed}},
    {kInquiryClosed, {}},
    {kInquirySpam, {}},
};

using events::malformed;
using events::optional_int;
using events::optional_text;
using events::text;

std::string tracking_key(std::string_view code) {
  return "tracking:" + std::string(code);
}

events::AppendRequest on_stream(const SupportInquiry& i, const CommandMeta& meta) {
  events::AppendRequest req;
  req.streams.push_back({support_inquiry_stream(i.id), i.version, {}});
  req.actor = meta.actor;
  req.meta = meta.request;
  return req;
}

void add(events::AppendRequest& req, std::string_view type, std::string data) {
  req.streams.front().events.push_back({std::string(type), 1, std::move(data)});
}

std::string status_change(std::int64_t id, std::string_view from, std::string_view to,
                          std::string_view reason) {
  JsonWriter w;
  w.begin_object().field("supportInquiryId", id).field("from", from).field("to", to);
  w.field("reason", reason).end_object();
  return w.take();
}

Result<std::string> message_event(const events::StagedView& view, events::AppendRequest& req,
                                  std::int64_t inquiry_id, std::string_view sender_type,
                                  std::optional<std::int64_t> sender_id, std::string_view message) {
  auto last = view.last_id(kSupportInquiryMessageSequence);
  if (!last.ok()) return last.status();
  // Several messages in one command (create: greeting + first message) take
  // consecutive ids through one claim.
  std::uint64_t next = *last + 1;
  bool extended = false;
  for (auto& claim : req.ids) {
    if (claim.sequence == kSupportInquiryMessageSequence) {
      next = claim.id + claim.count;
      ++claim.count;
      extended = true;
    }
  }
  if (!extended) req.ids.push_back({std::string(kSupportInquiryMessageSequence), next});
  JsonWriter w;
  w.begin_object().field("supportInquiryId", inquiry_id);
  w.field("messageId", static_cast<std::int64_t>(next)).field("senderType", sender_type);
  w.field("senderId", sender_id).field("message", message).end_object();
  return w.take();
}

// The account owning a normalized e-mail in the staged view, if any.
Result<std::optional<std::int64_t>> account_with_email(const events::StagedView& view,
                                                       std::string_view email) {
  auto owner = view.unique_owner(email_key(email));
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return std::optional<std::int64_t>{};
  return account_id_of_stream(*owner);
}

bool takes_inactive_close(std::string_view status) {
  return status == kInquiryOpen || status == kInquiryActive || status == kInquiryWaiting ||
         status == kInquiryResolved;
}

bool has_live_token(const SupportInquiry& i) {
  return i.tokenHash.has_value() && !i.tokenRevoked;
}

std::string token_revoked(std::int64_t id, std::string_view reason) {
  JsonWriter w;
  w.begin_object().field("supportInquiryId", id).field("reason", reason).end_object();
  return w.take();
}

// Closing or marking spam ends the guest token in the same append.
void revoke_on_close(events::AppendRequest& req, const SupportInquiry& i, std::string_view to) {
  if ((to == kInquiryClosed || to == kInquirySpam) && has_live_token(i)) {
    add(req, kInquiryTokenRevoked, token_revoked(i.id, "closed"));
  }
}

std::string linked(const SupportInquiry& i, std::int64_t request_id, bool created) {
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i.id).field("supportRequestId", request_id);
  w.field("created", created).field("from", i.status).end_object();
  return w.take();
}

// A message of the inquiry as it is copied into a created support request.
struct InquiryMessage {
  std::int64_t id = 0;
  std::string senderType;
  std::optional<std::int64_t> senderId;
  std::string message;
  UnixMillis createdAt = 0;
};

// The visitor, customer and admin messages of the inquiry, in order (system messages
// are not copied). Read from the stream when a link creates a request rather than
// kept in SupportInquiry: the writer copies that state for every command on the stream
// (domain/stream_snapshot.h), and only this rare command needs the thread.
Result<std::vector<InquiryMessage>> copied_messages(const events::StagedView& view,
                                                    const SupportInquiry& i) {
  auto events = view.read_stream(support_inquiry_stream(i.id), 1);
  if (!events.ok()) return events.status();
  thread_local simdjson::dom::parser parser;
  std::vector<InquiryMessage> out;
  for (const events::EventRecord& e : *events) {
    if (e.type != kInquiryMessageCreated || e.streamVersion > i.version) continue;
    simdjson::dom::object data;
    if (parser.parse(e.data).get_object().get(data)) return malformed(e, "data is not an object");
    std::string sender = text(data, "senderType");
    if (sender == "system") continue;
    out.push_back({optional_int(data, "messageId").value_or(0), std::move(sender),
                   optional_int(data, "senderId"), text(data, "message"), e.occurredAt});
  }
  return out;
}

// The creation of a request for the inquiry's customer, with the copied thread, as the
// first stream of `req`. Returns the new request's id.
Result<std::int64_t> add_created_request(const events::StagedView& view, events::AppendRequest& req,
                                         const SupportInquiry& i,
                                         const LinkInquiryToSupportRequest& c) {
  auto messages = copied_messages(view, i);
  if (!messages.ok()) return messages.status();
  CreateSupportRequest create;
  create.customerId = *i.customerId;
  create.subject = i.subject;
  create.category = c.category;
  create.priority = c.priority;
  JsonWriter metadata;
  metadata.begin_object().field("supportInquiryId", i.id).field("trackingCode", i.trackingCode);
  create.metadataJson = metadata.end_object().take();
  auto request_id = add_support_request_creation(view, create, req);
  if (!request_id.ok()) return request_id.status();
  if (messages->empty()) return request_id;

  // Every copied message takes its id from one claim of `count` ids.
  auto last = view.last_id(kSupportRequestMessageSequence);
  if (!last.ok()) return last.status();
  req.ids.push_back({std::string(kSupportRequestMessageSequence), *last + 1, messages->size()});
  std::uint64_t next = *last + 1;
  for (const InquiryMessage& m : *messages) {
    // Visitor and customer messages are the customer's; admin messages stay the admin's.
    const bool admin = m.senderType == "admin";
    JsonWriter w;
    w.begin_object().field("supportRequestId", *request_id);
    w.field("messageId", static_cast<std::int64_t>(next++));
    w.field("senderType", admin ? "admin" : "customer");
    w.field("senderId", admin ? m.senderId : i.customerId).field("message", m.message);
    w.key("copiedFrom").begin_object().field("supportInquiryId", i.id);
    w.field("supportInquiryMessageId", m.id).field("createdAt", format_iso8601(m.createdAt));
    w.end_object().end_object();
    req.streams.front().events.push_back({std::string(kSupportRequestMessageCreated), 1, w.take()});
  }
  return request_id;
}

}  // namespace

std::string support_inquiry_stream(std::int64_t id) {
  return fmt::format("support_inquiry-{}", id);
}

std::string generate_tracking_code() {
  std::string code = "INQ-";
  for (std::size_t i = 0; i < kTrackingCodeLength - 4; ++i)
    code.push_back(
        kTrackingAlphabet[random_uniform(static_cast<std::uint32_t>(kTrackingAlphabet.size()))]);
  return code;
}

bool looks_like_tracking_code(std::string_view text) {
  if (text.size() != kTrackingCodeLength || !text.starts_with("INQ-")) return false;
  return std::all_of(text.begin() + 4, text.end(),
                     [](char c) { return kTrackingAlphabet.find(c) != std::string_view::npos; });
}

bool inquiry_status_settable(std::string_view from, std::string_view to) {
  for (const Settable& s : kSettable) {
    if (s.from == from) return std::find(s.to.begin(), s.to.end(), to) != s.to.end();
  }
  return false;
}

bool inquiry_accepts_messages(std::string_view status) {
  return status != kInquiryClosed && status != kInquirySpam;
}

std::string_view inquiry_status_after_message(std::string_view from, std::string_view sender) {
  if (sender == "system" || from == kInquiryLinked) return from;
  if (sender == "admin") return kInquiryWaiting;
  // The visitor or customer speaks: the team's turn, once the team has spoken.
  return from == kInquiryOpen ? kInquiryOpen : kInquiryActive;
}

Status apply_support_inquiry_events(SupportInquiry& i,
                                    std::span<const events::EventRecord> events) {
  thread_local simdjson::dom::parser parser;
  for (const events::EventRecord& e : events) {
    simdjson::dom::object data;
    if (parser.parse(e.data).get_object().get(data)) return malformed(e, "data is not an object");
    if (e.type == kInquiryCreated) {
      auto id = optional_int(data, "supportInquiryId");
      if (!id) return malformed(e, "missing supportInquiryId");
      i.id = *id;
      i.trackingCode = text(data, "trackingCode");
      i.subject = text(data, "subject");
      i.category = optional_text(data, "category");
      i.customerId = optional_int(data, "customerId");
      i.guestName = optional_text(data, "guestName");
      i.guestEmail = optional_text(data, "guestEmail");
      i.guestPhone = optional_text(data, "guestPhone");
      i.tokenHash = optional_text(data, "tokenHash");
      i.tokenExpiresAt = optional_int(data, "tokenExpiresAt");
      i.status = std::string(kInquiryOpen);
      i.createdAt = e.occurredAt;
    } else if (i.version == 0) {
      return malformed(e, "event before the inquiry was created");
    } else if (e.type == kInquiryMessageCreated) {
      // Status moves come as their own events.
    } else if (e.type == kInquiryStatusChanged) {
      i.status = text(data, "to");
      if (i.status == kInquiryClosed || i.status == kInquirySpam) i.closedAt = e.occurredAt;
      if (auto request = optional_int(data, "supportRequestId")) i.supportRequestId = request;
    } else if (e.type == kInquiryAssigned) {
      i.assignedAdminId = optional_int(data, "assignedAdminId");
    } else if (e.type == kInquiryContactIdentified) {
      auto email = optional_text(data, "guestEmail");
      if (email != i.guestEmail) i.emailVerified = false;
      i.guestName = optional_text(data, "guestName");
      i.guestEmail = email;
      i.guestPhone = optional_text(data, "guestPhone");
    } else if (e.type == kInquiryVerificationRequested) {
      i.verificationEmail = optional_text(data, "email");
      i.codeHash = optional_text(data, "codeHash");
      i.codeSalt = optional_text(data, "codeSalt");
      i.codeExpiresAt = optional_int(data, "expiresAt");
      i.failedAttempts = 0;
    } else if (e.type == kInquiryVerificationFailed) {
      i.failedAttempts = static_cast<int>(optional_int(data, "attempts").value_or(0));
    } else if (e.type == kInquiryLinkedToRequest) {
      auto request = optional_int(data, "supportRequestId");
      if (!request) return malformed(e, "missing supportRequestId");
      i.status = std::string(kInquiryLinked);
      i.supportRequestId = request;
    } else if (e.type == kInquiryTokenRevoked) {
      i.tokenRevoked = true;
    } else if (e.type == kInquiryEmailVerified) {
      i.guestEmail = optional_text(data, "email");
      i.emailVerified = true;
      if (auto customer = optional_int(data, "customerId")) i.customerId = customer;
      i.verificationEmail.reset();
      i.codeHash.reset();
      i.codeSalt.reset();
      i.codeExpiresAt.reset();
      i.failedAttempts = 0;
    } else {
      return malformed(e, "not a support inquiry event");
    }
    i.lastActivityAt = e.occurredAt;
    i.version = e.streamVersion;
  }
  return Status::Ok();
}

Result<SupportInquiry> fold_support_inquiry(std::span<const events::EventRecord> events) {
  if (events.empty()) return Status::NotFound("no such support inquiry");
  SupportInquiry i;
  if (Status s = apply_support_inquiry_events(i, events); !s.ok()) return s;
  return i;
}

Result<SupportInquiry> load_support_inquiry(const events::StagedView& view, std::int64_t id) {
  return load_with_snapshot<SupportInquiry>(view, support_inquiry_stream(id),
                                            apply_support_inquiry_events, "support inquiry");
}

Result<events::AppendRequest> decide_create_inquiry(const events::StagedView& view,
                                                    const CreateSupportInquiry& c,
                                                    const CommandMeta& meta) {
  auto last = view.last_id(kSupportInquirySequence);
  if (!last.ok()) return last.status();
  SupportInquiry i;
  i.id = static_cast<std::int64_t>(*last + 1);
  std::string code;
  for (const std::string& candidate : c.trackingCandidates) {
    auto owner = view.unique_owner(tracking_key(candidate));
    if (!owner.ok()) return owner.status();
    if (owner->empty()) {
      code = candidate;
      break;
    }
  }
  if (code.empty()) return Status::Conflict("every tracking code candidate is taken");
  auto req = on_stream(i, meta);
  req.streams.front().expectedVersion = events::kNoStream;
  req.ids.push_back({std::string(kSupportInquirySequence), *last + 1});
  req.claims.push_back({tracking_key(code), support_inquiry_stream(i.id)});
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i.id).field("trackingCode", code);
  w.field("subject", c.subject).field("category", c.category).field("customerId", c.customerId);
  w.field("guestName", c.guestName).field("guestEmail", c.guestEmail);
  w.field("guestPhone", c.guestPhone).field("tokenHash", c.tokenHash);
  w.field("tokenExpiresAt", c.tokenExpiresAt).end_object();
  add(req, kInquiryCreated, w.take());
  auto greeting = message_event(view, req, i.id, "system", std::nullopt, c.greeting);
  if (!greeting.ok()) return greeting.status();
  add(req, kInquiryMessageCreated, std::move(greeting).value());
  if (c.message) {
    const std::string_view sender = c.customerId ? "customer" : "visitor";
    auto first = message_event(view, req, i.id, sender, c.customerId, *c.message);
    if (!first.ok()) return first.status();
    add(req, kInquiryMessageCreated, std::move(first).value());
  }
  return req;
}

Result<events::AppendRequest> decide_post_inquiry_message(const events::StagedView& view,
                                                          const PostInquiryMessage& c,
                                                          const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_accepts_messages(i->status))
    return Status::FailedPrecondition(kInquiryClosedMessage);
  auto req = on_stream(*i, meta);
  auto message = message_event(view, req, i->id, c.senderType, c.senderId, c.message);
  if (!message.ok()) return message.status();
  add(req, kInquiryMessageCreated, std::move(message).value());
  const std::string_view next = inquiry_status_after_message(i->status, c.senderType);
  if (next != i->status) {
    add(req, kInquiryStatusChanged,
        status_change(i->id, i->status, next, c.senderType == "admin" ? "admin_reply" : "message"));
  }
  return req;
}

Result<events::AppendRequest> decide_set_inquiry_status(const events::StagedView& view,
                                                        const SetInquiryStatus& c,
                                                        const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_status_settable(i->status, c.status)) {
    return Status::InvalidArgument(
        fmt::format("an inquiry cannot go from {} to {}", i->status, c.status));
  }
  auto req = on_stream(*i, meta);
  add(req, kInquiryStatusChanged, status_change(i->id, i->status, c.status, "staff"));
  revoke_on_close(req, *i, c.status);
  return req;
}

Result<events::AppendRequest> decide_assign_inquiry(const events::StagedView& view,
                                                    const AssignInquiry& c,
                                                    const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (c.assignedAdminId) {
    auto staff = load_account(view, *c.assignedAdminId);
    if (!staff.ok() && !staff.status().IsNotFound()) return staff.status();
    if (!staff.ok() || !staff->is_staff() || !staff->active) {
      return Status::InvalidArgument("assignedAdminId is not an active staff member");
    }
  }
  auto req = on_stream(*i, meta);
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i->id).field("assignedAdminId", c.assignedAdminId);
  w.field("previousAdminId", i->assignedAdminId).end_object();
  add(req, kInquiryAssigned, w.take());
  return req;
}

Result<events::AppendRequest> decide_identify_inquiry_contact(const events::StagedView& view,
                                                              const IdentifyInquiryContact& c,
                                                              const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_accepts_messages(i->status))
    return Status::FailedPrecondition(kInquiryClosedMessage);
  auto req = on_stream(*i, meta);
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i->id);
  w.field("guestName", c.name ? c.name : i->guestName);
  w.field("guestEmail", c.email ? c.email : i->guestEmail);
  w.field("guestPhone", c.phone ? c.phone : i->guestPhone).end_object();
  add(req, kInquiryContactIdentified, w.take());
  return req;
}

Result<events::AppendRequest> decide_request_inquiry_verification(
    const events::StagedView& view, const RequestInquiryVerification& c, const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_accepts_messages(i->status))
    return Status::FailedPrecondition(kInquiryClosedMessage);
  auto req = on_stream(*i, meta);
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i->id).field("email", c.email);
  w.field("codeHash", c.codeHash).field("codeSalt", c.codeSalt);
  w.field("expiresAt", c.expiresAt).end_object();
  add(req, kInquiryVerificationRequested, w.take());
  return req;
}

Result<events::AppendRequest> decide_confirm_inquiry_verification(
    const events::StagedView& view, const ConfirmInquiryVerification& c, const CommandMeta& meta,
    bool& verified) {
  verified = false;
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_accepts_messages(i->status))
    return Status::FailedPrecondition(kInquiryClosedMessage);
  if (!i->codeHash || !i->codeSalt || !i->verificationEmail || !i->codeExpiresAt ||
      view.now_ms() >= *i->codeExpiresAt || i->failedAttempts >= c.maxAttempts) {
    return Status::InvalidArgument("no valid code: request a new one");
  }
  auto req = on_stream(*i, meta);
  if (!auth::otp_matches(c.code, *i->codeSalt, *i->codeHash)) {
    JsonWriter w;
    w.begin_object().field("supportInquiryId", i->id);
    w.field("attempts", i->failedAttempts + 1).end_object();
    add(req, kInquiryVerificationFailed, w.take());
    return req;  // verified stays false: the caller answers "invalid code" once recorded
  }
  auto customer = account_with_email(view, *i->verificationEmail);
  if (!customer.ok()) return customer.status();
  std::optional<std::int64_t> link;
  if (*customer) {
    auto account = load_account(view, **customer);
    if (!account.ok()) return account.status();
    if (!account->is_staff() && account->active) link = **customer;
  }
  if (i->customerId) link = i->customerId;  // already a customer's: stays theirs
  JsonWriter w;
  w.begin_object().field("supportInquiryId", i->id).field("email", *i->verificationEmail);
  w.field("customerId", link).end_object();
  add(req, kInquiryEmailVerified, w.take());
  verified = true;
  return req;
}

Result<events::AppendRequest> decide_link_inquiry(const events::StagedView& view,
                                                  const LinkInquiryToSupportRequest& c,
                                                  const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_accepts_messages(i->status))
    return Status::FailedPrecondition(kInquiryClosedMessage);
  if (i->status == kInquiryLinked || i->supportRequestId) {
    return Status::InvalidArgument(kLinkInvalidMessage);
  }
  if (c.supportRequestId) {
    // An existing request of the inquiry's customer. Only the inquiry's stream is
    // appended to: a request's customer never changes and requests are never deleted,
    // and this decision runs on the writer against the staged view, so the check
    // cannot go stale before the append. (A stream cannot be named without events to
    // pin its version either: events/append_validation.cpp refuses an empty one.)
    if (!i->customerId) return Status::InvalidArgument(kLinkInvalidMessage);
    auto request = load_support_request(view, *c.supportRequestId);
    if (!request.ok() && !request.status().IsNotFound()) return request.status();
    if (!request.ok() || request->customerId != *i->customerId) {
      return Status::InvalidArgument(kLinkInvalidMessage);
    }
    auto req = on_stream(*i, meta);
    add(req, kInquiryLinkedToRequest, linked(*i, request->id, false));
    return req;
  }
  if (!i->customerId) return Status::FailedPrecondition(kCustomerRequiredMessage);
  // One append, request first: support.request.created and the copied messages, then
  // the inquiry's support.inquiry.linked. Both streams become durable or neither.
  events::AppendRequest req;
  req.actor = meta.actor;
  req.meta = meta.request;
  auto request_id = add_created_request(view, req, *i, c);
  if (!request_id.ok()) return request_id.status();
  events::StreamAppend inquiry{support_inquiry_stream(i->id), i->version, {}};
  inquiry.events.push_back(
      {std::string(kInquiryLinkedToRequest), 1, linked(*i, *request_id, true)});
  req.streams.push_back(std::move(inquiry));
  return req;
}

Result<events::AppendRequest> decide_revoke_inquiry_token(const events::StagedView& view,
                                                          const RevokeInquiryToken& c,
                                                          const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!has_live_token(*i)) return Status::FailedPrecondition("no token");
  auto req = on_stream(*i, meta);
  add(req, kInquiryTokenRevoked, token_revoked(i->id, c.reason));
  return req;
}

Result<events::AppendRequest> decide_close_inactive_inquiry(const events::StagedView& view,
                                                            const CloseInactiveInquiry& c,
                                                            const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!takes_inactive_close(i->status) || i->lastActivityAt >= c.cutoff) {
    return Status::FailedPrecondition("active");
  }
  auto req = on_stream(*i, meta);
  add(req, kInquiryStatusChanged, status_change(i->id, i->status, kInquiryClosed, "inactive"));
  revoke_on_close(req, *i, kInquiryClosed);
  return req;
}

}  // namespace docket::domain
