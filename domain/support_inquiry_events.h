// The events of the support inquiry aggregate (domain/support_inquiry.h), as the log
// stores them in stream `support_inquiry-<id>`. Writers and every reader use these
// structs; docs/events.md lists them for auditors. See events/payload.h for the rules
// of encoding, strict decoding and schema versions.
//
// Secrets never enter these events: the guest token and the one-time code appear only
// as SHA-256 hashes (core/auth/guest_token.h, core/auth/otp.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/attachment_events.h"
#include "domain/journey_events.h"
#include "domain/sla_events.h"
#include "events/payload.h"

namespace docket::domain {

// A guest or a customer opened an inquiry. Guests have a token hash and its expiry
// (milliseconds since the epoch); customers have customerId and neither.
struct InquiryCreated {
  static constexpr std::string_view kType = "support.inquiry.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string trackingCode;
  std::string subject;
  std::optional<std::string> category;
  std::optional<std::int64_t> customerId;
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;  // normalized
  std::optional<std::string> guestPhone;
  std::optional<std::string> tokenHash;
  std::optional<std::int64_t> tokenExpiresAt;
  // The queue priority, from the category (absent in logs written before the queue:
  // medium).
  std::optional<std::string> priority;
  std::optional<JourneyRunRecord> journey;  // created by an intake journey
  // A ticket number (SUP-YYYY-NNNNNN) from the support request sequence: inquiries opened
  // through seed 001's ticket form (source "form") have one, so the number works for
  // lookup and in the staff inbox.
  std::optional<std::string> ticketNumber;
  std::optional<std::string> source;  // "form": seed 001's POST /api/support/ticket
  static constexpr auto fields() {
    using E = InquiryCreated;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("trackingCode", &E::trackingCode),
                      events::field("subject", &E::subject),
                      events::field("category", &E::category),
                      events::field("customerId", &E::customerId),
                      events::field("guestName", &E::guestName),
                      events::field("guestEmail", &E::guestEmail),
                      events::field("guestPhone", &E::guestPhone),
                      events::field("tokenHash", &E::tokenHash),
                      events::field("tokenExpiresAt", &E::tokenExpiresAt),
                      events::field("priority", &E::priority),
                      events::field("journey", &E::journey),
                      events::field("ticketNumber", &E::ticketNumber),
                      events::field("source", &E::source)};
  }
};

// A message in the inquiry's thread. senderType: "visitor", "customer", "admin" or
// "system"; senderId: the account of a customer or admin, none for visitor and system.
struct InquiryMessageCreated {
  static constexpr std::string_view kType = "support.inquiry_message.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::int64_t messageId = 0;
  std::string senderType;
  std::optional<std::int64_t> senderId;
  std::string message;
  std::optional<std::vector<AttachmentRefRecord>> attachments;
  static constexpr auto fields() {
    using E = InquiryMessageCreated;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("messageId", &E::messageId),
                      events::field("senderType", &E::senderType),
                      events::field("senderId", &E::senderId),
                      events::field("message", &E::message),
                      events::field("attachments", &E::attachments)};
  }
};

// reason: "message", "admin_reply", "staff" or "inactive".
struct InquiryStatusChanged {
  static constexpr std::string_view kType = "support.inquiry.status_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string from;
  std::string to;
  std::string reason;
  // Who the change concerns, for the realtime feed (absent in logs written before it).
  std::optional<std::int64_t> customerId;
  std::optional<std::int64_t> assignedAdminId;
  static constexpr auto fields() {
    using E = InquiryStatusChanged;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("from", &E::from),
                      events::field("to", &E::to),
                      events::field("reason", &E::reason),
                      events::field("customerId", &E::customerId),
                      events::field("assignedAdminId", &E::assignedAdminId)};
  }
};

struct InquiryAssigned {
  static constexpr std::string_view kType = "support.inquiry.assigned";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::optional<std::int64_t> assignedAdminId;  // none: unassigned
  std::optional<std::int64_t> previousAdminId;
  // As support.request.assigned's reason; absent in logs written before the queue.
  std::optional<std::string> reason;
  std::optional<std::int64_t> customerId;  // for the realtime feed
  static constexpr auto fields() {
    using E = InquiryAssigned;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("assignedAdminId", &E::assignedAdminId),
                      events::field("previousAdminId", &E::previousAdminId),
                      events::field("reason", &E::reason),
                      events::field("customerId", &E::customerId)};
  }
};

// The contact data after the change (each field the stored or the new value).
struct InquiryContactIdentified {
  static constexpr std::string_view kType = "support.inquiry.contact_identified";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;
  std::optional<std::string> guestPhone;
  static constexpr auto fields() {
    using E = InquiryContactIdentified;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("guestName", &E::guestName),
                      events::field("guestEmail", &E::guestEmail),
                      events::field("guestPhone", &E::guestPhone)};
  }
};

// A one-time code was mailed to `email`: only its salted hash is kept.
struct InquiryVerificationRequested {
  static constexpr std::string_view kType = "support.inquiry.email_verification_requested";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string email;
  std::string codeHash;
  std::string codeSalt;
  std::int64_t expiresAt = 0;  // milliseconds since the epoch
  static constexpr auto fields() {
    using E = InquiryVerificationRequested;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("email", &E::email), events::field("codeHash", &E::codeHash),
                      events::field("codeSalt", &E::codeSalt),
                      events::field("expiresAt", &E::expiresAt)};
  }
};

// A wrong code; `attempts` counts the wrong codes against the current one.
struct InquiryVerificationFailed {
  static constexpr std::string_view kType = "support.inquiry.email_verification_failed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::int64_t attempts = 0;
  static constexpr auto fields() {
    using E = InquiryVerificationFailed;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("attempts", &E::attempts)};
  }
};

// The right code: the e-mail is proven; customerId is the customer now linked (the
// one owning the address, or the inquiry's own), none when nobody is.
struct InquiryEmailVerified {
  static constexpr std::string_view kType = "support.inquiry.email_verified";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string email;
  std::optional<std::int64_t> customerId;
  static constexpr auto fields() {
    using E = InquiryEmailVerified;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("email", &E::email),
                      events::field("customerId", &E::customerId)};
  }
};

// Linked to a support request; `created` when the request was made from the inquiry in
// the same append; `from` is the status the inquiry left.
struct InquiryLinked {
  static constexpr std::string_view kType = "support.inquiry.linked";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::int64_t supportRequestId = 0;
  bool created = false;
  std::string from;
  static constexpr auto fields() {
    using E = InquiryLinked;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("supportRequestId", &E::supportRequestId),
                      events::field("created", &E::created), events::field("from", &E::from)};
  }
};

// The guest token stops working. reason: "admin" (staff revoked it), "spam" (the
// inquiry was marked spam) or "closed" (logs written before closing kept the token).
struct InquiryTokenRevoked {
  static constexpr std::string_view kType = "support.inquiry.token_revoked";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string reason;
  static constexpr auto fields() {
    using E = InquiryTokenRevoked;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("reason", &E::reason)};
  }
};

// The queue priority raised by an SLA escalation (reason "sla_escalation").
struct InquiryPriorityChanged {
  static constexpr std::string_view kType = "support.inquiry.priority_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string from;
  std::string to;
  std::string reason;
  static constexpr auto fields() {
    using E = InquiryPriorityChanged;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("from", &E::from), events::field("to", &E::to),
                      events::field("reason", &E::reason)};
  }
};

// The inquiry's SLA clocks after a change (as support.request.sla_updated).
struct InquirySlaUpdated {
  static constexpr std::string_view kType = "support.inquiry.sla_updated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string reason;
  SlaClockRecord sla;
  static constexpr auto fields() {
    using E = InquirySlaUpdated;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("reason", &E::reason), events::field("sla", &E::sla)};
  }
};

// As support.request.sla_breached.
struct InquirySlaBreached {
  static constexpr std::string_view kType = "support.inquiry.sla_breached";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string target;
  std::string dueAt;
  std::optional<std::string> escalatedFrom;
  std::optional<std::string> escalatedTo;
  std::string note;
  std::optional<std::int64_t> customerId;
  std::optional<std::int64_t> assignedAdminId;
  static constexpr auto fields() {
    using E = InquirySlaBreached;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("target", &E::target),
                      events::field("dueAt", &E::dueAt),
                      events::field("escalatedFrom", &E::escalatedFrom),
                      events::field("escalatedTo", &E::escalatedTo),
                      events::field("note", &E::note),
                      events::field("customerId", &E::customerId),
                      events::field("assignedAdminId", &E::assignedAdminId)};
  }
};

// The visitor (guest token) or the inquiry's customer rated it once it was resolved or
// closed (once, within DOCKET_CSAT_WINDOW_DAYS): rating 1-5, an optional comment.
// raterType: "visitor" or "customer" (then customerId).
struct InquirySatisfactionRated {
  static constexpr std::string_view kType = "support.inquiry.satisfaction_rated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportInquiryId = 0;
  std::string raterType;
  std::optional<std::int64_t> customerId;
  std::int64_t rating = 0;
  std::optional<std::string> comment;
  static constexpr auto fields() {
    using E = InquirySatisfactionRated;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("raterType", &E::raterType),
                      events::field("customerId", &E::customerId),
                      events::field("rating", &E::rating), events::field("comment", &E::comment)};
  }
};

using SupportInquiryEvent =
    events::EventSet<InquiryCreated, InquiryMessageCreated, InquiryStatusChanged, InquiryAssigned,
                     InquiryContactIdentified, InquiryVerificationRequested,
                     InquiryVerificationFailed, InquiryEmailVerified, InquiryLinked,
                     InquiryTokenRevoked, InquiryPriorityChanged, InquirySlaUpdated,
                     InquirySlaBreached, InquirySatisfactionRated>;

}  // namespace docket::domain
