#include "core/utf8.h"

#include <doctest/doctest.h>

TEST_SUITE("core") {
  TEST_CASE("utf8_length counts code points and refuses malformed sequences") {
    CHECK(docket::utf8_length("") == 0);
    CHECK(docket::utf8_length("abc") == 3);
    CHECK(docket::utf8_length("h\xC3\xA9llo") == 5);
    CHECK(docket::utf8_length("\xF0\x9F\x98\x80") == 1);
    for (const char* bad :
         {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3", "\xFF"}) {
      CAPTURE(bad);
      CHECK(docket::utf8_length(bad) == std::string_view::npos);
    }
  }
}
