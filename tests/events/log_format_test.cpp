// log_format.h: key encodings sort in numeric / (stream, version) order.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "events/log_format.h"

namespace docket::events {

TEST_SUITE("events") {
  TEST_CASE("BE64 round-trips and sorts like the numbers it encodes") {
    const std::vector<std::uint64_t> values = {0, 1, 255, 256, 65535, 1ull << 32, UINT64_MAX};
    for (std::uint64_t v : values) {
      std::uint64_t back = 0;
      REQUIRE(log_format::decode_be64(log_format::encode_be64(v), back));
      CHECK(back == v);
    }
    for (std::size_t i = 1; i < values.size(); ++i) {
      CHECK(log_format::log_key(values[i - 1]) < log_format::log_key(values[i]));
    }
    std::uint64_t ignored = 0;
    CHECK_FALSE(log_format::decode_be64("1234567", ignored));
    CHECK_FALSE(log_format::decode_be64("123456789", ignored));
  }

  TEST_CASE("stream keys group a stream's versions and stay inside its bounds") {
    const std::string a1 = log_format::stream_key("inquiry-1", 1);
    const std::string a2 = log_format::stream_key("inquiry-1", 2);
    const std::string a300 = log_format::stream_key("inquiry-1", 300);
    const std::string longer = log_format::stream_key("inquiry-10", 1);
    CHECK(a1 < a2);
    CHECK(a2 < a300);
    // "inquiry-1" + '\0' sorts before "inquiry-10": no other stream interleaves.
    CHECK(a300 < longer);
    const std::string upper = log_format::stream_upper_bound("inquiry-1");
    CHECK(a300 < upper);
    CHECK(upper < longer);
    CHECK(a1.rfind(log_format::stream_prefix("inquiry-1"), 0) == 0);

    std::string_view stream;
    std::uint64_t version = 0;
    REQUIRE(log_format::parse_stream_key(a300, stream, version));
    CHECK(stream == "inquiry-1");
    CHECK(version == 300);
    CHECK_FALSE(log_format::parse_stream_key("short", stream, version));
    CHECK_FALSE(
        log_format::parse_stream_key(std::string("x") + std::string(9, '\1'), stream, version));
  }
}

}  // namespace docket::events
