// Request contracts: each request body and query string is declared once, in C++, and
// that one declaration validates requests, parses them into the handler's struct and
// writes the JSON Schema of the OpenAPI document (decision 0016).
//
//   const auto post_message = std::make_shared<BodyContract<domain::PostInquiryMessage>>();
//   post_message->field(Text("message").length(1, 5000).line_breaks(),
//                       &domain::PostInquiryMessage::message);
//
//   router.post(path, meta, post_message,
//               [&](RequestContext& ctx, domain::PostInquiryMessage command) { ... });
//
// A field's presence follows its member's type: a plain member (std::string,
// std::int64_t, ...) is required; a std::optional member is optional, and JSON null
// counts as absent (the schema says ["string","null"]). Id-or-null fields that must be
// sent (`{"assignedAdminId": null}` unassigns) say `.required()`.
//
// Every failing field and rule is collected into one 400 VALIDATION_ERROR whose
// details list {field, rule, message}; fields not declared are refused (rule
// "unknown"), repeated keys too (rule "duplicate"). Strings are trimmed of surrounding
// whitespace (not passwords) before their length (in code points) is checked; control
// characters never pass (tab, CR and LF only where line breaks are allowed).
//
// Contracts are built at start-up and immutable afterwards; parse() may be called
// from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/api_error.h"
#include "core/json_view.h"
#include "core/json_writer.h"
#include "core/raw_json.h"
#include "http/validation.h"

namespace docket::http {

// One field of a body or one query parameter: what it accepts and how the document
// describes it. Built with the helpers below (Text("subject").length(1, 200), ...).
struct FieldRule {
  enum class Kind {
    kText,       // a string
    kEmail,      // a string, trimmed and lower-cased, local@domain.tld
    kEnum,       // one of `allowed`
    kInteger,    // an integral number in [min, max]
    kBoolean,    // true or false
    kId,         // an id in [1, 2^53 - 1]; with `nullable`, also null (as a value)
    kObject,     // a JSON object of at most max_bytes once minified
    kJsonArray,  // a JSON array of objects, at most max_bytes minified (the caller checks them)
    kTextList,   // an array of at most max_items texts, each by the text rules
    kDate,       // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff]Z", a real calendar time
    kAssignee,   // query: an id, or "unassigned"
  };

  std::string name;
  Kind kind = Kind::kText;
  bool required = false;       // set from the member type, or by required()
  bool null_is_value = false;  // kId: null is sent on purpose (unassign), not "absent"
  std::size_t min_length = 0;  // code points after trimming (kText, list items)
  std::size_t max_length = 1000;
  bool trim = true;
  bool line_breaks = false;
  std::string charset;               // allowed characters, as the body of a regex class; empty: any
  std::vector<std::string> allowed;  // kEnum, or kTextList items when not empty
  std::int64_t min = INT64_MIN;
  std::int64_t max = INT64_MAX;
  std::size_t max_items = 100;
  std::size_t max_bytes = 4096;
  std::string default_value;  // query parameters: the value used when absent (documented)
  std::string description;
  std::string example;  // JSON text; empty: derived from the rule

  FieldRule& length(std::size_t min_chars, std::size_t max_chars) {
    min_length = min_chars;
    max_length = max_chars;
    return *this;
  }
  FieldRule& chars(std::string_view regex_class) {
    charset = std::string(regex_class);
    return *this;
  }
  FieldRule& with_line_breaks() {
    line_breaks = true;
    return *this;
  }
  FieldRule& untrimmed() {
    trim = false;
    return *this;
  }
  FieldRule& range(std::int64_t lo, std::int64_t hi) {
    min = lo;
    max = hi;
    return *this;
  }
  FieldRule& items(std::size_t most) {
    max_items = most;
    return *this;
  }
  FieldRule& bytes(std::size_t most) {
    max_bytes = most;
    return *this;
  }
  FieldRule& one_of(std::vector<std::string> values) {
    allowed = std::move(values);
    return *this;
  }
  // The field must be sent even though its member is optional (an id-or-null that
  // unassigns with null).
  FieldRule& must_send() {
    required = true;
    return *this;
  }
  FieldRule& defaults_to(std::string_view value) {
    default_value = std::string(value);
    return *this;
  }
  FieldRule& describe(std::string_view text) {
    description = std::string(text);
    return *this;
  }
  FieldRule& example_json(std::string_view json) {
    example = std::string(json);
    return *this;
  }
};

FieldRule Text(std::string_view name);
FieldRule Email(std::string_view name);
FieldRule OneOf(std::string_view name, std::span<const std::string_view> values);
FieldRule OneOf(std::string_view name, std::initializer_list<std::string_view> values);
// One of values known only at start-up (configured categories).
FieldRule Choice(std::string_view name, std::vector<std::string> values);
FieldRule Integer(std::string_view name);
FieldRule Boolean(std::string_view name);
// An id in [1, 2^53 - 1]; IdOrNull also takes null as a value ("none").
FieldRule Id(std::string_view name);
FieldRule IdOrNull(std::string_view name);
FieldRule Object(std::string_view name);
FieldRule JsonArray(std::string_view name);
FieldRule TextList(std::string_view name);
FieldRule Date(std::string_view name);
FieldRule Assignee(std::string_view name);

// A checked, normalized value, before it is assigned to its member.
using FieldValue =
    std::variant<std::monostate, std::string, std::int64_t, bool, std::vector<std::string>>;

namespace contract_detail {

// Checks one body member (nullopt: absent). Returns the value, monostate for absent /
// null, or nullopt after recording the failure.
std::optional<FieldValue> check_body_field(const FieldRule& rule, std::optional<JsonView> value,
                                           ValidationErrors& errors);
// Checks one query parameter (nullopt: absent or empty).
std::optional<FieldValue> check_query_param(const FieldRule& rule,
                                            std::optional<std::string_view> value,
                                            ValidationErrors& errors);
// Records undeclared and repeated keys of a body.
void check_keys(JsonView body, std::span<const FieldRule> rules, ValidationErrors& errors);
// The example value of a rule, as JSON text.
std::string example_of(const FieldRule& rule);
void write_field_schema(JsonWriter& w, const FieldRule& rule, bool in_query);

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Assigns a checked value to a member of a supported type.
template <typename M>
void assign(M& member, FieldValue&& value) {
  if constexpr (IsOptional<M>::value) {
    if (std::holds_alternative<std::monostate>(value)) {
      member.reset();
    } else {
      typename M::value_type inner{};
      assign(inner, std::move(value));
      member = std::move(inner);
    }
  } else if constexpr (std::is_same_v<M, RawJson>) {
    if (auto* text = std::get_if<std::string>(&value)) member.text = std::move(*text);
  } else if constexpr (std::is_same_v<M, bool>) {
    if (auto* b = std::get_if<bool>(&value)) member = *b;
  } else if constexpr (std::is_integral_v<M>) {
    if (auto* n = std::get_if<std::int64_t>(&value)) member = static_cast<M>(*n);
  } else {
    if (auto* v = std::get_if<M>(&value)) member = std::move(*v);
  }
}

}  // namespace contract_detail

// What the OpenAPI document and the contract test see of a contract.
class ContractSchema {
 public:
  virtual ~ContractSchema() = default;
  const std::vector<FieldRule>& rules() const { return rules_; }
  // Cross-field rules, as sentences (the schema's description).
  const std::vector<std::string>& notes() const { return notes_; }
  std::size_t min_fields() const { return min_fields_; }
  // Whether the body may be left out altogether (then it parses as an empty object).
  bool body_optional() const { return body_optional_; }
  // The example set by example(); empty: made from each field's example.
  const std::string& example() const { return example_; }

 protected:
  std::vector<FieldRule> rules_;
  std::vector<std::string> notes_;
  std::size_t min_fields_ = 0;
  bool body_optional_ = false;
  std::string example_;
};

// The JSON Schema of a body: an object with exactly these properties.
void write_body_schema(JsonWriter& w, const ContractSchema& body);
// A body that satisfies every rule (each field's example), as JSON text.
std::string body_example(const ContractSchema& body);

template <typename Target>
class BodyContract : public ContractSchema {
 public:
  using Value = Target;
  using Check = std::function<void(const Target&, ValidationErrors&)>;
  static constexpr bool kIsBody = true;

  // Declares a field stored in `member`. A required rule stays required; otherwise the
  // member's type decides (std::optional: optional).
  template <typename M>
  BodyContract& field(FieldRule rule, M Target::*member) {
    // RawJson holds "null" for absent: like an optional, it may be left out.
    if (!contract_detail::IsOptional<M>::value && !std::is_same_v<M, RawJson>) {
      rule.required = true;
    }
    rules_.push_back(std::move(rule));
    setters_.push_back(
        [member](Target& t, FieldValue&& v) { contract_detail::assign(t.*member, std::move(v)); });
    return *this;
  }
  // A rule across fields (or beyond one field's type), with the sentence the
  // document shows for it.
  BodyContract& check(std::string_view note, Check rule) {
    notes_.emplace_back(note);
    checks_.push_back(std::move(rule));
    return *this;
  }
  // At least `n` fields must be sent (minProperties).
  BodyContract& at_least(std::size_t n) {
    min_fields_ = n;
    return *this;
  }
  // The schema's example, when the one made of each field's example would break a
  // rule across fields (the contract test checks that it passes).
  BodyContract& example(std::string_view json) {
    example_ = std::string(json);
    return *this;
  }
  // The body may be left out (a command without input that clients send `{}` to).
  BodyContract& optional_body() {
    body_optional_ = true;
    return *this;
  }
  Target empty() const { return Target{}; }

  // The parsed body, or the VALIDATION_ERROR listing every failure.
  Result<Target> parse(JsonView body, ValidationErrors& errors) const {
    Target out{};
    contract_detail::check_keys(body, rules_, errors);
    std::size_t sent = 0;
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      std::optional<JsonView> value = body.member(rules_[i].name);
      if (value) ++sent;
      auto checked = contract_detail::check_body_field(rules_[i], value, errors);
      if (checked) setters_[i](out, std::move(*checked));
    }
    if (sent < min_fields_) {
      errors.add("body", rule::kRequired,
                 "send at least " + std::to_string(min_fields_) + " of the fields");
    }
    if (errors.empty()) {
      for (const Check& c : checks_)
        c(out, errors);
    }
    if (!errors.empty()) return Status::InvalidArgument("validation");
    return out;
  }

 private:
  std::vector<std::function<void(Target&, FieldValue&&)>> setters_;
  std::vector<Check> checks_;
};

template <typename Target>
class QueryContract : public ContractSchema {
 public:
  using Value = Target;
  using Check = std::function<void(const Target&, ValidationErrors&)>;
  static constexpr bool kIsBody = false;
  using Setter = std::function<void(Target&, FieldValue&&)>;

  // Declares a parameter stored in `member` (always optional in a query string).
  template <typename M>
  QueryContract& param(FieldRule rule, M Target::*member) {
    return param(std::move(rule), [member](Target& t, FieldValue&& v) {
      contract_detail::assign(t.*member, std::move(v));
    });
  }
  QueryContract& param(FieldRule rule, Setter set) {
    rule.required = false;
    rules_.push_back(std::move(rule));
    setters_.push_back(std::move(set));
    return *this;
  }
  QueryContract& check(std::string_view note, Check rule) {
    notes_.emplace_back(note);
    checks_.push_back(std::move(rule));
    return *this;
  }

  // `items` are the decoded pairs of the query string (QueryParams).
  Result<Target> parse(std::span<const std::pair<std::string, std::string>> items,
                       ValidationErrors& errors, Target out = {}) const {
    check_query_keys(items, errors);
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      std::optional<std::string_view> value;
      for (const auto& [key, v] : items) {
        if (key == rules_[i].name && !v.empty()) value = v;
      }
      if (!value && !rules_[i].default_value.empty()) value = rules_[i].default_value;
      auto checked = contract_detail::check_query_param(rules_[i], value, errors);
      if (checked) setters_[i](out, std::move(*checked));
    }
    if (errors.empty()) {
      for (const Check& c : checks_)
        c(out, errors);
    }
    if (!errors.empty()) return Status::InvalidArgument("validation");
    return out;
  }

 private:
  void check_query_keys(std::span<const std::pair<std::string, std::string>> items,
                        ValidationErrors& errors) const;

  std::vector<Setter> setters_;
  std::vector<Check> checks_;
};

// Undeclared and repeated query keys (shared by every QueryContract).
void check_query_keys(std::span<const FieldRule> rules,
                      std::span<const std::pair<std::string, std::string>> items,
                      ValidationErrors& errors);

template <typename Target>
void QueryContract<Target>::check_query_keys(
    std::span<const std::pair<std::string, std::string>> items, ValidationErrors& errors) const {
  http::check_query_keys(rules_, items, errors);
}

// The OpenAPI parameters of a query contract (appended to the path parameters).
void write_query_parameters(JsonWriter& w, const ContractSchema& query);

}  // namespace docket::http
