// libFuzzer: the multipart/form-data parser and the boundary of a Content-Type value.
// Input: a Content-Type line, a newline, then the body; a line without a boundary uses a
// fixed one, so the body parser is reached either way.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const auto boundary = docket::http::multipart_boundary(header);
  auto parts = docket::http::parse_multipart(body, boundary ? *boundary : "XyZ",
                                             {.max_parts = 8, .max_header_bytes = 1024});
  if (parts.ok()) {
    for (const auto& part : *parts) {
      // Every view points into the body.
      if (!part.body.empty() && (part.body.data() < body.data() ||
                                 part.body.data() + part.body.size() > body.data() + body.size())) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
