// Guest inquiry access tokens.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/auth/guest_token.h"
#include "core/crypto.h"

using docket::auth::looks_like_guest_token;

TEST_SUITE("core") {
  TEST_CASE("a guest token is si_ and 43 base64url characters") {
    const std::string token = docket::auth::generate_guest_token();
    CHECK(token.size() == 46);
    CHECK(token.rfind("si_", 0) == 0);
    CHECK(looks_like_guest_token(token));
    std::string raw;
    REQUIRE(docket::base64url_decode(token.substr(3), raw));
    CHECK(raw.size() == 32);
  }

  TEST_CASE("guest tokens do not repeat") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i)
      seen.insert(docket::auth::generate_guest_token());
    CHECK(seen.size() == 2000);
  }

  TEST_CASE("guest_token_hash is the hex SHA-256 of the whole token") {
    const std::string token = "si_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    CHECK(docket::auth::guest_token_hash(token) ==
          "c21ac02977b86c4bda9505c144f0af63fd26ccc45e32917595d23efc6304ff18");
    CHECK(docket::auth::guest_token_hash(token) != docket::sha256_hex(token.substr(3)));
  }

  TEST_CASE("guest_token_matches compares a token with a stored hash") {
    const std::string token = docket::auth::generate_guest_token();
    const std::string stored = docket::auth::guest_token_hash(token);
    CHECK(docket::auth::guest_token_matches(token, stored));
    CHECK_FALSE(docket::auth::guest_token_matches(docket::auth::generate_guest_token(), stored));
    CHECK_FALSE(docket::auth::guest_token_matches(token, stored.substr(1)));
    CHECK_FALSE(docket::auth::guest_token_matches(token, ""));
  }

  TEST_CASE("looks_like_guest_token checks prefix, length and alphabet") {
    const std::string good = "si_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_0";
    REQUIRE(good.size() == 46);
    CHECK(looks_like_guest_token(good));
    CHECK_FALSE(looks_like_guest_token(""));
    CHECK_FALSE(looks_like_guest_token("si_"));
    CHECK_FALSE(looks_like_guest_token("SI_" + good.substr(3)));
    CHECK_FALSE(looks_like_guest_token("sk_" + good.substr(3)));
    CHECK_FALSE(looks_like_guest_token(good + "A"));
    CHECK_FALSE(looks_like_guest_token(good.substr(0, 45)));
    CHECK_FALSE(looks_like_guest_token(good.substr(0, 44) + "+0"));
    CHECK_FALSE(looks_like_guest_token(good.substr(0, 44) + "/0"));
    CHECK_FALSE(looks_like_guest_token(good.substr(0, 44) + "A="));
    CHECK_FALSE(looks_like_guest_token(good.substr(0, 45) + "1"));  // low bits set
    CHECK_FALSE(looks_like_guest_token("Bearer " + good));
  }
}
