// Declarative validation of JSON request bodies.
//
// A handler declares each field it accepts; every failing field and rule is collected
// (not just the first) and finish() turns them into one 400 VALIDATION_ERROR whose
// `details` is an array of {"field","rule","message"}:
//
//   simdjson::dom::object body;
//   if (auto err = parse_json_object(ctx.request(), body)) return *err;
//   BodyValidator v(body);
//   auto subject = v.string("subject", {.min_length = 1, .max_length = 200});
//   auto email = v.email("email", Presence::kOptional);
//   auto category = v.enumeration("category", {"general", "billing"}, Presence::kOptional);
//   if (auto err = v.finish()) return *err;   // also rejects undeclared fields
//
// Decisions: fields not declared are rejected (rule "unknown") so typos and
// over-posting (e.g. a client sending "status" or "customerId" to a create route) fail
// loudly instead of being ignored. For an optional field, JSON null means absent.
// Lengths count Unicode code points after trimming. A validator is single-threaded and
// REQUIRES the object (and the parser it came from) to outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_error.h"

namespace simdjson::dom {
class object;
}

namespace docket::http {

// Stable rule names used in `details[].rule`.
namespace rule {
inline constexpr std::string_view kRequired = "required";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kMinLength = "minLength";
inline constexpr std::string_view kMaxLength = "maxLength";
inline constexpr std::string_view kFormat = "format";  // control characters, bad encoding
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kEnum = "enum";
inline constexpr std::string_view kMin = "min";
inline constexpr std::string_view kMax = "max";
inline constexpr std::string_view kUnknown = "unknown";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kJson = "json";  // the body is not JSON / not an object
}  // namespace rule

struct FieldError {
  std::string field;
  std::string rule;
  std::string message;
};

// A list of failures and its rendering as VALIDATION_ERROR. Keeps at most kMaxItems so
// a hostile body cannot grow the error response without bound.
class ValidationErrors {
 public:
  static constexpr std::size_t kMaxItems = 100;

  void add(std::string_view field, std::string_view rule, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<FieldError>& items() const { return items_; }
  // 400 VALIDATION_ERROR with details = [{field, rule, message}, …].
  ApiError to_api_error(std::string message = "Request validation failed") const;

 private:
  std::vector<FieldError> items_;
};

enum class Presence { kRequired, kOptional };

struct StringRule {
  Presence presence = Presence::kRequired;
  std::size_t min_length = 0;     // code points, after trimming
  std::size_t max_length = 1000;  // code points, after trimming
  bool trim = true;
  bool allow_line_breaks = false;  // tab, CR, LF; other control characters never pass
};

struct IntegerRule {
  Presence presence = Presence::kRequired;
  std::int64_t min = INT64_MIN;
  std::int64_t max = INT64_MAX;
};

// A field that distinguishes "absent" from "null": PATCH {"assignedAdminId": null}
// unassigns, while an absent field leaves the value alone.
struct NullableId {
  bool present = false;               // the key was sent (with null or a value)
  std::optional<std::int64_t> value;  // empty for null
};

// Largest id a JavaScript client can hold exactly (2^53 - 1).
inline constexpr std::int64_t kMaxId = 9007199254740991;

class BodyValidator {
 public:
  // REQUIRES: `object` outlives the validator.
  explicit BodyValidator(const simdjson::dom::object& object);
  BodyValidator(const BodyValidator&) = delete;
  BodyValidator& operator=(const BodyValidator&) = delete;

  // Each accessor declares `field` and returns its value, or nullopt when absent or
  // invalid (the failure is recorded).
  std::optional<std::string> string(std::string_view field, const StringRule& rule);
  // Trimmed and lower-cased; at most 254 characters; local@domain.tld shape.
  std::optional<std::string> email(std::string_view field, Presence presence);
  std::optional<std::string> enumeration(std::string_view field,
                                         std::span<const std::string_view> allowed,
                                         Presence presence);
  std::optional<std::string> enumeration(std::string_view field,
                                         std::initializer_list<std::string_view> allowed,
                                         Presence presence) {
    return enumeration(field, std::span<const std::string_view>(allowed.begin(), allowed.size()),
                       presence);
  }
  // An integral JSON number in [min, max]; 1.0 and 1e3 are not integers.
  std::optional<std::int64_t> integer(std::string_view field, const IntegerRule& rule);
  std::optional<bool> boolean(std::string_view field, Presence presence);
  // An array of at most `max_items` strings, each a plain token of 1..`max_length`
  // characters without control characters (not trimmed). Errors name "field[i]".
  std::optional<std::vector<std::string>> string_array(std::string_view field, Presence presence,
                                                       std::size_t max_items,
                                                       std::size_t max_length);
  // A JSON object of at most `max_bytes` once minified, returned as minified text.
  std::optional<std::string> object_json(std::string_view field, Presence presence,
                                         std::size_t max_bytes);
  // null or an integer id in [1, kMaxId].
  NullableId nullable_id(std::string_view field, Presence presence);

  // Records a failure found by the caller (a rule across fields).
  void fail(std::string_view field, std::string_view rule, std::string message);

  // nullopt when every declared field passed and no undeclared or repeated key was
  // sent; otherwise the VALIDATION_ERROR listing all failures.
  std::optional<ApiError> finish();
  const ValidationErrors& errors() const { return errors_; }

 private:
  const simdjson::dom::object* object_;
  std::vector<std::string> declared_;
  ValidationErrors errors_;
};

// Shared with query validation: checks a trimmed e-mail address (already lower-cased).
bool is_valid_email(std::string_view email);

}  // namespace docket::http
