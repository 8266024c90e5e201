#include "realtime/room_access.h"

#include <string>
#include <string_view>

#include "core/api_error.h"
#include "core/auth/guest_token.h"
#include "core/log.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_request_query.h"

namespace docket::realtime {
namespace {

namespace error_code = error_code;

// The errorCode of a read-model failure (logged).
std::string storage_failure(const Status& status, const RoomRef& room) {
  log_error("realtime.authorize_failed", [&](JsonWriter& w) {
    w.field("room", room_name(room)).field("error", status.ToString());
  });
  return std::string(status.IsUnavailable() ? error_code::kServiceUnavailable
                                            : error_code::kInternalError);
}

std::string authorize_request(projections::ReaderPool& readers, const auth::Identity& who,
                              const RoomRef& room) {
  if (who.is_staff()) {
    return who.has(auth::Permission::kSupportRequestsRead) ? std::string()
                                                           : std::string(error_code::kForbidden);
  }
  if (who.is_guest()) return std::string(error_code::kForbidden);
  if (!who.is_customer()) return std::string(error_code::kUnauthorized);
  auto lease = readers.lease();
  if (!lease.ok()) return storage_failure(lease.status(), room);
  // Another customer's request answers as a missing one, as over REST.
  auto owner = projections::SupportRequestQuery(lease->db()).customer_of(room.id);
  if (owner.ok()) {
    return *owner == who.accountId ? std::string()
                                   : std::string(error_code::kSupportRequestNotFound);
  }
  if (owner.status().IsNotFound()) return std::string(error_code::kSupportRequestNotFound);
  return storage_failure(owner.status(), room);
}

std::string authorize_inquiry(projections::ReaderPool& readers, const Clock& clock,
                              const auth::Identity& who, std::string_view guest_token,
                              const RoomRef& room) {
  if (who.is_staff()) {
    return who.has(auth::Permission::kSupportInquiriesRead) ? std::string()
                                                            : std::string(error_code::kForbidden);
  }
  if (who.is_guest()) {
    if (!auth::looks_like_guest_token(guest_token)) {
      return std::string(error_code::kSupportInquiryTokenInvalid);
    }
    auto lease = readers.lease();
    if (!lease.ok()) return storage_failure(lease.status(), room);
    auto granted = projections::SupportInquiryQuery(lease->db())
                       .token_inquiry(auth::guest_token_hash(guest_token), clock.now_ms());
    if (!granted.ok()) return storage_failure(granted.status(), room);
    if (!*granted) return std::string(error_code::kSupportInquiryTokenInvalid);
    if (**granted != room.id) return std::string(error_code::kSupportInquiryAccessDenied);
    return {};
  }
  if (!who.is_customer()) return std::string(error_code::kUnauthorized);
  auto lease = readers.lease();
  if (!lease.ok()) return storage_failure(lease.status(), room);
  auto owner = projections::SupportInquiryQuery(lease->db()).customer_of(room.id);
  if (!owner.ok()) {
    if (owner.status().IsNotFound()) return std::string(error_code::kSupportInquiryNotFound);
    return storage_failure(owner.status(), room);
  }
  if (*owner != who.accountId) return std::string(error_code::kSupportInquiryAccessDenied);
  return {};
}

}  // namespace

RoomAuthorizer make_room_authorizer(projections::ReaderPool& readers, const Clock& clock) {
  return [&readers, &clock](const auth::Identity& who, std::string_view guest_token,
                            const RoomRef& room) -> std::string {
    if (who.is_anonymous()) return std::string(error_code::kUnauthorized);
    return room.kind == RoomKind::kRequest
               ? authorize_request(readers, who, room)
               : authorize_inquiry(readers, clock, who, guest_token, room);
  };
}

TrackingCodeLookup make_tracking_code_lookup(projections::ReaderPool& readers) {
  return [&readers](std::int64_t inquiry_id) -> std::optional<std::string> {
    auto lease = readers.lease();
    if (!lease.ok()) {
      log_error("realtime.tracking_code_failed",
                [&](JsonWriter& w) { w.field("error", lease.status().ToString()); });
      return std::nullopt;
    }
    auto row = projections::SupportInquiryQuery(lease->db()).find(inquiry_id);
    if (!row.ok()) {
      if (!row.status().IsNotFound()) {
        log_error("realtime.tracking_code_failed",
                  [&](JsonWriter& w) { w.field("error", row.status().ToString()); });
      }
      return std::nullopt;
    }
    return row->trackingCode;
  };
}

}  // namespace docket::realtime
