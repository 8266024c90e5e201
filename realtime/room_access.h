// Who may read a realtime room: the production RoomAuthorizer and TrackingCodeLookup
// of the Socket.IO layer (realtime/socket_server.h), against the read models.
//
// The rules (docs/realtime.md "Rooms and events"); the answer is "" (allowed) or an
// errorCode, the one the REST routes give for the same resource:
//
//   identity   request room                          inquiry room
//   anonymous  UNAUTHORIZED                          UNAUTHORIZED
//   staff      SupportRequests_READ, else FORBIDDEN  SupportInquiries_READ, else FORBIDDEN
//              (any id: no read-model lookup)        (any id)
//   customer   their own request, else               their own inquiry (customer_of),
//              SUPPORT_REQUEST_NOT_FOUND (also for   else SUPPORT_INQUIRY_ACCESS_DENIED;
//              another customer's)                   SUPPORT_INQUIRY_NOT_FOUND when none
//   guest      FORBIDDEN                             the token must still grant an
//                                                    inquiry now (not revoked, not
//                                                    expired), else
//                                                    SUPPORT_INQUIRY_TOKEN_INVALID; and it
//                                                    must be this one, else
//                                                    SUPPORT_INQUIRY_ACCESS_DENIED
//
// A read-model failure answers SERVICE_UNAVAILABLE (Unavailable) or INTERNAL_ERROR and is
// logged. Thread-safe: the functions may be called from any thread.
#pragma once

#include "core/clock.h"
#include "realtime/socket_server.h"

namespace docket::projections {
class ReaderPool;
}

namespace docket::realtime {

// REQUIRES: `readers` and `clock` outlive the returned function.
RoomAuthorizer make_room_authorizer(projections::ReaderPool& readers, const Clock& clock);

// The tracking code of an inquiry from the support_inquiries read model (nullopt when
// there is no such inquiry or the read fails, which is logged).
// REQUIRES: `readers` outlives the returned function.
TrackingCodeLookup make_tracking_code_lookup(projections::ReaderPool& readers);

}  // namespace docket::realtime
