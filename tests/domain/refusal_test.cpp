// Refusals (domain/refusal.h): carried by a Status, read back as a code, answered
// through one table.
#include "domain/refusal.h"

#include <doctest/doctest.h>

#include <set>

namespace docket::domain {

TEST_SUITE("domain") {
  TEST_CASE("a refusal travels in a Status and comes back as its code") {
    const Status s = refuse(Refusal::kInquiryClosed);
    CHECK(s.IsRefused());
    CHECK(refusal_of(s) == Refusal::kInquiryClosed);
    CHECK(s.message() == describe(Refusal::kInquiryClosed).message);
    const Status custom =
        refuse(Refusal::kInquiryTransition, "A closed inquiry cannot become open");
    CHECK(custom.message() == "A closed inquiry cannot become open");
    CHECK(refusal_of(custom) == Refusal::kInquiryTransition);
    // Nothing else is a refusal.
    CHECK_FALSE(refusal_of(Status::Ok()).has_value());
    CHECK_FALSE(refusal_of(Status::NotFound("x")).has_value());
    CHECK_FALSE(refusal_of(Status::FailedPrecondition("closed")).has_value());
    CHECK_FALSE(refusal_of(Status::Refused(9999, "unknown reason")).has_value());
  }

  TEST_CASE("every refusal has an answer: a status, a stable code, a message") {
    std::set<std::string_view> names;
    for (std::uint16_t r = 1; r <= static_cast<std::uint16_t>(Refusal::kFeedbackAlreadyReviewed);
         ++r) {
      const RefusalInfo& info = describe(static_cast<Refusal>(r));
      CAPTURE(info.name);
      CHECK(info.status >= 400);
      CHECK(info.status <= 599);
      CHECK_FALSE(info.errorCode.empty());
      CHECK_FALSE(info.message.empty());
      CHECK(names.insert(info.name).second);
      // A refusal about one request field is a validation error naming it.
      CHECK((info.errorCode == "VALIDATION_ERROR") == !info.field.empty());
    }
    CHECK(describe(Refusal::kInquiryNotFound).errorCode == "SUPPORT_INQUIRY_NOT_FOUND");
    CHECK(describe(Refusal::kInquiryClosed).status == 400);
    CHECK(describe(Refusal::kSupportRequestClosed).status == 409);
    CHECK(describe(Refusal::kAssigneeNotActiveStaff).field == "assignedAdminId");
  }
}

}  // namespace docket::domain
