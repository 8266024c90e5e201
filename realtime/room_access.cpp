#include "realtime/room_access.h"

#include <string>
#include <string_view>

#include "core/auth/guest_token.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/refusal.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_request_query.h"

namespace docket::realtime {
namespace {

using domain::Refusal;
using domain::refuse;

Status authorize_request(projections::ReaderPool& readers, const auth::Identity& who,
                         const RoomRef& room) {
  if (who.is_staff()) {
    return who.has(auth::Permission::kSupportRequestsRead) ? Status::Ok()
                                                           : refuse(Refusal::kPermissionMissing);
  }
  if (!who.is_customer()) {
    if (auto refusal = domain::request_participant_refusal(who, 0)) return refuse(*refusal);
  }
  auto lease = readers.lease();
  if (!lease.ok()) return lease.status();
  // Another customer's request answers as a missing one, as over REST.
  auto owner = projections::SupportRequestQuery(lease->db()).customer_of(room.id);
  if (!owner.ok()) {
    return owner.status().IsNotFound() ? refuse(Refusal::kSupportRequestNotFound) : owner.status();
  }
  if (auto refusal = domain::request_participant_refusal(who, *owner)) return refuse(*refusal);
  return Status::Ok();
}

Status authorize_inquiry(projections::ReaderPool& readers, const Clock& clock,
                         const auth::Identity& who, std::string_view guest_token,
                         const RoomRef& room) {
  if (who.is_staff()) {
    return who.has(auth::Permission::kSupportInquiriesRead) ? Status::Ok()
                                                            : refuse(Refusal::kPermissionMissing);
  }
  auto lease = readers.lease();
  if (!lease.ok()) return lease.status();
  projections::SupportInquiryQuery inquiries(lease->db());
  if (who.is_guest()) {
    // The token again: a revoked or expired one stops working at the next join or sync.
    if (!auth::looks_like_guest_token(guest_token)) return refuse(Refusal::kInquiryTokenInvalid);
    auto granted = inquiries.token_inquiry(auth::guest_token_hash(guest_token), clock.now_ms());
    if (!granted.ok()) return granted.status();
    if (!*granted) return refuse(Refusal::kInquiryTokenInvalid);
    const auto refusal =
        domain::inquiry_participant_refusal(auth::Identity::guest(**granted), room.id, {});
    return refusal ? refuse(*refusal) : Status::Ok();
  }
  auto owner = inquiries.customer_of(room.id);
  if (!owner.ok()) {
    return owner.status().IsNotFound() ? refuse(Refusal::kInquiryNotFound) : owner.status();
  }
  const auto refusal = domain::inquiry_participant_refusal(who, room.id, *owner);
  return refusal ? refuse(*refusal) : Status::Ok();
}

}  // namespace

RoomAuthorizer make_room_authorizer(projections::ReaderPool& readers, const Clock& clock) {
  return [&readers, &clock](const auth::Identity& who, std::string_view guest_token,
                            const RoomRef& room) -> Status {
    if (who.is_anonymous()) return refuse(Refusal::kNotAuthenticated);
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
