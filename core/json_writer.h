// JsonWriter: builds compact JSON text into a std::string.
//
// Keys and values are written in call order; the writer inserts commas. Strings are
// escaped per RFC 8259; invalid UTF-8 bytes become U+FFFD so the output is always
// valid JSON. REQUIRES: calls are well nested (asserted in debug builds).
// Not thread-safe; one writer per output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(std::string initial) : out_(std::move(initial)) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
  JsonWriter& value(double d);  // non-finite numbers are written as null
  JsonWriter& null();
  // A value that is already JSON text; written verbatim. REQUIRES: valid JSON.
  JsonWriter& raw(std::string_view json);

  // field(k, v) == key(k).value(v); optional fields write null when empty.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  template <typename T>
  JsonWriter& field(std::string_view k, const std::optional<T>& v) {
    key(k);
    return v ? value(*v) : null();
  }
  JsonWriter& field_raw(std::string_view k, std::string_view json) {
    key(k);
    return raw(json);
  }

  // Empties the writer for reuse, keeping its buffers' capacity.
  void clear() {
    out_.clear();
    has_value_.clear();
    after_key_ = false;
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: whether a value was already written in it.
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace docket
