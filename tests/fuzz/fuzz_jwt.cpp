// libFuzzer: JWT verification (core/auth/jwt.h). Input: one selector byte, then either a
// whole token as a client would send it, or a header JSON and a payload JSON separated by
// a NUL byte, which the target encodes and signs with the verifier's secret, so the
// fuzzer reaches the header and payload parsers and every claim check behind the
// signature. An accepted token must have a subject and must verify the same way again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/auth/hmac.h"
#include "core/auth/jwt.h"
#include "core/clock.h"
#include "core/crypto.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret-fuzz-secret-fuzz-secret-0123";

const docket::auth::JwtVerifier& verifier() {
  static const docket::ManualClock clock(1'796'083'200'000);  // 2026-12-01
  static const docket::auth::JwtVerifier v = [] {
    docket::auth::JwtVerifierOptions o;
    o.hs256_secret = std::string(kSecret);
    o.issuers = {"docket"};
    o.audience = "docket";
    o.clock = &clock;
    return std::move(docket::auth::JwtVerifier::create(std::move(o))).value();
  }();
  return v;
}

std::string signed_token(std::string_view header, std::string_view payload) {
  std::string token = docket::base64url_encode(header) + "." + docket::base64url_encode(payload);
  docket::Sha256Digest mac{};
  if (!docket::auth::hmac_sha256(kSecret, token, mac)) return token;
  token += "." + docket::base64url_encode(
                     std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  if (data[0] % 2 == 0) {
    token = std::string(input);
  } else {
    const std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) return 0;
    token = signed_token(input.substr(0, nul), input.substr(nul + 1));
  }
  auto claims = verifier().verify(token);
  if (claims.ok()) {
    if (claims->sub.empty()) __builtin_trap();
    if (!verifier().verify(token).ok()) __builtin_trap();
  }
  return 0;
}
