// Authorization of requests: the guard middleware, which lets a request through when
// its route's RouteMeta::access allows who is calling (projections/authenticator.h
// says who that is).
//
// Route access (router.h Access):
//   kPublic         credentials are not read
//   kOptional       none -> anonymous; customer, staff or guest -> that identity;
//                   a present but invalid credential -> 401 (never a downgrade, never
//                   an admin identity)
//   kCustomer       401 without a valid credential, 403 for a non-customer
//   kAuthenticated  401 unless a valid customer or staff JWT
//   kStaff          401 without a valid credential, 403 for a non-staff identity or
//                   without RouteMeta::permission (details name the permission)
// On success ctx.identity, ctx.actor and (for a JWT) ctx.account are set.
//
// Thread-safe after construction.
#pragma once

#include "http/service.h"
#include "projections/authenticator.h"

namespace docket::http {

// The guard middleware. REQUIRES: `authenticator` outlives the service.
Middleware make_auth_guard(const projections::Authenticator& authenticator);

}  // namespace docket::http
