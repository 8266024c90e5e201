// base64url_decode_vartime must accept and refuse exactly what base64url_decode does.
#include <doctest/doctest.h>

#include <string>

#include "core/auth/base64url.h"
#include "core/crypto.h"

namespace {

// Both decoders agree on `text`: same verdict, same bytes.
bool agree(std::string_view text) {
  std::string fast = "stale";
  std::string reference;
  const bool fast_ok = docket::auth::base64url_decode_vartime(text, fast);
  const bool reference_ok = docket::base64url_decode(text, reference);
  return fast_ok == reference_ok && (!fast_ok || fast == reference) && (fast_ok || fast.empty());
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("base64url_decode_vartime round-trips random bytes") {
    for (std::size_t n = 0; n <= 100; ++n) {
      const std::string bytes = docket::random_bytes(n);
      std::string out;
      REQUIRE(docket::auth::base64url_decode_vartime(docket::base64url_encode(bytes), out));
      CHECK(out == bytes);
    }
  }

  TEST_CASE("base64url_decode_vartime agrees with base64url_decode on every short string") {
    // Bytes >= 0x80 are left out: libsodium 1.0.18 reads them as '_' (see below).
    const std::string symbols =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. " +
        std::string(1, '\0');
    int disagreements = 0;
    std::string text;
    for (char a : symbols) {
      disagreements += !agree(std::string(1, a));
      for (char b : symbols) {
        disagreements += !agree(std::string{a, b});
        for (char c : symbols)
          disagreements += !agree(std::string{a, b, c});
      }
    }
    CHECK(disagreements == 0);
    CHECK(agree(""));
  }

  TEST_CASE("base64url_decode_vartime refuses what a strict decoder must") {
    std::string out;
    CHECK_FALSE(docket::auth::base64url_decode_vartime("Zm9v=", out));  // padding
    CHECK_FALSE(docket::auth::base64url_decode_vartime("Zm+v", out));   // standard alphabet
    CHECK_FALSE(docket::auth::base64url_decode_vartime("Zm9vY", out));  // 4n+1 characters
    CHECK_FALSE(docket::auth::base64url_decode_vartime("-_9", out));    // unused bits set
    CHECK(docket::auth::base64url_decode_vartime("-_8", out));
    CHECK(out == "\xfb\xff");
    for (int c = 0x80; c <= 0xFF; ++c) {
      CAPTURE(c);
      CHECK_FALSE(
          docket::auth::base64url_decode_vartime("AA" + std::string(1, char(c)) + "A", out));
    }
  }
}
