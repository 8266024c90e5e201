// HTTP request methods the router knows by name.
//
// Methods outside this set parse as Method::kOther; no route can be registered for them,
// so they get 405 METHOD_NOT_ALLOWED on a known path. Values are small and dense so
// tables can be indexed by method.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace docket::http {

enum class Method : std::uint8_t {
  kGet = 0,
  kHead,
  kPost,
  kPut,
  kPatch,
  kDelete,
  kOptions,
  kOther,
};

inline constexpr std::size_t kMethodCount = 8;

// "GET", "HEAD", ..., "OTHER" for kOther.
std::string_view method_name(Method method);

// Case-sensitive, as RFC 9110 requires: "get" is kOther.
Method parse_method(std::string_view text);

// Bit for `method` in a method set.
constexpr std::uint16_t method_bit(Method method) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(method));
}

}  // namespace docket::http
