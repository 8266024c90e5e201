// Who may take part in a conversation: the rules the REST routes and the realtime
// rooms share (seed 000 §8.2, §10). A participant reads the thread and, while it is
// open, writes to it.
//
//   * a guest takes part in the inquiry its token grants, and in nothing else;
//   * a customer takes part in their own inquiries (also one linked to them by a
//     verified e-mail) and their own support requests. Another customer's request
//     answers as a missing one (kSupportRequestNotFound), so ids say nothing;
//     another's inquiry is kInquiryAccessDenied, as the seed's error table says.
// Staff are not participants: the caller lets them in by permission (or, on the
// guest-facing routes, not at all), and refuses an anonymous caller itself. Pure.
#pragma once

#include <cstdint>
#include <optional>

#include "core/auth/identity.h"
#include "domain/refusal.h"

namespace docket::domain {

// Whether `who` (a guest or a customer) takes part in inquiry `inquiry_id`, whose
// customer is `owner` (none: a guest's inquiry). REQUIRES for a guest: `who.inquiryId`
// is what its token grants now.
std::optional<Refusal> inquiry_participant_refusal(const auth::Identity& who,
                                                   std::int64_t inquiry_id,
                                                   std::optional<std::int64_t> owner);

// Whether `who` (a guest or a customer) takes part in a support request of customer
// `owner`.
std::optional<Refusal> request_participant_refusal(const auth::Identity& who, std::int64_t owner);

}  // namespace docket::domain
