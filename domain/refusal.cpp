#include "domain/refusal.h"

#include <array>
#include <cassert>

#include "core/error_codes.h"

namespace docket::domain {
namespace {

struct Row {
  Refusal refusal;
  RefusalInfo info;
};

// The one table from refusal to answer. Ordered as the enum (checked below).
constexpr std::array kTable = {
    Row{Refusal::kNotAuthenticated,
        {401, error_code::kUnauthorized, "Authentication required", {}, "NotAuthenticated"}},
    Row{Refusal::kPermissionMissing,
        {403, error_code::kForbidden, "Access denied", {}, "PermissionMissing"}},
    Row{Refusal::kEmailTaken,
        {409,
         error_code::kEmailAlreadyRegistered,
         "An account with this e-mail already exists",
         {},
         "EmailTaken"}},
    Row{Refusal::kAccountNotFound,
        {404, error_code::kNotFound, "Account not found", {}, "AccountNotFound"}},
    Row{Refusal::kStaffNotFound,
        {404, error_code::kStaffNotFound, "Staff member not found", {}, "StaffNotFound"}},
    Row{Refusal::kAccountStateConflict,
        {409,
         error_code::kAccountStateConflict,
         "The account is not in a state that allows this",
         {},
         "AccountStateConflict"}},
    Row{Refusal::kStaffExists,
        {409,
         error_code::kAccountStateConflict,
         "A staff account exists already",
         {},
         "StaffExists"}},
    Row{Refusal::kAssigneeNotActiveStaff,
        {400, error_code::kValidationError, "assignedAdminId is not an active staff member",
         "assignedAdminId", "AssigneeNotActiveStaff"}},
    Row{Refusal::kSupportRequestNotFound,
        {404,
         error_code::kSupportRequestNotFound,
         "Support request not found",
         {},
         "SupportRequestNotFound"}},
    Row{Refusal::kSupportRequestClosed,
        {409,
         error_code::kSupportRequestClosed,
         "The support request is closed and accepts no replies",
         {},
         "SupportRequestClosed"}},
    Row{Refusal::kSupportRequestTransition,
        {409,
         error_code::kInvalidStatusTransition,
         "The support request cannot take this status",
         {},
         "SupportRequestTransition"}},
    Row{Refusal::kInquiryNotFound,
        {404,
         error_code::kSupportInquiryNotFound,
         "Support inquiry not found",
         {},
         "InquiryNotFound"}},
    Row{Refusal::kInquiryAccessDenied,
        {403,
         error_code::kSupportInquiryAccessDenied,
         "Log in or use the access link of this inquiry",
         {},
         "InquiryAccessDenied"}},
    Row{Refusal::kInquiryTokenInvalid,
        {403,
         error_code::kSupportInquiryTokenInvalid,
         "The inquiry access token is invalid, expired or revoked",
         {},
         "InquiryTokenInvalid"}},
    Row{Refusal::kInquiryClosed,
        {400,
         error_code::kSupportInquiryClosed,
         "The inquiry is closed and accepts no messages or changes",
         {},
         "InquiryClosed"}},
    Row{Refusal::kInquiryTransition,
        {409,
         error_code::kInvalidStatusTransition,
         "The inquiry cannot take this status",
         {},
         "InquiryTransition"}},
    Row{Refusal::kInquiryLinkInvalid,
        {400,
         error_code::kSupportInquiryLinkInvalid,
         "The support request does not exist or belongs to another customer, or the inquiry "
         "has no customer or is already linked",
         {},
         "InquiryLinkInvalid"}},
    Row{Refusal::kInquiryCustomerRequired,
        {400,
         error_code::kSupportInquirySupportRequestRequired,
         "Creating a support request needs a verified customer on the inquiry",
         {},
         "InquiryCustomerRequired"}},
    Row{Refusal::kInquiryVerificationInvalid,
        {400,
         error_code::kSupportInquiryEmailVerificationInvalid,
         "The code is wrong or expired; request a new code",
         {},
         "InquiryVerificationInvalid"}},
    Row{Refusal::kInquiryNoLiveToken,
        {409,
         error_code::kConflict,
         "The inquiry has no live guest token",
         {},
         "InquiryNoLiveToken"}},
    Row{Refusal::kInquiryStillActive,
        {409,
         error_code::kConflict,
         "The inquiry had activity since the cutoff",
         {},
         "InquiryStillActive"}},
    Row{Refusal::kTrackingCodesTaken,
        {503,
         error_code::kServiceUnavailable,
         "No free tracking code; try again",
         {},
         "TrackingCodesTaken"}},
    Row{Refusal::kFeedbackNotFound,
        {404, error_code::kFeedbackNotFound, "Feedback not found", {}, "FeedbackNotFound"}},
    Row{Refusal::kFeedbackAlreadyReviewed,
        {409,
         error_code::kFeedbackAlreadyReviewed,
         "This feedback has already been reviewed",
         {},
         "FeedbackAlreadyReviewed"}},
    Row{Refusal::kAgentNotFound,
        {404, error_code::kAgentNotFound, "Agent not found", {}, "AgentNotFound"}},
    Row{Refusal::kAgentStatusUnchanged,
        {409, error_code::kConflict, "Nothing would change", {}, "AgentStatusUnchanged"}},
    Row{Refusal::kAgentProfileInvalid,
        {400, error_code::kValidationError, "shift is not valid", "shift", "AgentProfileInvalid"}},
    Row{Refusal::kAgentAtCapacity,
        {409,
         error_code::kAgentAtCapacity,
         "The agent has as many open items as their capacity allows",
         {},
         "AgentAtCapacity"}},
    Row{Refusal::kAgentNotEligible,
        {409,
         error_code::kAgentNotEligible,
         "The agent is not eligible for this item",
         {},
         "AgentNotEligible"}},
    Row{Refusal::kQueueItemTaken,
        {409,
         error_code::kQueueItemTaken,
         "The item is no longer waiting in the queue",
         {},
         "QueueItemTaken"}},
    Row{Refusal::kQueueEmpty,
        {409,
         error_code::kQueueEmpty,
         "No queued item the agent is eligible for",
         {},
         "QueueEmpty"}},
    Row{Refusal::kSlaCalendarNotFound,
        {404,
         error_code::kSlaCalendarNotFound,
         "SLA calendar not found",
         {},
         "SlaCalendarNotFound"}},
    Row{Refusal::kSlaPolicyNotFound,
        {404, error_code::kSlaPolicyNotFound, "SLA policy not found", {}, "SlaPolicyNotFound"}},
    Row{Refusal::kSlaConfigInvalid,
        {400,
         error_code::kValidationError,
         "The SLA configuration is not valid",
         {},
         "SlaConfigInvalid"}},
    Row{Refusal::kSlaCalendarInUse,
        {409,
         error_code::kSlaCalendarInUse,
         "A policy uses this calendar",
         {},
         "SlaCalendarInUse"}},
    Row{Refusal::kSlaUnchanged,
        {409, error_code::kConflict, "Nothing would change", {}, "SlaUnchanged"}},
    Row{Refusal::kSlaNotDue,
        {409, error_code::kConflict, "The SLA target is not due", {}, "SlaNotDue"}},
    Row{Refusal::kJourneyNotFound,
        {404, error_code::kJourneyNotFound, "Journey not found", {}, "JourneyNotFound"}},
    Row{Refusal::kJourneyVersionNotFound,
        {404,
         error_code::kJourneyVersionNotFound,
         "Journey version not found",
         {},
         "JourneyVersionNotFound"}},
    Row{Refusal::kJourneyInvalid,
        {400, error_code::kJourneyInvalid, "The journey is not valid", {}, "JourneyInvalid"}},
    Row{Refusal::kJourneyArchived,
        {409,
         error_code::kJourneyArchived,
         "The journey is archived",
         {},
         "JourneyArchived"}},
    Row{Refusal::kJourneyUnchanged,
        {409, error_code::kConflict, "Nothing would change", {}, "JourneyUnchanged"}},
};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].refusal) != i + 1) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "one row per Refusal, in enum order");

}  // namespace

const RefusalInfo& describe(Refusal refusal) {
  const auto index = static_cast<std::size_t>(refusal) - 1;
  assert(index < kTable.size());
  return kTable[index].info;
}

Status refuse(Refusal refusal, std::string_view message) {
  return Status::Refused(static_cast<std::uint16_t>(refusal),
                         message.empty() ? describe(refusal).message : message);
}

std::optional<Refusal> refusal_of(const Status& status) {
  if (!status.IsRefused() || status.reason() == 0 || status.reason() > kTable.size()) {
    return std::nullopt;
  }
  return static_cast<Refusal>(status.reason());
}

}  // namespace docket::domain
