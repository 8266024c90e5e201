// The staff permission catalogue, permission sets and role presets.
//
// Names are the seed's ("SupportInquiries_READ", ...) and are stable: they are stored
// in the event log (catalogue seed, staff grants), carried in API payloads and listed
// in docs/security.md. The enum's numeric values are only used inside one process
// (bits of a PermissionSet); never persist them. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::auth {

enum class Permission : unsigned char {
  kSupportInquiriesRead,
  kSupportInquiriesUpdate,
  kSupportRequestsRead,
  kSupportRequestsUpdate,
  kFeedbackRead,
  kFeedbackUpdate,
  kAuditRead,
  kStaffManage,
  kOperationsManage,
  kAgentsManage,
  kAnalyticsRead,
  kDataExport,
};
inline constexpr std::size_t kPermissionCount = 12;

// One catalogue entry.
struct PermissionInfo {
  Permission permission;
  std::string_view name;         // "SupportInquiries_READ"
  std::string_view description;  // one line, for the catalogue event and the docs
};

// Every permission, in enum order.
std::span<const PermissionInfo> permission_catalogue();
std::string_view permission_name(Permission p);
std::string_view permission_description(Permission p);
// The permission with exactly this name (case-sensitive), if any.
std::optional<Permission> parse_permission(std::string_view name);

// A set of permissions; a value type (one 32-bit word).
class PermissionSet {
 public:
  constexpr PermissionSet() = default;
  constexpr PermissionSet(std::initializer_list<Permission> ps) {
    for (Permission p : ps)
      bits_ |= bit(p);
  }
  static constexpr PermissionSet all() {
    PermissionSet s;
    s.bits_ = (std::uint32_t{1} << kPermissionCount) - 1;
    return s;
  }

  constexpr bool has(Permission p) const { return (bits_ & bit(p)) != 0; }
  // True when every permission of `other` is in this set.
  constexpr bool contains(PermissionSet other) const {
    return (bits_ & other.bits_) == other.bits_;
  }
  constexpr bool empty() const { return bits_ == 0; }
  std::size_t size() const;
  constexpr void add(Permission p) { bits_ |= bit(p); }
  constexpr void remove(Permission p) { bits_ &= ~bit(p); }
  constexpr PermissionSet operator|(PermissionSet o) const { return from_raw(bits_ | o.bits_); }
  constexpr PermissionSet operator&(PermissionSet o) const { return from_raw(bits_ & o.bits_); }
  constexpr bool operator==(const PermissionSet&) const = default;

  // The names of the members, in catalogue order.
  std::vector<std::string_view> names() const;
  // ["SupportInquiries_READ",...] in catalogue order; "[]" when empty.
  std::string to_json() const;

  // The set named by `names`; repeats are allowed. InvalidArgument listing every name
  // that is not in the catalogue; those names are also appended to `unknown_names`
  // when it is given.
  static Result<PermissionSet> from_names(std::span<const std::string_view> names,
                                          std::vector<std::string>* unknown_names = nullptr);
  // As from_names, from JSON text that must be an array of strings
  // (InvalidArgument when it is not).
  static Result<PermissionSet> from_json(std::string_view json_array,
                                         std::vector<std::string>* unknown_names = nullptr);

 private:
  static constexpr std::uint32_t bit(Permission p) {
    return std::uint32_t{1} << static_cast<unsigned>(p);
  }
  static constexpr PermissionSet from_raw(std::uint32_t bits) {
    PermissionSet s;
    s.bits_ = bits;
    return s;
  }
  std::uint32_t bits_ = 0;
};

// Role names with built-in permission presets.
inline constexpr std::string_view kRoleAdmin = "admin";
inline constexpr std::string_view kRoleAgent = "agent";

// The preset of a staff role: admin -> every permission; agent -> SupportInquiries_READ,
// SupportInquiries_UPDATE, SupportRequests_READ, SupportRequests_UPDATE, Feedback_READ.
// Nullopt for any other role.
std::optional<PermissionSet> role_preset(std::string_view role);

}  // namespace docket::auth
