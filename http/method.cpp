#include "http/method.h"

#include <array>

namespace docket::http {
namespace {

constexpr std::array<std::string_view, kMethodCount> kNames = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"};

}  // namespace

std::string_view method_name(Method method) {
  return kNames[static_cast<std::size_t>(method)];
}

Method parse_method(std::string_view text) {
  for (std::size_t i = 0; i + 1 < kMethodCount; ++i) {
    if (text == kNames[i]) return static_cast<Method>(i);
  }
  return Method::kOther;
}

}  // namespace docket::http
