// The JSON views of accounts in API responses, declared once for writing and for the
// OpenAPI document.
#pragma once

#include "http/shape.h"
#include "projections/account_query.h"

namespace docket::http {

// {id, email, name, role}: the account summary login and registration return.
const Shape<projections::AccountRow>& account_summary_shape();
// {id, email, name, role, phone, permissions, active, createdAt, updatedAt}: /me.
const Shape<projections::AccountRow>& account_shape();
// {id, email, name, role, permissions, active, createdAt, updatedAt, deactivatedAt,
//  createdByAdminId}: the staff management views.
const Shape<projections::AccountRow>& staff_shape();

}  // namespace docket::http
