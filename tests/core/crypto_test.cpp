#include "core/crypto.h"

#include <doctest/doctest.h>

TEST_SUITE("core") {
  TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
    CHECK(docket::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(docket::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  TEST_CASE("base64url round-trips and rejects padding or foreign characters") {
    for (std::string in : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                           std::string("\xff\xfe\x00\x01", 4)}) {
      std::string out;
      REQUIRE(docket::base64url_decode(docket::base64url_encode(in), out));
      CHECK(out == in);
    }
    CHECK(docket::base64url_encode("\xfb\xff") == "-_8");
    std::string out;
    CHECK_FALSE(docket::base64url_decode("Zm9v=", out));
    CHECK_FALSE(docket::base64url_decode("Zm+v", out));
    CHECK_FALSE(docket::base64url_decode("Zm9\xbf", out));  // high bytes are not '_'
    CHECK_FALSE(docket::base64url_decode("Zm 9v", out));
  }

  TEST_CASE("random_bytes gives the asked length and differs between calls") {
    const std::string a = docket::random_bytes(32);
    const std::string b = docket::random_bytes(32);
    CHECK(a.size() == 32);
    CHECK(a != b);
    for (int i = 0; i < 1000; ++i)
      CHECK(docket::random_uniform(7) < 7);
  }

  TEST_CASE("constant_time_equals compares contents and lengths") {
    CHECK(docket::constant_time_equals("abc", "abc"));
    CHECK_FALSE(docket::constant_time_equals("abc", "abd"));
    CHECK_FALSE(docket::constant_time_equals("abc", "abcd"));
    CHECK(docket::constant_time_equals("", ""));
  }
}
