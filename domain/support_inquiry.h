// The support inquiry aggregate: a chat-style conversation that a guest or a customer
// opens from the website (seed 000 §5–9, §14).
//
// Stream `support_inquiry-<id>` (id sequence "support_inquiry"); messages take ids from
// "support_inquiry_message". The public tracking code `INQ-XXXXXX` (6 characters of an
// alphabet without look-alikes) is independent of the id and reserved as the unique key
// `tracking:<code>`. Events (docs/events.md):
//
//   support.inquiry.created              {supportInquiryId, trackingCode, subject, category,
//                                         customerId, guestName, guestEmail, guestPhone,
//                                         tokenHash, tokenExpiresAt}
//   support.inquiry_message.created      {supportInquiryId, messageId, senderType, senderId,
//                                         message}
//   support.inquiry.status_changed       {supportInquiryId, from, to, reason}
//   support.inquiry.assigned             {supportInquiryId, assignedAdminId, previousAdminId}
//   support.inquiry.contact_identified   {supportInquiryId, guestName, guestEmail, guestPhone}
//   support.inquiry.email_verification_requested
//                                        {supportInquiryId, email, codeHash, codeSalt,
//                                         expiresAt}
//   support.inquiry.email_verification_failed {supportInquiryId, attempts}
//   support.inquiry.email_verified       {supportInquiryId, email, customerId}
//   support.inquiry.linked               {supportInquiryId, supportRequestId, created, from}
//   support.inquiry.token_revoked        {supportInquiryId, reason}
//
// Secrets never enter these events: the guest token and the one-time code appear only
// as SHA-256 hashes (core/auth/guest_token.h, core/auth/otp.h).
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
// resolved inquiries without activity since a cutoff to closed. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/command_meta.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kSupportInquirySequence = "support_inquiry";
inline constexpr std::string_view kSupportInquiryMessageSequence = "support_inquiry_message";

inline constexpr std::string_view kInquiryCreated = "support.inquiry.created";
inline constexpr std::string_view kInquiryMessageCreated = "support.inquiry_message.created";
inline constexpr std::string_view kInquiryStatusChanged = "support.inquiry.status_changed";
inline constexpr std::string_view kInquiryAssigned = "support.inquiry.assigned";
inline constexpr std::string_view kInquiryContactIdentified = "support.inquiry.contact_identified";
inline constexpr std::string_view kInquiryVerificationRequested =
    "support.inquiry.email_verification_requested";
inline constexpr std::string_view kInquiryVerificationFailed =
    "support.inquiry.email_verification_failed";
inline constexpr std::string_view kInquiryEmailVerified = "support.inquiry.email_verified";
inline constexpr std::string_view kInquiryLinkedToRequest = "support.inquiry.linked";
inline constexpr std::string_view kInquiryTokenRevoked = "support.inquiry.token_revoked";

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
  std::optional<std::int64_t> assignedAdminId;
  std::optional<std::int64_t> supportRequestId;
  std::optional<std::string> tokenHash;  // the guest token's SHA-256 (guests only)
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
  std::uint64_t version = 0;
};

// Folds one inquiry stream. NotFound when empty; Corruption on a foreign or malformed
// event.
Result<SupportInquiry> fold_support_inquiry(std::span<const events::EventRecord> events);
// Folds more events of the same stream onto `i`.
Status apply_support_inquiry_events(SupportInquiry& i, std::span<const events::EventRecord> events);
Result<SupportInquiry> load_support_inquiry(const events::StagedView& view, std::int64_t id);

struct CreateSupportInquiry {
  std::string subject;
  std::optional<std::string> category;
  std::optional<std::string> message;  // the visitor's first message
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;  // REQUIRES: normalized when set
  std::optional<std::string> guestPhone;
  std::optional<std::int64_t> customerId;  // a signed-in customer: no guest token
  std::optional<std::string> tokenHash;    // a guest: guest_token_hash(token)
  std::optional<UnixMillis> tokenExpiresAt;
  std::string greeting;  // the system greeting message
  // Tracking codes to try in order (random; the first free one is taken). Conflict
  // when every one is taken.
  std::vector<std::string> trackingCandidates;
};

struct PostInquiryMessage {
  std::int64_t inquiryId = 0;
  std::string senderType;  // "visitor", "customer", "admin" or "system"
  std::optional<std::int64_t> senderId;
  std::string message;
};

struct SetInquiryStatus {
  std::int64_t inquiryId = 0;
  std::string status;
};

struct AssignInquiry {
  std::int64_t inquiryId = 0;
  std::optional<std::int64_t> assignedAdminId;  // none: unassign; else an active staff id
};

// Contact data only: never proves identity. Each field replaces the stored one when
// set; a new e-mail drops a verification of the old one.
struct IdentifyInquiryContact {
  std::int64_t inquiryId = 0;
  std::optional<std::string> name;
  std::optional<std::string> email;  // REQUIRES: normalized when set
  std::optional<std::string> phone;
};

struct RequestInquiryVerification {
  std::int64_t inquiryId = 0;
  std::string email;     // normalized
  std::string codeHash;  // otp_hash(code, codeSalt)
  std::string codeSalt;
  UnixMillis expiresAt = 0;
};

struct ConfirmInquiryVerification {
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
  std::int64_t inquiryId = 0;
  std::optional<std::int64_t> supportRequestId;  // none: create a new request
  std::string category;  // of a created request (a configured support request category)
  std::string priority;  // of a created request (the category's priority)
};

// Revokes the guest token (reason "admin" or "closed"); nothing to append
// (FailedPrecondition "no token") when there is no token or it is already revoked.
struct RevokeInquiryToken {
  std::int64_t inquiryId = 0;
  std::string reason = "admin";
};

struct CloseInactiveInquiry {
  std::int64_t inquiryId = 0;
  UnixMillis cutoff = 0;  // no activity since: closed
};

// Errors a decision may return besides storage failures:
//   NotFound             no such inquiry
//   FailedPrecondition   "closed": the inquiry takes no messages (closed or spam)
//   InvalidArgument      a refused status change, an unknown staff member, a bad code
//   Conflict             every tracking candidate was taken
// Linking adds:
//   FailedPrecondition   kCustomerRequiredMessage: no supportRequestId and no customer
//   InvalidArgument      kLinkInvalidMessage: the target request does not exist, belongs
//                        to another customer, the inquiry has no customer, or the
//                        inquiry is already linked
// Closing or marking spam (staff or inactive close) also revokes a live guest token in
// the same append (support.inquiry.token_revoked, reason "closed").
inline constexpr std::string_view kInquiryClosedMessage = "closed";
inline constexpr std::string_view kCustomerRequiredMessage = "customer required";
inline constexpr std::string_view kLinkInvalidMessage = "link target invalid";
Result<events::AppendRequest> decide_create_inquiry(const events::StagedView& view,
                                                    const CreateSupportInquiry& command,
                                                    const CommandMeta& meta);
Result<events::AppendRequest> decide_post_inquiry_message(const events::StagedView& view,
                                                          const PostInquiryMessage& command,
                                                          const CommandMeta& meta);
Result<events::AppendRequest> decide_set_inquiry_status(const events::StagedView& view,
                                                        const SetInquiryStatus& command,
                                                        const CommandMeta& meta);
Result<events::AppendRequest> decide_assign_inquiry(const events::StagedView& view,
                                                    const AssignInquiry& command,
                                                    const CommandMeta& meta);
Result<events::AppendRequest> decide_identify_inquiry_contact(const events::StagedView& view,
                                                              const IdentifyInquiryContact& command,
                                                              const CommandMeta& meta);
Result<events::AppendRequest> decide_request_inquiry_verification(
    const events::StagedView& view, const RequestInquiryVerification& command,
    const CommandMeta& meta);
// A right code verifies the e-mail, links the customer owning it if there is one (the
// answer does not say which) and sets `verified`; a wrong one appends the counted
// attempt and leaves `verified` false; an expired, used-up or missing code is
// InvalidArgument without an event.
Result<events::AppendRequest> decide_confirm_inquiry_verification(
    const events::StagedView& view, const ConfirmInquiryVerification& command,
    const CommandMeta& meta, bool& verified);
Result<events::AppendRequest> decide_link_inquiry(const events::StagedView& view,
                                                  const LinkInquiryToSupportRequest& command,
                                                  const CommandMeta& meta);
Result<events::AppendRequest> decide_revoke_inquiry_token(const events::StagedView& view,
                                                          const RevokeInquiryToken& command,
                                                          const CommandMeta& meta);
// Nothing to append (FailedPrecondition "active") when the inquiry moved since the
// cutoff or is not in open, active, waiting or resolved.
Result<events::AppendRequest> decide_close_inactive_inquiry(const events::StagedView& view,
                                                            const CloseInactiveInquiry& command,
                                                            const CommandMeta& meta);

}  // namespace docket::domain
