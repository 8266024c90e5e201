// Small text helpers used to bound and normalise untrusted input.
//
// All functions are pure and thread-safe. "Whitespace" means ASCII space, tab, CR and LF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace docket::http {

// `text` without leading and trailing whitespace (a view into `text`).
std::string_view trim(std::string_view text);

// ASCII lower-case copy; other bytes are kept.
std::string to_lower_ascii(std::string_view text);

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

// Number of code points in `text`, or std::string_view::npos when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::size_t utf8_length(std::string_view text);

// True when `text` holds a C0 control character (other than tab, CR, LF when
// `allow_line_breaks`) or DEL.
bool has_control_chars(std::string_view text, bool allow_line_breaks);

}  // namespace docket::http
