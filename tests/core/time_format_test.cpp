#include "core/time_format.h"

#include <doctest/doctest.h>

using docket::format_iso8601;
using docket::parse_iso8601;

TEST_SUITE("core") {
  TEST_CASE("timestamps format as ISO-8601 UTC with milliseconds") {
    CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso8601(1795312224123) == "2026-11-22T01:50:24.123Z");
    CHECK(format_iso8601(951782400000) == "2000-02-29T00:00:00.000Z");
  }

  TEST_CASE("parsing accepts dates, Z and offsets and round-trips formatting") {
    CHECK(parse_iso8601("2026-11-22T01:50:24.123Z") == 1795312224123);
    CHECK(parse_iso8601("2026-11-22") == 1795305600000);
    CHECK(parse_iso8601("2026-11-22T02:50:24.123+01:00") == 1795312224123);
    CHECK(parse_iso8601("2026-11-22T01:50:24Z") == 1795312224000);
    for (docket::UnixMillis t : {0LL, 1795312224123LL, 4102444799999LL}) {
      CHECK(parse_iso8601(format_iso8601(t)) == t);
    }
  }

  TEST_CASE("parsing rejects malformed or impossible timestamps") {
    for (const char* bad :
         {"", "2026", "2026-13-01", "2026-02-30", "2026-11-22T25:00:00Z", "2026-11-22T01:50:24",
          "2026-11-22T01:50:24.Z", "2026-11-22T01:50:24Zjunk", "2026-11-22x"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_iso8601(bad).has_value());
    }
  }
}
