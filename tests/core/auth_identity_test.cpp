// Identity: the request identity the auth guards produce.
#include <doctest/doctest.h>

#include "core/auth/identity.h"

using docket::auth::Identity;
using docket::auth::Permission;
using docket::auth::PermissionSet;

TEST_SUITE("core") {
  TEST_CASE("each identity kind answers only its own question") {
    const Identity anonymous = Identity::anonymous();
    const Identity customer = Identity::customer(7);
    const Identity staff = Identity::staff(3, "agent", PermissionSet{Permission::kFeedbackRead});
    const Identity guest = Identity::guest(42);
    CHECK(anonymous.is_anonymous());
    CHECK(customer.is_customer());
    CHECK(customer.accountId == 7);
    CHECK(customer.role == "customer");
    CHECK(staff.is_staff());
    CHECK(staff.role == "agent");
    CHECK(guest.is_guest());
    CHECK(guest.inquiryId == 42);
    CHECK(guest.accountId == 0);
    CHECK_FALSE(customer.is_staff());
    CHECK_FALSE(guest.is_staff());
    CHECK_FALSE(anonymous.is_staff());
  }

  TEST_CASE("only staff identities hold permissions") {
    const Identity staff = Identity::staff(3, "agent", PermissionSet{Permission::kFeedbackRead});
    CHECK(staff.has(Permission::kFeedbackRead));
    CHECK_FALSE(staff.has(Permission::kFeedbackUpdate));
    Identity customer = Identity::customer(7);
    customer.permissions = PermissionSet::all();  // even if a caller fills it by mistake
    CHECK_FALSE(customer.has(Permission::kFeedbackRead));
    CHECK_FALSE(Identity::guest(1).has(Permission::kSupportInquiriesRead));
  }
}
