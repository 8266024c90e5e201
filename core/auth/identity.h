// Identity: who is making a request, as the HTTP and realtime auth guards establish it.
//
// A value type; copy it freely across threads. Exactly one kind applies:
//   kAnonymous  no or unusable credentials
//   kCustomer   a customer JWT; accountId set
//   kStaff      a staff JWT (agent, admin, ...); accountId, role and permissions set
//   kGuest      a guest inquiry token ("Bearer si_..."); inquiryId set — it grants that
//               one inquiry and nothing else
// An invalid customer token never yields a staff identity (the guards fall back to
// kAnonymous).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/auth/permissions.h"

namespace docket::auth {

struct Identity {
  enum Kind { kAnonymous, kCustomer, kStaff, kGuest };

  Kind kind = kAnonymous;
  std::int64_t accountId = 0;  // kCustomer, kStaff
  std::string role;            // kCustomer: "customer"; kStaff: "agent", "admin", ...
  PermissionSet permissions;   // kStaff only; empty for every other kind
  std::int64_t inquiryId = 0;  // kGuest

  static Identity anonymous() { return Identity{}; }
  static Identity customer(std::int64_t account_id) {
    return Identity{kCustomer, account_id, "customer", {}, 0};
  }
  static Identity staff(std::int64_t account_id, std::string role, PermissionSet permissions) {
    return Identity{kStaff, account_id, std::move(role), permissions, 0};
  }
  static Identity guest(std::int64_t inquiry_id) {
    return Identity{kGuest, 0, std::string(), {}, inquiry_id};
  }

  bool is_anonymous() const { return kind == kAnonymous; }
  bool is_customer() const { return kind == kCustomer; }
  bool is_staff() const { return kind == kStaff; }
  bool is_guest() const { return kind == kGuest; }
  // True only for staff holding `p`.
  bool has(Permission p) const { return kind == kStaff && permissions.has(p); }
};

}  // namespace docket::auth
