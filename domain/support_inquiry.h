// The support inquiry aggregate: a chat-style conversation that a guest or a customer
// opens from the website (seed 000 §5–9, §14).
//
// Stream `support_inquiry-<id>` (id sequence "support_inquiry"); messages take ids from
// "support_inquiry_message". The public tracking code `INQ-XXXXXX` (6 characters of an
// alphabet without look-alikes) is independent of the id and reserved as the unique key
// `tracking:<code>`. The events are in domain/support_inquiry_events.h.
//
// Status (docs/support-inquiries.md has the table):
//
//   status    | visitor or customer message | admin reply | staff may set
//   open      | stays open                  | -> waiting  | active waiting resolved closed spam
//   active    | stays active                | -> waiting  | waiting resolved closed spam
//   waiting   | -> active                   | stays       | active resolved closed spam
//   resolved  | -> active (reopens)         | -> waiting  | active closed
//   linked    | stays linked                | stays       | closed
//   closed    | refused                     | refused     | nothing (terminal)
//   spam      | refused                     | refused     | nothing (terminal)
//
// `linked` is reached only by linking to a support request. closedAt is recorded when
// an inquiry becomes closed or spam. Inactive close moves open, active, waiting and
// resolved inquiries without activity since a cutoff to closed.
//
// Guest tokens: closing or resolving changes the status only (seed 000 §5): the guest
// keeps reading the thread until the token expires, and posting is refused. Marking
// spam revokes the token in the same append; staff may revoke it at any time. Logs
// written before this rule hold revocations with reason "closed": they stand.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/agent.h"
#include "domain/attachment.h"
#include "domain/command_meta.h"
#include "domain/sla.h"
#include "domain/support_inquiry_events.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kSupportInquirySequence = "support_inquiry";
inline constexpr std::string_view kSupportInquiryMessageSequence = "support_inquiry_message";

inline constexpr std::string_view kInquiryOpen = "open";
inline constexpr std::string_view kInquiryActive = "active";
inline constexpr std::string_view kInquiryWaiting = "waiting";
inline constexpr std::string_view kInquiryResolved = "resolved";
inline constexpr std::string_view kInquiryLinked = "linked";
inline constexpr std::string_view kInquiryClosed = "closed";
inline constexpr std::string_view kInquirySpam = "spam";
inline constexpr std::string_view kInquiryStatuses[] = {
    kInquiryOpen,   kInquiryActive, kInquiryWaiting, kInquiryResolved,
    kInquiryLinked, kInquiryClosed, kInquirySpam};

// Tracking codes: "INQ-" + 6 characters of this alphabet (no 0/O, 1/I/L).
inline constexpr std::string_view kTrackingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kTrackingCodeLength = 10;

std::string support_inquiry_stream(std::int64_t id);
// A random tracking code. REQUIRES: init_crypto() ran.
std::string generate_tracking_code();
bool looks_like_tracking_code(std::string_view text);

// Whether staff may set `to` on an inquiry in `from` (the table above).
bool inquiry_status_settable(std::string_view from, std::string_view to);
// The status after a message: senderType "visitor"/"customer" or "admin". Unchanged
// for "system". REQUIRES: `from` accepts messages (not closed or spam).
std::string_view inquiry_status_after_message(std::string_view from, std::string_view sender);
// Closed and spam accept no messages.
bool inquiry_accepts_messages(std::string_view status);
// Open, active and waiting inquiries are queue work (they count against an agent's
// capacity while assigned; unassigned, they wait in the queue).
bool inquiry_is_open_work(std::string_view status);

struct SupportInquiry {
  std::int64_t id = 0;
  std::string trackingCode;
  std::string subject;
  std::optional<std::string> category;
  std::optional<std::int64_t> customerId;
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;  // normalized
  std::optional<std::string> guestPhone;
  bool emailVerified = false;  // guestEmail was proven by a one-time code
  std::string status;
  std::string priority = "medium";  // the queue priority, from the category
  std::optional<std::int64_t> assignedAdminId;
  std::optional<std::int64_t> supportRequestId;
  std::optional<UnixMillis> firstResponseAt;  // the first admin reply
  std::optional<std::string> tokenHash;       // the guest token's SHA-256 (guests only)
  std::optional<UnixMillis> tokenExpiresAt;
  bool tokenRevoked = false;
  // The pending verification, if any: the code's hash and salt, for which address, until
  // when, and how many wrong codes were tried against it.
  std::optional<std::string> verificationEmail;
  std::optional<std::string> codeHash;
  std::optional<std::string> codeSalt;
  std::optional<UnixMillis> codeExpiresAt;
  int failedAttempts = 0;
  UnixMillis createdAt = 0;
  UnixMillis lastActivityAt = 0;  // the last event's time
  std::optional<UnixMillis> closedAt;
  std::optional<UnixMillis> resolvedAt;      // when it was last resolved
  std::optional<std::int64_t> satisfaction;  // the rating, once rated
  std::optional<SlaClock> sla;               // none: no policy covered it when created
  std::uint64_t version = 0;
};

// Applies one event of the inquiry's stream (the caller sets `version`). Corruption
// for an event before the inquiry was created.
Status apply(SupportInquiry& i, const SupportInquiryEvent::Variant& event,
             const events::EventRecord& record);
// Folds one inquiry stream. Refused kInquiryNotFound when empty; Corruption on a
// foreign or malformed event.
Result<SupportInquiry> fold_support_inquiry(std::span<const events::EventRecord> events);
// The inquiry as the staged view has it (from the writer's snapshot when it has one).
Result<SupportInquiry> load_support_inquiry(const events::StagedView& view, std::int64_t id);

struct CreateSupportInquiry {
  static constexpr std::string_view kName = "support_inquiry.create";
  std::string subject;
  std::optional<std::string> category;
  std::string priority = "medium";     // the queue priority (the category's, or medium)
  std::optional<std::string> message;  // the visitor's first message
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;  // REQUIRES: normalized when set
  std::optional<std::string> guestPhone;
  std::optional<std::int64_t> customerId;  // a signed-in customer: no guest token
  std::optional<std::string> tokenHash;    // a guest: guest_token_hash(token)
  std::optional<UnixMillis> tokenExpiresAt;
  std::string greeting;  // the system greeting message
  // Tracking codes to try in order (random; the first free one is taken). Refused
  // kTrackingCodesTaken when every one is taken.
  std::vector<std::string> trackingCandidates;
  std::optional<JourneyRunRecord> journey;  // created by an intake journey
  // Uploads for the first message, and who attaches them (the caller of the route).
  std::vector<std::string> attachmentIds;
  Uploader attachmentPoster;
  // Seed 001's ticket form: the inquiry also takes the next support request number
  // (SUP-YYYY-NNNNNN, claimed like a request's) and records source "form".
  bool formTicket = false;
};

struct PostInquiryMessage {
  static constexpr std::string_view kName = "support_inquiry.post_message";
  std::int64_t inquiryId = 0;
  std::string senderType;  // "visitor", "customer", "admin" or "system"
  std::optional<std::int64_t> senderId;
  std::string message;
  std::vector<std::string> attachmentIds;  // the sender's own uploads (domain/attachment.h)
};

// Rates a resolved or closed inquiry, once, within `window` of its end (its last
// resolution, else its closing). raterType "visitor" (the guest token's holder) or
// "customer" (the inquiry's own customer, customerId).
struct RateInquiry {
  static constexpr std::string_view kName = "support_inquiry.rate";
  std::int64_t inquiryId = 0;
  std::string raterType;
  std::optional<std::int64_t> customerId;
  std::int64_t rating = 0;  // 1-5
  std::optional<std::string> comment;
  UnixMillis window = 7LL * 86'400'000;
};

struct SetInquiryStatus {
  static constexpr std::string_view kName = "support_inquiry.set_status";
  std::int64_t inquiryId = 0;
  std::string status;
};

struct AssignInquiry {
  static constexpr std::string_view kName = "support_inquiry.assign";
  std::int64_t inquiryId = 0;
  std::optional<std::int64_t> assignedAdminId;  // none: unassign; else an active staff id
  std::optional<bool> force;                    // past the agent's capacity (staff only)
  AssignmentTerms terms;
};

// Contact data only: never proves identity. Each field replaces the stored one when
// set; a new e-mail drops a verification of the old one.
struct IdentifyInquiryContact {
  static constexpr std::string_view kName = "support_inquiry.identify";
  std::int64_t inquiryId = 0;
  std::optional<std::string> name;
  std::optional<std::string> email;  // REQUIRES: normalized when set
  std::optional<std::string> phone;
};

struct RequestInquiryVerification {
  static constexpr std::string_view kName = "support_inquiry.request_verification";
  std::int64_t inquiryId = 0;
  std::string email;     // normalized
  std::string codeHash;  // otp_hash(code, codeSalt)
  std::string codeSalt;
  UnixMillis expiresAt = 0;
};

struct ConfirmInquiryVerification {
  static constexpr std::string_view kName = "support_inquiry.confirm_verification";
  std::int64_t inquiryId = 0;
  std::string code;     // as typed; compared through its hash in constant time
  int maxAttempts = 5;  // wrong codes allowed per requested code
};

// Links the inquiry to a support request of its customer, or (without supportRequestId)
// creates one for the inquiry's customer in the same append: support.request.created
// with metadata {supportInquiryId, trackingCode}, then one support.request_message.created
// per non-system inquiry message in order (visitor and customer messages as the
// customer's, admin messages as that admin's). The inquiry becomes `linked`.
struct LinkInquiryToSupportRequest {
  static constexpr std::string_view kName = "support_inquiry.link";
  std::int64_t inquiryId = 0;
  std::optional<std::int64_t> supportRequestId;  // none: create a new request
  std::string category;  // of a created request (a configured support request category)
  std::string priority;  // of a created request (the category's priority)
};

// Revokes the guest token (reason "admin"); refused kInquiryNoLiveToken (nothing to
// append) when there is no token or it is already revoked.
struct RevokeInquiryToken {
  static constexpr std::string_view kName = "support_inquiry.revoke_token";
  std::int64_t inquiryId = 0;
  std::string reason = "admin";
};

struct CloseInactiveInquiry {
  static constexpr std::string_view kName = "support_inquiry.close_inactive";
  std::int64_t inquiryId = 0;
  UnixMillis cutoff = 0;  // no activity since: closed
};

// Decisions. Refusals (domain/refusal.h) besides storage failures:
//   kInquiryNotFound      no such inquiry
//   kInquiryClosed        the inquiry is closed or spam: no messages, contact changes,
//                         verification, status changes or links
//   kInquiryTransition    a status staff may not set from the current one
//   kAssigneeNotActiveStaff
//   kTrackingCodesTaken   every tracking candidate was taken
//   kInquiryLinkInvalid   the target request does not exist or belongs to another
//                         customer, the inquiry has no customer, or it is linked already
//   kInquiryCustomerRequired  creating a request for an inquiry without a customer
//   kInquiryVerificationInvalid  no pending code, or it expired or was tried too often
//   kInquiryNoLiveToken, kInquiryStillActive  (nothing to do)
// A wrong code is not refused: it appends the counted attempt (InquiryVerificationFailed)
// and the route answers kInquiryVerificationInvalid once it is recorded; a right one
// appends InquiryEmailVerified, linking the customer who owns the address if any.
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const CreateSupportInquiry& command, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const PostInquiryMessage& command, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const SetInquiryStatus& command, const CommandMeta& meta);
// Refused kSatisfactionNotAvailable (not resolved or closed now; spam and linked
// inquiries never), kSatisfactionAlreadyRated, kSatisfactionWindowClosed.
Result<events::AppendRequest> decide(const events::StagedView& view, const RateInquiry& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const AssignInquiry& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const IdentifyInquiryContact& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RequestInquiryVerification& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ConfirmInquiryVerification& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const LinkInquiryToSupportRequest& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RevokeInquiryToken& command, const CommandMeta& meta);
// Refused kInquiryStillActive when the inquiry moved since the cutoff or is not in
// open, active, waiting or resolved.
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const CloseInactiveInquiry& command, const CommandMeta& meta);

}  // namespace docket::domain
