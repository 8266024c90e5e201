#include "http/json_body.h"

#include <simdjson.h>

#include <string>

#include <fmt/format.h>

#include "http/text.h"
#include "http/validation.h"

namespace docket::http {
namespace {

namespace od = simdjson::ondemand;

// Walks a document with the On-Demand API, which reports where it stopped; used only
// to locate an error the DOM parser found.
simdjson::error_code walk(od::value value, int depth) {
  if (depth > 1024) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      for (auto field : object) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        od::value child;
        if (auto e = field.value().get(child)) return e;
        if (auto e = walk(child, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      for (auto item : array) {
        od::value child;
        if (auto e = item.get(child)) return e;
        if (auto e = walk(child, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return value.get_string().get(s);
    }
    case od::json_type::number: {
      double d;
      return value.get_double().get(d);
    }
    case od::json_type::boolean: {
      bool b;
      return value.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::SUCCESS;
}

// Byte offset near the syntax error in `padded`, or -1 when it cannot be located.
long locate_error(const simdjson::padded_string& padded) {
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc)) return -1;
  od::value root;
  simdjson::error_code e = doc.get_value().get(root);
  if (!e) e = walk(root, 0);
  if (!e) return -1;
  auto location = doc.current_location();
  if (location.error()) return static_cast<long>(padded.size());
  return static_cast<long>(location.value_unsafe() - padded.data());
}

ApiError json_error(std::string message) {
  ValidationErrors errors;
  errors.add("body", rule::kJson, message);
  return errors.to_api_error("Request body is not valid JSON");
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semi)), "application/json")) return false;
  std::string_view params =
      semi == std::string_view::npos ? std::string_view() : content_type.substr(semi + 1);
  while (!params.empty()) {
    const std::size_t next = params.find(';');
    const std::string_view param = trim(params.substr(0, next));
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && iequals(trim(param.substr(0, eq)), "charset")) {
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!iequals(value, "utf-8") && !iequals(value, "utf8")) return false;
    }
    if (next == std::string_view::npos) break;
    params.remove_prefix(next + 1);
  }
  return true;
}

std::optional<ApiError> parse_json_body(const Request& request, JsonView& out) {
  const std::optional<std::string_view> content_type = request.find_header("Content-Type");
  if (request.body.empty() && !content_type) {
    return json_error("a JSON object body is required");
  }
  if (!content_type || !is_json_content_type(*content_type)) {
    return ApiError::unsupported_media_type();
  }
  if (trim(request.body).empty()) return json_error("a JSON object body is required");

  thread_local JsonDocument document;
  auto root = document.parse(request.body);
  if (!root.ok()) {
    const simdjson::padded_string copy(request.body);
    const long offset = locate_error(copy);
    if (offset < 0) return json_error(root.status().message());
    return json_error(fmt::format("{} (near byte {})", root.status().message(), offset));
  }
  if (root->kind() != JsonView::Kind::kObject) return json_error("the body must be a JSON object");
  out = *root;
  return std::nullopt;
}

}  // namespace docket::http
