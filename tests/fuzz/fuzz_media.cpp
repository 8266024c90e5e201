// libFuzzer: content sniffing and metadata removal. Whatever sniffs as a type is stripped
// as that type; a successful result must never be larger and must sniff the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/media.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const docket::MediaType type = docket::sniff_media_type(bytes);
  if (type == docket::MediaType::kUnknown) return 0;
  auto out = docket::strip_metadata(bytes, type);
  if (out.ok() && (out->size() > bytes.size() || docket::sniff_media_type(*out) != type)) {
    __builtin_trap();
  }
  return 0;
}
