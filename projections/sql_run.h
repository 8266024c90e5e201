// run_sql: one cached statement, bound and run to completion — the write step of the
// projections' apply(). Header-only.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "projections/sqlite.h"

namespace docket::projections {

// Prepares `sql` through the connection's statement cache, binds `args` to ?1, ?2, …
// and runs it (rows are discarded).
template <typename... Args>
Status run_sql(Database& db, std::string_view sql, const Args&... args) {
  Result<CachedStatement> st = db.cached(std::string(sql));
  if (!st.ok()) return st.status();
  Status s = (*st)->bind_all(args...);
  return s.ok() ? (*st)->run() : s;
}

// Moves the count of `status` in `table` (status TEXT PRIMARY KEY, n INTEGER) by
// `delta`. REQUIRES: `table` is a name written in code, never input.
inline Status move_status_count(Database& db, std::string_view table, const std::string& status,
                                int delta) {
  return run_sql(db,
                 "INSERT INTO " + std::string(table) +
                     "(status, n) VALUES(?1, ?2) ON CONFLICT(status) DO UPDATE SET n = n + "
                     "excluded.n",
                 status, delta);
}

}  // namespace docket::projections
