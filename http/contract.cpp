#include "http/contract.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/time_format.h"
#include "http/text.h"

namespace docket::http {
namespace {

using Kind = FieldRule::Kind;

// JSON Schema patterns for text without control characters (C0 and DEL), with or
// without tab, CR and LF.
constexpr std::string_view kPlainText = "^[^\\u0000-\\u001F\\u007F]*$";
constexpr std::string_view kTextWithBreaks =
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$";

// Decimal integers as JSON writes them: no sign but '-', no leading zero.
bool parse_canonical_int(std::string_view text, std::int64_t& out) {
  std::string_view digits = text;
  if (digits.starts_with('-')) digits.remove_prefix(1);
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool in_charset(std::string_view text, std::string_view charset) {
  // `charset` is a regex class body of single characters and ranges "a-z"; a '-' first
  // or last is literal.
  for (char c : text) {
    bool ok = false;
    for (std::size_t i = 0; i < charset.size() && !ok; ++i) {
      if (i + 2 < charset.size() && charset[i + 1] == '-') {
        ok = c >= charset[i] && c <= charset[i + 2];
        i += 2;
      } else {
        ok = c == charset[i];
      }
    }
    if (!ok) return false;
  }
  return true;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.f…]Z" naming a time that exists.
bool valid_calendar_time(std::string_view t) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    out = 0;
    if (at + n > t.size()) return false;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (t.size() < 10 || !digits(0, 4, year) || t[4] != '-' || !digits(5, 2, month) || t[7] != '-' ||
      !digits(8, 2, day)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0)) return false;
  if (t.size() == 10) return true;
  int hour = 0, minute = 0, second = 0;
  if (t.size() < 20 || t[10] != 'T' || !digits(11, 2, hour) || t[13] != ':' ||
      !digits(14, 2, minute) || t[16] != ':' || !digits(17, 2, second) || t.back() != 'Z') {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  std::string_view fraction = t.substr(19, t.size() - 20);
  if (fraction.empty()) return true;
  if (fraction.size() < 2 || fraction.front() != '.') return false;
  return std::all_of(fraction.begin() + 1, fraction.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

FieldRule make(std::string_view name, Kind kind) {
  FieldRule r;
  r.name = std::string(name);
  r.kind = kind;
  return r;
}

// Text checks shared by fields and list items; `text` is already trimmed if it should be.
bool check_text(const FieldRule& rule, std::string_view name, std::string_view text,
                ValidationErrors& errors) {
  if (has_control_chars(text, rule.line_breaks)) {
    errors.add(name, rule::kFormat, fmt::format("{} contains control characters", name));
    return false;
  }
  const std::size_t length = utf8_length(text);
  if (length == std::string_view::npos) {
    errors.add(name, rule::kFormat, fmt::format("{} is not valid UTF-8", name));
    return false;
  }
  if (length < rule.min_length) {
    errors.add(name, rule::kMinLength,
               rule.min_length == 1
                   ? fmt::format("{} must not be empty", name)
                   : fmt::format("{} must be at least {} characters", name, rule.min_length));
    return false;
  }
  if (length > rule.max_length) {
    errors.add(name, rule::kMaxLength,
               fmt::format("{} must be at most {} characters", name, rule.max_length));
    return false;
  }
  if (!rule.charset.empty() && !in_charset(text, rule.charset)) {
    errors.add(name, rule::kFormat,
               fmt::format("{} may only contain the characters [{}]", name, rule.charset));
    return false;
  }
  return true;
}

bool check_enum(const FieldRule& rule, std::string_view value, ValidationErrors& errors) {
  if (std::find(rule.allowed.begin(), rule.allowed.end(), value) != rule.allowed.end()) {
    return true;
  }
  errors.add(rule.name, rule::kEnum,
             fmt::format("{} must be one of: {}", rule.name, fmt::join(rule.allowed, ", ")));
  return false;
}

bool check_range(const FieldRule& rule, std::int64_t v, ValidationErrors& errors) {
  if (v < rule.min) {
    errors.add(rule.name, rule::kMin, fmt::format("{} must be at least {}", rule.name, rule.min));
    return false;
  }
  if (v > rule.max) {
    errors.add(rule.name, rule::kMax, fmt::format("{} must be at most {}", rule.name, rule.max));
    return false;
  }
  return true;
}

std::optional<FieldValue> type_error(const FieldRule& rule, std::string_view what,
                                     ValidationErrors& errors) {
  errors.add(rule.name, rule::kType, fmt::format("{} must be {}", rule.name, what));
  return std::nullopt;
}

}  // namespace

FieldRule Text(std::string_view name) {
  return make(name, Kind::kText);
}
FieldRule Email(std::string_view name) {
  return make(name, Kind::kEmail);
}
FieldRule OneOf(std::string_view name, std::span<const std::string_view> values) {
  FieldRule r = make(name, Kind::kEnum);
  for (std::string_view v : values)
    r.allowed.emplace_back(v);
  return r;
}
FieldRule OneOf(std::string_view name, std::initializer_list<std::string_view> values) {
  return OneOf(name, std::span<const std::string_view>(values.begin(), values.size()));
}
FieldRule Choice(std::string_view name, std::vector<std::string> values) {
  FieldRule r = make(name, Kind::kEnum);
  r.allowed = std::move(values);
  return r;
}
FieldRule Integer(std::string_view name) {
  return make(name, Kind::kInteger);
}
FieldRule Boolean(std::string_view name) {
  return make(name, Kind::kBoolean);
}
FieldRule Id(std::string_view name) {
  return make(name, Kind::kId).range(1, kMaxId);
}
FieldRule IdOrNull(std::string_view name) {
  FieldRule r = Id(name);
  r.null_is_value = true;
  return r;
}
FieldRule Object(std::string_view name) {
  return make(name, Kind::kObject);
}
FieldRule JsonArray(std::string_view name) {
  return make(name, Kind::kJsonArray);
}
FieldRule TextList(std::string_view name) {
  return make(name, Kind::kTextList);
}
FieldRule Date(std::string_view name) {
  return make(name, Kind::kDate);
}
FieldRule Assignee(std::string_view name) {
  return make(name, Kind::kAssignee);
}

namespace contract_detail {

std::optional<FieldValue> check_body_field(const FieldRule& rule, std::optional<JsonView> value,
                                           ValidationErrors& errors) {
  const std::string& name = rule.name;
  if (!value) {
    if (!rule.required) return FieldValue{};
    errors.add(name, rule::kRequired,
               rule.null_is_value ? fmt::format("{} is required (an id or null)", name)
                                  : fmt::format("{} is required", name));
    return std::nullopt;
  }
  if (value->is_null()) {
    if (rule.null_is_value || !rule.required) return FieldValue{};
    errors.add(name, rule::kType, fmt::format("{} must not be null", name));
    return std::nullopt;
  }
  switch (rule.kind) {
    case Kind::kText:
    case Kind::kDate: {
      auto text = value->string();
      if (!text) return type_error(rule, "a string", errors);
      std::string_view t = rule.trim ? trim(*text) : *text;
      if (rule.kind == Kind::kDate) {
        if (!valid_calendar_time(t)) {
          errors.add(name, rule::kFormat,
                     fmt::format("{} must be a date (YYYY-MM-DD) or a UTC time "
                                 "(YYYY-MM-DDTHH:MM:SSZ) that exists",
                                 name));
          return std::nullopt;
        }
        return FieldValue{std::string(t)};
      }
      if (!check_text(rule, name, t, errors)) return std::nullopt;
      return FieldValue{std::string(t)};
    }
    case Kind::kEmail: {
      auto text = value->string();
      if (!text) return type_error(rule, "a string", errors);
      std::string email = to_lower_ascii(trim(*text));
      if (!is_valid_email(email)) {
        errors.add(name, rule::kEmail, fmt::format("{} must be a valid e-mail address", name));
        return std::nullopt;
      }
      return FieldValue{std::move(email)};
    }
    case Kind::kEnum: {
      auto text = value->string();
      if (!text) return type_error(rule, "a string", errors);
      if (!check_enum(rule, *text, errors)) return std::nullopt;
      return FieldValue{std::string(*text)};
    }
    case Kind::kInteger:
    case Kind::kId:
    case Kind::kAssignee: {
      if (value->kind() == JsonView::Kind::kInteger && !value->int64()) {
        // Only integers above INT64_MAX fail int64().
        errors.add(name, rule::kMax, fmt::format("{} must be at most {}", name, rule.max));
        return std::nullopt;
      }
      auto n = value->int64();
      if (!n) {
        return type_error(rule,
                          rule.kind == Kind::kInteger
                              ? "an integer"
                              : (rule.null_is_value ? "an integer id or null" : "an integer id"),
                          errors);
      }
      if (!check_range(rule, *n, errors)) return std::nullopt;
      return FieldValue{*n};
    }
    case Kind::kBoolean: {
      auto b = value->boolean();
      if (!b) return type_error(rule, "a boolean", errors);
      return FieldValue{*b};
    }
    case Kind::kJsonArray:
    case Kind::kObject: {
      const bool array = rule.kind == Kind::kJsonArray;
      if (value->kind() != (array ? JsonView::Kind::kArray : JsonView::Kind::kObject)) {
        return type_error(rule, array ? "an array" : "an object", errors);
      }
      std::string text = value->minified();
      if (text.size() > rule.max_bytes) {
        errors.add(name, rule::kMaxLength,
                   fmt::format("{} must be at most {} bytes", name, rule.max_bytes));
        return std::nullopt;
      }
      return FieldValue{std::move(text)};
    }
    case Kind::kTextList: {
      if (value->kind() != JsonView::Kind::kArray) {
        return type_error(rule, "an array of strings", errors);
      }
      const std::vector<JsonView> items = value->elements();
      if (items.size() > rule.max_items) {
        errors.add(name, rule::kMaxLength,
                   fmt::format("{} must have at most {} items", name, rule.max_items));
        return std::nullopt;
      }
      std::vector<std::string> out;
      bool ok = true;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string item_name = fmt::format("{}[{}]", name, i);
        auto text = items[i].string();
        if (!text) {
          errors.add(item_name, rule::kType, fmt::format("{} must be a string", item_name));
          ok = false;
          continue;
        }
        std::string_view t = rule.trim ? trim(*text) : *text;
        if (!check_text(rule, item_name, t, errors)) {
          ok = false;
          continue;
        }
        if (!rule.allowed.empty() &&
            std::find(rule.allowed.begin(), rule.allowed.end(), t) == rule.allowed.end()) {
          errors.add(item_name, rule::kEnum,
                     fmt::format("{} ({}) must be one of: {}", item_name, t,
                                 fmt::join(rule.allowed, ", ")));
          ok = false;
          continue;
        }
        out.emplace_back(t);
      }
      if (!ok) return std::nullopt;
      return FieldValue{std::move(out)};
    }
  }
  return std::nullopt;
}

std::optional<FieldValue> check_query_param(const FieldRule& rule,
                                            std::optional<std::string_view> raw,
                                            ValidationErrors& errors) {
  if (!raw) return FieldValue{};
  const std::string_view text = trim(*raw);
  if (text.empty()) return FieldValue{};
  const std::string& name = rule.name;
  switch (rule.kind) {
    case Kind::kInteger:
    case Kind::kId: {
      std::int64_t v = 0;
      if (!parse_canonical_int(text, v)) {
        return type_error(rule, rule.kind == Kind::kId ? "an integer id" : "an integer", errors);
      }
      if (!check_range(rule, v, errors)) return std::nullopt;
      return FieldValue{v};
    }
    case Kind::kAssignee: {
      if (text == "unassigned") return FieldValue{std::string(text)};
      std::int64_t v = 0;
      if (!parse_canonical_int(text, v) || v < 1 || v > kMaxId) {
        errors.add(name, rule::kType, fmt::format("{} must be an id or 'unassigned'", name));
        return std::nullopt;
      }
      return FieldValue{v};
    }
    case Kind::kEnum:
      if (!check_enum(rule, text, errors)) return std::nullopt;
      return FieldValue{std::string(text)};
    case Kind::kBoolean:
      if (text == "true") return FieldValue{true};
      if (text == "false") return FieldValue{false};
      errors.add(name, rule::kType, fmt::format("{} must be true or false", name));
      return std::nullopt;
    case Kind::kDate:
      if (!valid_calendar_time(text)) {
        errors.add(name, rule::kFormat,
                   fmt::format("{} must be a date (YYYY-MM-DD) or a UTC time "
                               "(YYYY-MM-DDTHH:MM:SSZ) that exists",
                               name));
        return std::nullopt;
      }
      return FieldValue{std::string(text)};
    case Kind::kEmail: {
      std::string email = to_lower_ascii(text);
      if (!is_valid_email(email)) {
        errors.add(name, rule::kEmail, fmt::format("{} must be a valid e-mail address", name));
        return std::nullopt;
      }
      return FieldValue{std::move(email)};
    }
    case Kind::kText:
    case Kind::kObject:
    case Kind::kJsonArray:
    case Kind::kTextList:
      if (!check_text(rule, name, text, errors)) return std::nullopt;
      return FieldValue{std::string(text)};
  }
  return std::nullopt;
}

void check_keys(JsonView body, std::span<const FieldRule> rules, ValidationErrors& errors) {
  std::vector<std::string_view> seen;
  for (const auto& member : body.members()) {
    const std::string_view key = member.first;
    const bool declared =
        std::any_of(rules.begin(), rules.end(), [&](const FieldRule& r) { return r.name == key; });
    const auto times = std::count(seen.begin(), seen.end(), key);
    if (times == 1) {
      errors.add(key, rule::kDuplicate, fmt::format("{} appears more than once", key));
    } else if (times == 0 && !declared) {
      errors.add(key, rule::kUnknown, fmt::format("{} is not an accepted field", key));
    }
    seen.push_back(key);
  }
}

std::string example_of(const FieldRule& rule) {
  if (!rule.example.empty()) return rule.example;
  switch (rule.kind) {
    case Kind::kText: {
      const std::size_t n = std::max<std::size_t>(rule.min_length, 1);
      char c = 'x';
      if (!rule.charset.empty() && !in_charset("x", rule.charset)) c = rule.charset.front();
      return quoted(std::string(std::min(n, rule.max_length), c));
    }
    case Kind::kEmail:
      return quoted("visitor@example.com");
    case Kind::kEnum:
      return quoted(rule.allowed.empty() ? "" : rule.allowed.front());
    case Kind::kInteger:
    case Kind::kId:
    case Kind::kAssignee:
      return std::to_string(std::clamp<std::int64_t>(1, rule.min, rule.max));
    case Kind::kBoolean:
      return "true";
    case Kind::kObject:
      return "{}";
    case Kind::kJsonArray:
      return "[]";
    case Kind::kTextList:
      return rule.allowed.empty() ? "[\"x\"]" : "[" + quoted(rule.allowed.front()) + "]";
    case Kind::kDate:
      return quoted("2026-01-31");
  }
  return "null";
}

void write_field_schema(JsonWriter& w, const FieldRule& rule, bool in_query) {
  const bool nullable = !in_query && (rule.null_is_value || !rule.required);
  const auto type = [&](std::string_view t) {
    if (nullable) {
      w.key("type").begin_array().value(t).value("null").end_array();
    } else {
      w.field("type", t);
    }
  };
  const auto text_rules = [&](const FieldRule& r) {
    w.field("minLength", static_cast<std::int64_t>(r.min_length));
    w.field("maxLength", static_cast<std::int64_t>(r.max_length));
    if (!r.charset.empty()) {
      w.field("pattern", "^[" + r.charset + "]*$");
    } else {
      w.field("pattern", r.line_breaks ? kTextWithBreaks : kPlainText);
    }
  };
  w.begin_object();
  switch (rule.kind) {
    case Kind::kText:
      type("string");
      text_rules(rule);
      break;
    case Kind::kEmail:
      type("string");
      w.field("format", "email").field("maxLength", 254);
      break;
    case Kind::kEnum:
      type("string");
      w.key("enum").begin_array();
      for (const std::string& v : rule.allowed)
        w.value(v);
      if (nullable) w.null();
      w.end_array();
      break;
    case Kind::kInteger:
    case Kind::kId:
      type("integer");
      if (rule.min != INT64_MIN) w.field("minimum", rule.min);
      if (rule.max != INT64_MAX) w.field("maximum", rule.max);
      break;
    case Kind::kBoolean:
      type("boolean");
      break;
    case Kind::kObject:
      type("object");
      break;
    case Kind::kJsonArray:
      type("array");
      w.key("items").begin_object().field("type", "object").end_object();
      break;
    case Kind::kTextList:
      type("array");
      w.field("maxItems", static_cast<std::int64_t>(rule.max_items));
      w.key("items").begin_object().field("type", "string");
      if (!rule.allowed.empty()) {
        w.key("enum").begin_array();
        for (const std::string& v : rule.allowed)
          w.value(v);
        w.end_array();
      } else {
        text_rules(rule);
      }
      w.end_object();
      break;
    case Kind::kDate:
      type("string");
      w.field("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z)?$");
      break;
    case Kind::kAssignee:
      w.key("oneOf").begin_array();
      w.begin_object().field("type", "integer").field("minimum", 1).field("maximum", kMaxId);
      w.end_object();
      w.begin_object().field("const", "unassigned").end_object();
      w.end_array();
      break;
  }
  if (!rule.default_value.empty()) {
    w.key("default");
    if (rule.kind == Kind::kInteger || rule.kind == Kind::kId) {
      w.raw(rule.default_value);
    } else {
      w.value(rule.default_value);
    }
  }
  if (!rule.description.empty()) w.field("description", rule.description);
  w.end_object();
}

}  // namespace contract_detail

void write_body_schema(JsonWriter& w, const ContractSchema& body) {
  w.begin_object().field("type", "object").field("additionalProperties", false);
  w.key("required").begin_array();
  for (const FieldRule& r : body.rules())
    if (r.required) w.value(r.name);
  w.end_array();
  if (body.min_fields() > 0) {
    w.field("minProperties", static_cast<std::int64_t>(body.min_fields()));
  }
  w.key("properties").begin_object();
  for (const FieldRule& r : body.rules()) {
    w.key(r.name);
    contract_detail::write_field_schema(w, r, false);
  }
  w.end_object();
  if (!body.notes().empty()) {
    std::string text;
    for (const std::string& note : body.notes())
      text += (text.empty() ? "" : " ") + note;
    w.field("description", text);
  }
  w.key("examples").begin_array().raw(body_example(body)).end_array();
  w.end_object();
}

std::string body_example(const ContractSchema& body) {
  if (!body.example().empty()) return body.example();
  JsonWriter w;
  w.begin_object();
  for (const FieldRule& r : body.rules())
    w.key(r.name).raw(contract_detail::example_of(r));
  w.end_object();
  return w.take();
}

void check_query_keys(std::span<const FieldRule> rules,
                      std::span<const std::pair<std::string, std::string>> items,
                      ValidationErrors& errors) {
  std::vector<std::string_view> reported;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& key = items[i].first;
    if (std::find(reported.begin(), reported.end(), key) != reported.end()) continue;
    const bool declared =
        std::any_of(rules.begin(), rules.end(), [&](const FieldRule& r) { return r.name == key; });
    const auto times =
        std::count_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == key; });
    if (!declared) {
      reported.push_back(key);
      errors.add(key, rule::kUnknown, fmt::format("{} is not an accepted query parameter", key));
    } else if (times > 1) {
      reported.push_back(key);
      errors.add(key, rule::kDuplicate, fmt::format("{} appears more than once", key));
    }
  }
}

void write_query_parameters(JsonWriter& w, const ContractSchema& query) {
  for (const FieldRule& r : query.rules()) {
    w.begin_object().field("name", r.name).field("in", "query").field("required", false);
    // An empty value ("status=") means "not given", as forms send it.
    w.field("allowEmptyValue", true);
    w.key("schema");
    contract_detail::write_field_schema(w, r, true);
    w.end_object();
  }
}

}  // namespace docket::http
