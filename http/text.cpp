#include "http/text.h"

#include <cstdint>

#include "core/utf8.h"

namespace docket::http {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  return docket::utf8_length(text);
}

bool has_control_chars(std::string_view text, bool allow_line_breaks) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0x7F) return true;
    if (c >= 0x20) continue;
    if (allow_line_breaks && (c == '\t' || c == '\r' || c == '\n')) continue;
    return true;
  }
  return false;
}

}  // namespace docket::http
