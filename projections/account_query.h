// AccountQuery: reads the accounts projection (projections/accounts.h): one account by
// id (every authenticated request), and pages of staff for the admin console.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/permissions.h"
#include "core/result.h"

namespace docket::projections {

class Database;

struct AccountRow {
  std::int64_t id = 0;
  std::string role;  // "customer", "agent", "admin"
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  auth::PermissionSet permissions;
  bool active = true;
  std::string createdAt;  // ISO-8601 UTC
  std::string updatedAt;
  std::optional<std::string> deactivatedAt;
  std::optional<std::int64_t> createdBy;

  bool is_staff() const { return role != "customer"; }
};

inline constexpr std::uint32_t kMaxAccountPageSize = 100;

struct StaffListRequest {
  std::optional<std::string> role;  // "agent" or "admin"
  std::optional<bool> active;
  std::optional<std::string> search;  // substring of e-mail or name (case-insensitive)
  std::uint32_t page = 1;             // 1-based
  std::uint32_t pageSize = 20;        // 1..kMaxAccountPageSize
};

struct StaffPage {
  std::vector<AccountRow> items;  // by id
  std::uint64_t total = 0;
};

// Borrows `db` (a ReadLease's database, where the projection is attached as
// "accounts") for its lifetime; used on the thread holding the lease.
class AccountQuery {
 public:
  explicit AccountQuery(Database& db) : db_(db) {}

  // NotFound when no account has this id.
  Result<AccountRow> find(std::int64_t id);
  // Staff accounts (agents and admins) matching the filters, one page and the total.
  Result<StaffPage> list_staff(const StaffListRequest& request);
  // The ids of the active staff accounts holding `permission`, in id order.
  Result<std::vector<std::int64_t>> active_staff_holding(auth::Permission permission);

 private:
  Database& db_;
};

}  // namespace docket::projections
