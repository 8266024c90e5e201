#include "domain/access.h"

namespace docket::domain {

std::optional<Refusal> inquiry_participant_refusal(const auth::Identity& who,
                                                   std::int64_t inquiry_id,
                                                   std::optional<std::int64_t> owner) {
  if (who.is_guest()) {
    if (who.inquiryId == inquiry_id) return std::nullopt;
    return Refusal::kInquiryAccessDenied;
  }
  if (!who.is_customer()) return Refusal::kInquiryAccessDenied;
  if (owner != who.accountId) return Refusal::kInquiryAccessDenied;
  return std::nullopt;
}

std::optional<Refusal> request_participant_refusal(const auth::Identity& who, std::int64_t owner) {
  if (who.is_guest()) return Refusal::kPermissionMissing;
  if (!who.is_customer()) return Refusal::kPermissionMissing;
  if (owner != who.accountId) return Refusal::kSupportRequestNotFound;
  return std::nullopt;
}

}  // namespace docket::domain
