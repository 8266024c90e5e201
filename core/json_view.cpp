#include "core/json_view.h"

#include <cstring>
#include <type_traits>

#include <simdjson.h>

namespace docket {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

static_assert(sizeof(element) <= 16 && alignof(element) <= alignof(void*),
              "JsonView::raw_ must hold a simdjson::dom::element");
static_assert(std::is_trivially_copyable_v<element>);

}  // namespace

// Moves a simdjson element in and out of JsonView's opaque storage, byte for byte.
class JsonViewAccess {
 public:
  static JsonView make(const element& e) {
    JsonView v;
    std::memcpy(v.raw_, static_cast<const void*>(&e), sizeof(element));
    return v;
  }
  static element get(const JsonView& v) {
    element e;
    std::memcpy(static_cast<void*>(&e), v.raw_, sizeof(element));
    return e;
  }
};

struct JsonDocument::Parser {
  simdjson::dom::parser parser;
  std::string padded;  // the text with SIMDJSON_PADDING spare bytes, reused across parses
};

namespace {

JsonView view_of(const element& e) {
  return JsonViewAccess::make(e);
}

}  // namespace

JsonView::Kind JsonView::kind() const {
  switch (JsonViewAccess::get(*this).type()) {
    case element_type::NULL_VALUE:
      return Kind::kNull;
    case element_type::BOOL:
      return Kind::kBool;
    case element_type::INT64:
    case element_type::UINT64:
      return Kind::kInteger;
    case element_type::DOUBLE:
      return Kind::kNumber;
    case element_type::STRING:
      return Kind::kString;
    case element_type::ARRAY:
      return Kind::kArray;
    case element_type::OBJECT:
      return Kind::kObject;
  }
  return Kind::kNull;
}

std::optional<std::int64_t> JsonView::int64() const {
  const element e = JsonViewAccess::get(*this);
  if (e.type() != element_type::INT64) return std::nullopt;
  std::int64_t v = 0;
  if (e.get_int64().get(v)) return std::nullopt;
  return v;
}

std::optional<bool> JsonView::boolean() const {
  bool v = false;
  if (JsonViewAccess::get(*this).get_bool().get(v)) return std::nullopt;
  return v;
}

std::optional<double> JsonView::number() const {
  double v = 0;
  if (JsonViewAccess::get(*this).get_double().get(v)) return std::nullopt;
  return v;
}

std::optional<std::string_view> JsonView::string() const {
  std::string_view v;
  if (JsonViewAccess::get(*this).get_string().get(v)) return std::nullopt;
  return v;
}

std::optional<JsonView> JsonView::member(std::string_view key) const {
  simdjson::dom::object object;
  if (JsonViewAccess::get(*this).get_object().get(object)) return std::nullopt;
  element value;
  if (object.at_key(key).get(value)) return std::nullopt;
  return view_of(value);
}

std::vector<std::pair<std::string_view, JsonView>> JsonView::members() const {
  std::vector<std::pair<std::string_view, JsonView>> out;
  simdjson::dom::object object;
  if (JsonViewAccess::get(*this).get_object().get(object)) return out;
  out.reserve(object.size());
  for (auto field : object)
    out.emplace_back(field.key, view_of(field.value));
  return out;
}

std::vector<JsonView> JsonView::elements() const {
  std::vector<JsonView> out;
  simdjson::dom::array array;
  if (JsonViewAccess::get(*this).get_array().get(array)) return out;
  out.reserve(array.size());
  for (element e : array)
    out.push_back(view_of(e));
  return out;
}

std::string JsonView::minified() const {
  return simdjson::minify(JsonViewAccess::get(*this));
}

std::string_view JsonView::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kInteger:
      return "integer";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "null";
}

JsonDocument::JsonDocument() : parser_(std::make_unique<Parser>()) {}
JsonDocument::~JsonDocument() = default;

Result<JsonView> JsonDocument::parse(std::string_view text) {
  element root;
  std::string& padded = parser_->padded;
  padded.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(text);
  if (auto error = parser_->parser.parse(padded.data(), padded.size(), false).get(root)) {
    return Status::InvalidArgument(simdjson::error_message(error));
  }
  return view_of(root);
}

}  // namespace docket
