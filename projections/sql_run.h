// run_sql: one cached statement, bound and run to completion — the write step of the
// projections' apply(). Header-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// Steps `st` to the end, turning each row into a Row with `read(st)` — the read step of
// the queries.
template <typename Row, typename Read>
Result<std::vector<Row>> read_rows(Statement& st, Read&& read) {
  std::vector<Row> rows;
  for (;;) {
    Result<bool> more = st.step();
    if (!more.ok()) return more.status();
    if (!*more) return rows;
    rows.push_back(read(st));
  }
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
