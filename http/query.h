// Query strings: parsing and declarative validation, in the style of BodyValidator.
//
//   QueryParams params;
//   if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
//   QueryValidator q(params);
//   PageRequest page = q.page();                          // page ≥ 1, pageSize 1..100 (20)
//   std::string sort = q.sort_by({"createdAt", "updatedAt"}, "createdAt");
//   SortOrder order = q.sort_order();                     // asc | desc (desc)
//   auto status = q.enumeration("status", {"open", "closed"});
//   auto customer = q.integer("customerId", 1, kMaxId);
//   if (auto err = q.finish()) return *err;               // also rejects unknown keys
//
// Keys and values are percent-decoded ('+' is a space). An empty value counts as absent
// (forms send "status=" for "any"). Undeclared keys are rejected like unknown body
// fields. Failures are collected into one 400 VALIDATION_ERROR with the same details
// shape as bodies. Single-threaded; the validator REQUIRES `params` to outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/api_error.h"
#include "http/validation.h"

namespace docket::http {

class QueryParams {
 public:
  static constexpr std::size_t kMaxParams = 64;

  // Parses `raw` (the part after '?'). On failure — a bad %-escape, invalid UTF-8, a
  // control character, more than kMaxParams pairs — returns 400 VALIDATION_ERROR and
  // leaves `out` unspecified.
  static std::optional<ApiError> parse(std::string_view raw, QueryParams& out);

  // First value of `key`, or nullopt.
  std::optional<std::string_view> get(std::string_view key) const;
  std::size_t count(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct PageRequest {
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  std::int64_t offset() const { return (page - 1) * page_size; }
};

enum class SortOrder { kAsc, kDesc };

class QueryValidator {
 public:
  static constexpr std::int64_t kMaxPage = 1'000'000'000;

  explicit QueryValidator(const QueryParams& params) : params_(&params) {}
  QueryValidator(const QueryValidator&) = delete;
  QueryValidator& operator=(const QueryValidator&) = delete;

  // "page" in [1, kMaxPage] (default 1) and "pageSize" in [1, max_page_size]
  // (default `default_page_size`). Invalid values are recorded; defaults are returned.
  PageRequest page(std::int64_t default_page_size = 20, std::int64_t max_page_size = 100);
  // "sortBy", one of `allowed`; `default_value` when absent or invalid.
  std::string sort_by(std::span<const std::string_view> allowed, std::string_view default_value);
  std::string sort_by(std::initializer_list<std::string_view> allowed,
                      std::string_view default_value) {
    return sort_by(std::span<const std::string_view>(allowed.begin(), allowed.size()),
                   default_value);
  }
  // "sortOrder": asc | desc.
  SortOrder sort_order(SortOrder default_value = SortOrder::kDesc);

  // Optional filters: nullopt when absent, empty, or invalid (recorded).
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<std::string> string(std::string_view key, std::size_t max_length);  // trimmed
  // An assignee filter: an id in [1, 2^53 - 1], or "unassigned" (sets `unassigned`).
  std::optional<std::int64_t> assignee(std::string_view key, bool& unassigned);
  std::optional<std::string> enumeration(std::string_view key,
                                         std::span<const std::string_view> allowed);
  std::optional<std::string> enumeration(std::string_view key,
                                         std::initializer_list<std::string_view> allowed) {
    return enumeration(key, std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  std::optional<bool> boolean(std::string_view key);  // "true" | "false"

  void fail(std::string_view key, std::string_view rule, std::string message);
  // nullopt when all declared keys passed and no undeclared or repeated key was sent.
  std::optional<ApiError> finish();
  const ValidationErrors& errors() const { return errors_; }

 private:
  // The single non-empty value of `key`; records a repeated key.
  std::optional<std::string_view> take(std::string_view key);

  const QueryParams* params_;
  std::vector<std::string> declared_;
  ValidationErrors errors_;
};

}  // namespace docket::http
