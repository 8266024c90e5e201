#include "http/account_shapes.h"

namespace docket::http {
namespace {

using projections::AccountRow;

constexpr std::string_view kPermissionsSchema =
    R"({"type":"array","items":{"type":"string"},"description":"Catalogue names, in catalogue order"})";

void write_permissions(JsonWriter& w, const AccountRow& a) {
  w.raw(a.permissions.to_json());
}

Shape<AccountRow> identity() {
  Shape<AccountRow> s;
  s.field("id", &AccountRow::id)
      .field("email", &AccountRow::email, {.format = "email"})
      .field("name", &AccountRow::name);
  return s;
}

}  // namespace

const Shape<AccountRow>& account_summary_shape() {
  static const Shape<AccountRow> shape = [] {
    Shape<AccountRow> s = identity();
    s.field("role", &AccountRow::role, {.values = {"customer", "agent", "admin"}});
    return s;
  }();
  return shape;
}

const Shape<AccountRow>& account_shape() {
  static const Shape<AccountRow> shape = [] {
    Shape<AccountRow> s = account_summary_shape();
    s.field("phone", &AccountRow::phone)
        .computed("permissions", std::string(kPermissionsSchema), write_permissions)
        .field("active", &AccountRow::active)
        .field("createdAt", &AccountRow::createdAt, {.format = "date-time"})
        .field("updatedAt", &AccountRow::updatedAt, {.format = "date-time"});
    return s;
  }();
  return shape;
}

const Shape<AccountRow>& staff_shape() {
  static const Shape<AccountRow> shape = [] {
    Shape<AccountRow> s = identity();
    s.field("role", &AccountRow::role, {.values = {"agent", "admin"}})
        .computed("permissions", std::string(kPermissionsSchema), write_permissions)
        .field("active", &AccountRow::active)
        .field("createdAt", &AccountRow::createdAt, {.format = "date-time"})
        .field("updatedAt", &AccountRow::updatedAt, {.format = "date-time"})
        .field("deactivatedAt", &AccountRow::deactivatedAt, {.format = "date-time"})
        .field("createdByAdminId", &AccountRow::createdBy);
    return s;
  }();
  return shape;
}

}  // namespace docket::http
