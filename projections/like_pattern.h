// Substring search in SQL: the LIKE pattern that matches `text` anywhere, with LIKE's
// wildcards escaped. Use it with `column LIKE ?n ESCAPE '\'`. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace docket::projections {

// "%text%" with '%', '_' and '\' escaped by '\'.
inline std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace docket::projections
