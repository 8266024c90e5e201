// JSON views of accounts in API responses.
#pragma once

#include "core/json_writer.h"
#include "projections/account_query.h"

namespace docket::http {

// {id, email, name, role}: the account summary login and registration return.
void write_account_summary(JsonWriter& w, const projections::AccountRow& account);
// {id, email, name, role, phone, permissions, active, createdAt, updatedAt}: /me.
void write_account(JsonWriter& w, const projections::AccountRow& account);
// {id, email, name, role, permissions, active, createdAt, updatedAt, deactivatedAt,
//  createdByAdminId}: the staff management views.
void write_staff(JsonWriter& w, const projections::AccountRow& account);

}  // namespace docket::http
