#include "http/multipart.h"

#include <algorithm>
#include <cassert>
#include <functional>

#include <fmt/format.h>

#include "http/text.h"

namespace docket::http {
namespace {

constexpr std::size_t kMaxBoundaryLength = 70;  // RFC 2046 section 5.1.1
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kDefaultContentType = "text/plain";  // RFC 7578 section 4.4

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back()))
    s.remove_suffix(1);
  return s;
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars: bcharsnospace or a space.
bool is_bchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view boundary) {
  return !boundary.empty() && boundary.size() <= kMaxBoundaryLength &&
         std::all_of(boundary.begin(), boundary.end(), is_bchar) && boundary.back() != ' ';
}

// Walks `*( OWS ";" OWS [ token "=" ( token / quoted-string ) ] ) OWS` — the text of a
// header value after its type — and calls visit(name, value) for each parameter, the
// value without its quotes. With `backslash_escapes`, a backslash in a quoted-string
// escapes the next byte (RFC 9110 quoted-pair; the value keeps the backslash);
// without, a quoted value ends at the next double quote. Returns false on a syntax
// error or when `visit` returns false.
template <typename Visit>
bool for_each_param(std::string_view text, bool backslash_escapes, Visit visit) {
  std::size_t i = 0;
  const auto skip_ows = [&] {
    while (i < text.size() && is_ows(text[i]))
      ++i;
  };
  while (true) {
    skip_ows();
    if (i == text.size()) return true;
    if (text[i] != ';') return false;
    ++i;
    skip_ows();
    if (i == text.size() || text[i] == ';') continue;  // an empty parameter
    const std::size_t name_start = i;
    while (i < text.size() && is_tchar(text[i]))
      ++i;
    if (i == name_start || i == text.size() || text[i] != '=') return false;
    const std::string_view name = text.substr(name_start, i - name_start);
    ++i;  // '='
    std::string_view value;
    if (i < text.size() && text[i] == '"') {
      const std::size_t value_start = ++i;
      while (i < text.size() && text[i] != '"') {
        if (backslash_escapes && text[i] == '\\') ++i;
        ++i;
      }
      if (i >= text.size()) return false;  // unterminated
      value = text.substr(value_start, i - value_start);
      ++i;  // closing '"'
    } else {
      const std::size_t value_start = i;
      while (i < text.size() && is_tchar(text[i]))
        ++i;
      if (i == value_start) return false;
      value = text.substr(value_start, i - value_start);
    }
    if (!visit(name, value)) return false;
  }
}

Status invalid(std::string_view message) {
  return Status::InvalidArgument(fmt::format("multipart: {}", message));
}

// Reads `form-data; name="..."[; filename="..."]` into `part`.
Status parse_disposition(std::string_view value, MultipartPart& part) {
  const std::size_t semi = value.find(';');
  if (!iequals(trim_ows(value.substr(0, semi)), "form-data"))
    return invalid("Content-Disposition must be form-data");
  std::optional<std::string_view> name;
  std::optional<std::string_view> filename;
  const bool well_formed = for_each_param(
      semi == std::string_view::npos ? std::string_view() : value.substr(semi), false,
      [&](std::string_view key, std::string_view v) {
        std::optional<std::string_view>* slot = iequals(key, "name")       ? &name
                                                : iequals(key, "filename") ? &filename
                                                                           : nullptr;
        if (slot == nullptr) return true;  // other parameters are ignored
        if (slot->has_value()) return false;
        *slot = v;
        return true;
      });
  if (!well_formed) return invalid("malformed or repeated Content-Disposition parameter");
  if (!name) return invalid("Content-Disposition has no name");
  part.name = *name;
  part.filename = filename;
  return Status::Ok();
}

// Reads the header section starting at `pos` (just past a delimiter line) up to and
// including its empty line; on success `pos` is the first byte of the part's content.
Status parse_part_headers(std::string_view body, std::size_t& pos, std::size_t max_header_bytes,
                          MultipartPart& part) {
  const std::size_t start = pos;
  bool have_disposition = false;
  bool have_type = false;
  while (true) {
    // Invariant: pos - start <= max_header_bytes, so the search below is bounded.
    const std::size_t budget = max_header_bytes - (pos - start);
    const std::size_t eol = body.substr(pos, budget).find(kCrlf);
    if (eol == std::string_view::npos) {
      if (body.size() - pos > budget)
        return invalid(fmt::format("part headers exceed {} bytes", max_header_bytes));
      return invalid("part headers do not end with an empty line");
    }
    const std::string_view line = body.substr(pos, eol);
    pos += eol + kCrlf.size();
    if (line.empty()) break;

    for (char c : line) {
      const auto b = static_cast<unsigned char>(c);
      if ((b < 0x20 && c != '\t') || b == 0x7F)
        return invalid("control character in a part header");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return invalid("part header line without a colon");
    const std::string_view name = line.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
      return invalid("invalid part header name");
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "Content-Disposition")) {
      if (have_disposition) return invalid("repeated Content-Disposition");
      have_disposition = true;
      if (Status s = parse_disposition(value, part); !s.ok()) return s;
    } else if (iequals(name, "Content-Type")) {
      if (have_type) return invalid("repeated Content-Type");
      if (value.empty()) return invalid("empty Content-Type");
      have_type = true;
      part.content_type = value;
    }
  }
  if (!have_disposition) return invalid("a part has no Content-Disposition");
  if (!have_type) part.content_type = kDefaultContentType;
  return Status::Ok();
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  if (!iequals(trim_ows(content_type.substr(0, semi)), "multipart/form-data")) return std::nullopt;
  std::optional<std::string_view> boundary;
  const bool well_formed = for_each_param(
      semi == std::string_view::npos ? std::string_view() : content_type.substr(semi), true,
      [&](std::string_view name, std::string_view value) {
        if (!iequals(name, "boundary")) return true;
        if (boundary) return false;  // repeated: ambiguous
        boundary = value;
        return true;
      });
  // A quoted-pair leaves a backslash in the value, which is not a bchar: refused here.
  if (!well_formed || !boundary || !valid_boundary(*boundary)) return std::nullopt;
  return std::string(*boundary);
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits) {
  if (!valid_boundary(boundary)) return invalid("the boundary must be 1-70 valid characters");
  // A delimiter is CRLF "--" boundary; the first one may also start the body.
  const std::string delimiter = fmt::format("\r\n--{}", boundary);
  const std::string_view dash_boundary = std::string_view(delimiter).substr(kCrlf.size());
  const std::boyer_moore_horspool_searcher searcher(delimiter.begin(), delimiter.end());
  const auto find_delimiter = [&](std::size_t from) {
    const auto it = std::search(body.begin() + from, body.end(), searcher);
    return it == body.end() ? std::string_view::npos : static_cast<std::size_t>(it - body.begin());
  };

  std::size_t pos = 0;  // just past the "--" boundary of the current delimiter
  if (body.starts_with(dash_boundary)) {
    pos = dash_boundary.size();
  } else {
    const std::size_t at = find_delimiter(0);  // after a preamble
    if (at == std::string_view::npos) return invalid("no opening boundary delimiter");
    pos = at + delimiter.size();
  }

  std::vector<MultipartPart> parts;
  while (true) {
    // Invariant: pos is just past a "--" boundary.
    assert(pos >= dash_boundary.size() &&
           body.substr(pos - dash_boundary.size(), dash_boundary.size()) == dash_boundary);
    if (body.substr(pos).starts_with("--")) return parts;  // close delimiter; epilogue ignored
    // Transport padding, then the CRLF that ends the delimiter line.
    while (pos < body.size() && is_ows(body[pos]))
      ++pos;
    if (!body.substr(pos).starts_with(kCrlf)) {
      return invalid(
          "a boundary delimiter must be followed by CRLF or \"--\" (or the boundary occurs in "
          "a part)");
    }
    pos += kCrlf.size();
    if (parts.size() == limits.max_parts)
      return invalid(fmt::format("more than {} parts", limits.max_parts));

    MultipartPart part;
    if (Status s = parse_part_headers(body, pos, limits.max_header_bytes, part); !s.ok()) return s;
    const std::size_t end = find_delimiter(pos);
    if (end == std::string_view::npos) return invalid("no closing boundary delimiter");
    part.body = body.substr(pos, end - pos);
    parts.push_back(part);
    pos = end + delimiter.size();
  }
}

}  // namespace docket::http
