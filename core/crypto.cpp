#include "core/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cassert>

namespace docket {

bool init_crypto() {
  return sodium_init() >= 0;
}

Sha256Digest sha256(std::string_view bytes) {
  Sha256Digest out{};
  unsigned int len = 0;
  int rc = EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha256(), nullptr);
  assert(rc == 1 && len == out.size());
  (void)rc;
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  return to_hex(sha256(bytes));
}

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::uint32_t random_uniform(std::uint32_t upper_exclusive) {
  return randombytes_uniform(upper_exclusive);
}

std::string base64url_encode(std::string_view bytes) {
  const std::size_t cap =
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(cap - 1);  // drop the terminating NUL
  return out;
}

namespace {

// 1 when c is in the base64url alphabet [A-Za-z0-9_-], else 0, without branches on c
// (libsodium 1.0.18 maps bytes >= 0x80 to '_', so they must be refused first).
unsigned in_base64url_alphabet(unsigned char c) {
  auto in_range = [](unsigned v, unsigned lo, unsigned hi) {
    return ((v - lo) <= (hi - lo)) ? 1u : 0u;  // compiles to a compare + setcc
  };
  return in_range(c, 'A', 'Z') | in_range(c, 'a', 'z') | in_range(c, '0', '9') |
         static_cast<unsigned>(c == '-') | static_cast<unsigned>(c == '_');
}

}  // namespace

bool base64url_decode(std::string_view text, std::string& out) {
  unsigned all_valid = 1;
  for (char c : text)
    all_valid &= in_base64url_alphabet(static_cast<unsigned char>(c));
  if (!all_valid) {
    out.clear();
    return false;
  }
  out.assign(text.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    out.clear();
    return false;
  }
  out.resize(len);
  return true;
}

std::string base64_encode(std::string_view bytes) {
  const std::size_t cap = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(cap - 1);  // drop the terminating NUL
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  // libsodium is lenient about bytes >= 0x80 (see above): the alphabet is checked first.
  const bool in_alphabet = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
  out.assign(text.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (!in_alphabet || text.size() % 4 != 0 ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    out.clear();
    return false;
  }
  out.resize(len);
  return true;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace docket
