// SqlFilter: the WHERE clause of a list query, built from the filters actually given.
//
// A single statement with "(?1 IS NULL OR column = ?1)" for every optional filter keeps
// SQLite from using any index (one plan must serve every combination); a statement per
// combination of filters lets it pick the index that fits. Statements are cached by
// their text, so there are at most 2^filters of them per connection.
//
//   SqlFilter f;
//   f.equals("status", r.status);               // skipped when nullopt
//   f.condition("assigned_admin_id IS NULL");
//   f.condition("id IN (SELECT rowid FROM s.t WHERE t MATCH ?)", query);
//   db.cached("SELECT count(*) FROM t" + f.where());  then f.bind(statement)
//
// Parameters are numbered in the order added; the caller's own follow from
// f.next_parameter(). Column names and conditions are SQL written by the caller, never
// user input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "projections/sqlite.h"

namespace docket::projections {

class SqlFilter {
 public:
  using Value = std::variant<std::int64_t, std::string>;

  template <typename T>
  void equals(std::string_view column, const std::optional<T>& value) {
    if (value) condition(std::string(column) + " = ?", Value(*value));
  }
  // `sql` with one "?" per value, in order (numbered on the way in).
  void condition(std::string_view sql, std::vector<Value> values = {}) {
    std::string numbered;
    std::size_t next = 0;
    for (char c : sql) {
      numbered.push_back(c);
      if (c == '?') numbered += std::to_string(values_.size() + 1 + next++);
    }
    conditions_.push_back(std::move(numbered));
    for (auto& v : values)
      values_.push_back(std::move(v));
  }
  void condition(std::string_view sql, Value value) {
    condition(sql, std::vector<Value>{std::move(value)});
  }

  // " WHERE a = ?1 AND b = ?2", or "" when nothing filters.
  std::string where() const {
    std::string out;
    for (const auto& c : conditions_) {
      out += out.empty() ? " WHERE " : " AND ";
      out += c;
    }
    return out;
  }

  Status bind(Statement& st) const {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      Status s = std::visit([&](const auto& v) { return st.bind(index, v); }, values_[i]);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // The number of the first parameter after the filter's own.
  int next_parameter() const { return static_cast<int>(values_.size()) + 1; }

 private:
  std::vector<std::string> conditions_;
  std::vector<Value> values_;
};

// The FTS5 query that matches `text` as one substring (a quoted phrase; with the
// trigram tokenizer, every run of 3 characters in order). REQUIRES: text has at least
// 3 characters, the shortest string a trigram index can find.
inline std::string fts5_substring_query(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace docket::projections
