// UTF-8 decoding rules shared by JSON writing and input validation (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace docket {

// Length in bytes (1-4) of the valid UTF-8 sequence starting at s[i], or 0 when the
// bytes there are not valid UTF-8. REQUIRES: i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Number of code points in `s`, or std::string_view::npos when it is not valid UTF-8.
std::size_t utf8_length(std::string_view s);

// The longest prefix of `s` with at most `max_chars` code points (an invalid byte counts
// as one), never cutting a sequence in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_chars);

}  // namespace docket
