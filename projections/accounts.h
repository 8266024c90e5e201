// Accounts: the "accounts" projection, one row per account (customers and staff).
//
//   accounts(id INTEGER PRIMARY KEY, role TEXT, email TEXT UNIQUE, name TEXT, phone TEXT,
//            permissions TEXT  -- JSON array of permission names, "[]" for customers
//            active INTEGER, created_at TEXT, updated_at TEXT, deactivated_at TEXT,
//            created_by INTEGER, version INTEGER)
//   index on (role, id)
//
// Built from the account.* events (domain/account.h). Password hashes are not kept
// here: sign-in reads them from the account's own stream, so no read model holds a
// credential. Queries: projections/account_query.h.
#pragma once

#include <string_view>

#include "domain/account_events.h"
#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class AccountsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "accounts";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override { return domain::AccountEvent::contains(type); }
};

}  // namespace docket::projections
