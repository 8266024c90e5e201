// Hashing, randomness and encodings shared by the log, auth and tokens.
//
// All functions are thread-safe. init_crypto() must run once before any of them
// (it initialises libsodium); the binaries and the test main call it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace docket {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Initialises libsodium. Returns false when it cannot (no entropy source).
bool init_crypto();

Sha256Digest sha256(std::string_view bytes);
// Lower-case hex of the SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

std::string to_hex(const std::uint8_t* data, std::size_t n);
template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& a) {
  return to_hex(a.data(), N);
}

// `n` bytes from the operating system's CSPRNG.
std::string random_bytes(std::size_t n);
// Uniform integer in [0, upper_exclusive), unbiased.
std::uint32_t random_uniform(std::uint32_t upper_exclusive);

// RFC 4648 §5 base64url without padding, and its inverse (false on bad input).
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);
// RFC 4648 §4 base64 with padding (Node's Buffer "base64"), and its strict inverse:
// false on a character outside the alphabet, missing padding or trailing bytes.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

// Compares in time independent of where the inputs differ (lengths may leak).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace docket
