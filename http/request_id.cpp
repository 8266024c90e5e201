#include "http/request_id.h"

#include <cassert>
#include <cstring>
#include <string>

#include "core/crypto.h"

namespace docket::http {
namespace {

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// splitmix64's finaliser: a bijection on 64-bit values.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct ThreadIdState {
  std::uint64_t prefix = 0;
  std::uint64_t salt = 0;
  std::uint64_t counter = 0;

  ThreadIdState() {
    const std::string seed = random_bytes(16);
    std::memcpy(&prefix, seed.data(), 8);
    std::memcpy(&salt, seed.data() + 8, 8);
  }
};

void put_hex(char* out, std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[v & 0xF];
    v >>= 4;
  }
}

}  // namespace

bool is_valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

RequestId::RequestId(std::string_view id) {
  assert(is_valid_request_id(id));
  size_ =
      static_cast<std::uint8_t>(id.size() < kMaxRequestIdLength ? id.size() : kMaxRequestIdLength);
  std::memcpy(chars_.data(), id.data(), size_);
}

RequestId generate_request_id() {
  thread_local ThreadIdState state;
  char text[32];
  put_hex(text, state.prefix);
  put_hex(text + 16, mix(++state.counter ^ state.salt));
  return RequestId(std::string_view(text, sizeof text));
}

RequestId choose_request_id(std::optional<std::string_view> from_header) {
  if (from_header && is_valid_request_id(*from_header)) return RequestId(*from_header);
  return generate_request_id();
}

}  // namespace docket::http
