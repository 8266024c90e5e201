// JsonDocument and JsonView: reading parsed JSON without simdjson in the header.
//
//   JsonDocument doc;                       // reuse one per thread on hot paths
//   auto root = doc.parse(text);            // Result<JsonView>
//   if (!root.ok()) return root.status();   // InvalidArgument naming the syntax error
//   if (auto id = root->member("id")) ...   // nullopt: absent (or root is not an object)
//
// A JsonView is a small value (a position in its document's parse). It stays valid
// while its JsonDocument lives and is not asked to parse again. The accessors never
// convert between kinds: "1" is not an integer, 1.0 is not an integer, null is not a
// string. Numbers are integers when simdjson reads them as signed or unsigned 64-bit
// integers (no fraction, no exponent). Not thread-safe: one document per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket {

class JsonView {
 public:
  enum class Kind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };

  Kind kind() const;
  bool is_null() const { return kind() == Kind::kNull; }

  // The value when it is of that kind, else nullopt. int64() refuses integers above
  // INT64_MAX.
  std::optional<std::int64_t> int64() const;
  std::optional<bool> boolean() const;
  std::optional<double> number() const;            // any JSON number
  std::optional<std::string_view> string() const;  // points into the document

  // An object's member (the first with that key); nullopt when absent or when this
  // is not an object.
  std::optional<JsonView> member(std::string_view key) const;
  // An object's members in document order (keys point into the document); empty for
  // anything but an object.
  std::vector<std::pair<std::string_view, JsonView>> members() const;
  // An array's elements; empty for anything but an array.
  std::vector<JsonView> elements() const;

  // The value as compact JSON text.
  std::string minified() const;

  // "null", "boolean", "integer", "number", "string", "array", "object".
  static std::string_view kind_name(Kind kind);

 private:
  friend class JsonViewAccess;
  // A simdjson::dom::element (a document pointer and a tape index), held opaquely.
  alignas(void*) unsigned char raw_[16] = {};
};

class JsonDocument {
 public:
  JsonDocument();
  ~JsonDocument();
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // Parses `text` (any JSON value), invalidating the views of the previous parse.
  // InvalidArgument when it is not JSON, with simdjson's reason.
  Result<JsonView> parse(std::string_view text);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace docket
