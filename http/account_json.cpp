#include "http/account_json.h"

namespace docket::http {

void write_account_summary(JsonWriter& w, const projections::AccountRow& a) {
  w.begin_object().field("id", a.id).field("email", a.email).field("name", a.name);
  w.field("role", a.role).end_object();
}

void write_account(JsonWriter& w, const projections::AccountRow& a) {
  w.begin_object().field("id", a.id).field("email", a.email).field("name", a.name);
  w.field("role", a.role).field("phone", a.phone);
  w.field_raw("permissions", a.permissions.to_json());
  w.field("active", a.active).field("createdAt", a.createdAt).field("updatedAt", a.updatedAt);
  w.end_object();
}

void write_staff(JsonWriter& w, const projections::AccountRow& a) {
  w.begin_object().field("id", a.id).field("email", a.email).field("name", a.name);
  w.field("role", a.role).field_raw("permissions", a.permissions.to_json());
  w.field("active", a.active).field("createdAt", a.createdAt).field("updatedAt", a.updatedAt);
  w.field("deactivatedAt", a.deactivatedAt).field("createdByAdminId", a.createdBy);
  w.end_object();
}

}  // namespace docket::http
