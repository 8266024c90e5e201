// One-time codes for guest e-mail verification.
#include <doctest/doctest.h>

#include <array>
#include <set>
#include <string>

#include "core/auth/otp.h"

TEST_SUITE("core") {
  TEST_CASE("OTP codes are six digits, uniform in every position, leading zeros kept") {
    constexpr int kCodes = 20000;
    std::array<std::array<int, 10>, 6> counts{};
    std::set<std::string> distinct;
    for (int i = 0; i < kCodes; ++i) {
      const std::string code = docket::auth::generate_otp_code();
      REQUIRE(docket::auth::looks_like_otp_code(code));
      for (std::size_t p = 0; p < 6; ++p)
        ++counts[p][code[p] - '0'];
      distinct.insert(code);
    }
    // Each digit is expected 2000 times per position (sd ~42); 1700..2300 is > 7 sd.
    for (std::size_t p = 0; p < 6; ++p) {
      for (int d = 0; d < 10; ++d) {
        CAPTURE(p);
        CAPTURE(d);
        CHECK(counts[p][d] > 1700);
        CHECK(counts[p][d] < 2300);
      }
    }
    CHECK(distinct.size() > 19000);  // ~200 collisions expected among 10^6 codes
  }

  TEST_CASE("looks_like_otp_code accepts exactly six ASCII digits") {
    CHECK(docket::auth::looks_like_otp_code("000000"));
    CHECK(docket::auth::looks_like_otp_code("012345"));
    CHECK_FALSE(docket::auth::looks_like_otp_code("12345"));
    CHECK_FALSE(docket::auth::looks_like_otp_code("1234567"));
    CHECK_FALSE(docket::auth::looks_like_otp_code("12a456"));
    CHECK_FALSE(docket::auth::looks_like_otp_code(" 12345"));
    CHECK_FALSE(docket::auth::looks_like_otp_code(""));
  }

  TEST_CASE("otp_hash is the hex SHA-256 of salt followed by code") {
    CHECK(docket::auth::otp_hash("012345", "inquiry-42:bm9uY2U") ==
          "deb328541dd11598ec3c6fa94a6362140ac6b4732200e34206828decb9f3ba30");
  }

  TEST_CASE("new_otp_salt joins the scope and a fresh nonce") {
    const std::string a = docket::auth::new_otp_salt("inquiry-42");
    const std::string b = docket::auth::new_otp_salt("inquiry-42");
    CHECK(a.rfind("inquiry-42:", 0) == 0);
    CHECK(a.size() == std::string("inquiry-42:").size() + 22);
    CHECK(a != b);
  }

  TEST_CASE("otp_matches accepts only the right code with the right salt") {
    const std::string salt = docket::auth::new_otp_salt("inquiry-7");
    const std::string code = docket::auth::generate_otp_code();
    const std::string stored = docket::auth::otp_hash(code, salt);
    CHECK(docket::auth::otp_matches(code, salt, stored));
    const std::string other = code == "000000" ? "000001" : "000000";
    CHECK_FALSE(docket::auth::otp_matches(other, salt, stored));
    CHECK_FALSE(docket::auth::otp_matches(code, docket::auth::new_otp_salt("inquiry-7"), stored));
    CHECK_FALSE(docket::auth::otp_matches(code + "0", salt, stored));
    CHECK_FALSE(docket::auth::otp_matches(code.substr(1), salt, stored));
    CHECK_FALSE(docket::auth::otp_matches(code, salt, ""));
  }
}
