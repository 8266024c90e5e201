#include "cli/progress.h"

#include <doctest/doctest.h>

TEST_SUITE("cli") {
  TEST_CASE("with_thousands groups digits by three from the right") {
    using docket::cli::with_thousands;
    CHECK(with_thousands(0) == "0");
    CHECK(with_thousands(55) == "55");
    CHECK(with_thousands(999) == "999");
    CHECK(with_thousands(1000) == "1,000");
    CHECK(with_thousands(55555) == "55,555");
    CHECK(with_thousands(1234567) == "1,234,567");
  }
}
