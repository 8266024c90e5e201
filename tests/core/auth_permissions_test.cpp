// The permission catalogue, PermissionSet and role presets.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/auth/permissions.h"

namespace {

using docket::auth::Permission;
using docket::auth::PermissionSet;

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("the catalogue holds the seed's permission names in order") {
    const std::vector<std::string_view> expected = {"SupportInquiries_READ",
                                                    "SupportInquiries_UPDATE",
                                                    "SupportRequests_READ",
                                                    "SupportRequests_UPDATE",
                                                    "Feedback_READ",
                                                    "Feedback_UPDATE",
                                                    "Audit_READ",
                                                    "Staff_MANAGE",
                                                    "Operations_MANAGE",
                                                    "Agents_MANAGE",
                                                    "Analytics_READ",
                                                    "Data_EXPORT"};
    const auto catalogue = docket::auth::permission_catalogue();
    REQUIRE(catalogue.size() == expected.size());
    REQUIRE(docket::auth::kPermissionCount == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(expected[i]);
      CHECK(catalogue[i].name == expected[i]);
      CHECK(docket::auth::permission_name(catalogue[i].permission) == expected[i]);
      CHECK(docket::auth::parse_permission(expected[i]) == catalogue[i].permission);
      const std::string_view description =
          docket::auth::permission_description(catalogue[i].permission);
      CHECK_FALSE(description.empty());
      CHECK(description.find('\n') == std::string_view::npos);
    }
  }

  TEST_CASE("parse_permission matches names exactly") {
    CHECK_FALSE(docket::auth::parse_permission("supportinquiries_read").has_value());
    CHECK_FALSE(docket::auth::parse_permission("SupportInquiries_READ ").has_value());
    CHECK_FALSE(docket::auth::parse_permission("").has_value());
  }

  TEST_CASE("PermissionSet is a set of permissions") {
    PermissionSet s{Permission::kFeedbackRead, Permission::kAuditRead};
    CHECK(s.size() == 2);
    CHECK(s.has(Permission::kFeedbackRead));
    CHECK_FALSE(s.has(Permission::kFeedbackUpdate));
    s.add(Permission::kFeedbackUpdate);
    s.remove(Permission::kAuditRead);
    CHECK(s == PermissionSet{Permission::kFeedbackRead, Permission::kFeedbackUpdate});
    CHECK(PermissionSet::all().contains(s));
    CHECK_FALSE(s.contains(PermissionSet::all()));
    CHECK(PermissionSet::all().size() == docket::auth::kPermissionCount);
    CHECK((s | PermissionSet{Permission::kStaffManage}).size() == 3);
    CHECK((s & PermissionSet{Permission::kFeedbackRead}) ==
          PermissionSet{Permission::kFeedbackRead});
    CHECK(PermissionSet().empty());
  }

  TEST_CASE("PermissionSet writes its names in catalogue order") {
    const PermissionSet s{Permission::kStaffManage, Permission::kSupportInquiriesRead};
    CHECK(s.names() == std::vector<std::string_view>{"SupportInquiries_READ", "Staff_MANAGE"});
    CHECK(s.to_json() == R"(["SupportInquiries_READ","Staff_MANAGE"])");
    CHECK(PermissionSet().to_json() == "[]");
  }

  TEST_CASE("PermissionSet::from_json reads a JSON array of names") {
    SUBCASE("names, repeats allowed") {
      auto s = PermissionSet::from_json(R"(["Feedback_READ","Audit_READ","Feedback_READ"])");
      REQUIRE(s.ok());
      CHECK(*s == PermissionSet{Permission::kFeedbackRead, Permission::kAuditRead});
    }
    SUBCASE("empty array") {
      auto s = PermissionSet::from_json("[]");
      REQUIRE(s.ok());
      CHECK(s->empty());
    }
    SUBCASE("round trip of every permission") {
      auto s = PermissionSet::from_json(PermissionSet::all().to_json());
      REQUIRE(s.ok());
      CHECK(*s == PermissionSet::all());
    }
  }

  TEST_CASE("PermissionSet::from_json reports unknown names") {
    std::vector<std::string> unknown;
    auto s =
        PermissionSet::from_json(R"(["Feedback_READ","Tickets_READ","feedback_update"])", &unknown);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().IsInvalidArgument());
    CHECK(unknown == std::vector<std::string>{"Tickets_READ", "feedback_update"});
    CHECK(s.status().message().find("Tickets_READ") != std::string::npos);
    CHECK(s.status().message().find("feedback_update") != std::string::npos);
  }

  TEST_CASE("PermissionSet::from_json refuses anything but an array of strings") {
    for (std::string_view json : {R"("Feedback_READ")", R"({"Feedback_READ":true})",
                                  R"(["Feedback_READ",1])", R"(["Feedback_READ")", ""}) {
      CAPTURE(json);
      std::vector<std::string> unknown;
      auto s = PermissionSet::from_json(json, &unknown);
      CHECK(s.status().IsInvalidArgument());
      CHECK(unknown.empty());
    }
  }

  TEST_CASE("role presets: admin has every permission, agent the support ones") {
    CHECK(docket::auth::role_preset("admin") == PermissionSet::all());
    CHECK(docket::auth::role_preset("agent") ==
          PermissionSet{Permission::kSupportInquiriesRead, Permission::kSupportInquiriesUpdate,
                        Permission::kSupportRequestsRead, Permission::kSupportRequestsUpdate,
                        Permission::kFeedbackRead});
    CHECK_FALSE(docket::auth::role_preset("customer").has_value());
    CHECK_FALSE(docket::auth::role_preset("Admin").has_value());
  }
}
