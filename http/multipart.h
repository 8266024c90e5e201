// multipart/form-data (RFC 7578 over RFC 2046 section 5.1): the boundary of a
// Content-Type header and a strict, bounded parser for one body already in memory.
//
// Grammar accepted (CRLF line endings only; SP / HTAB transport padding):
//
//   body        = [preamble CRLF] "--" boundary padding CRLF part
//                 *( CRLF "--" boundary padding CRLF part )
//                 CRLF "--" boundary "--" [anything: padding and epilogue, ignored]
//   part        = *( header-line CRLF ) CRLF content
//   header-line = token ":" OWS value OWS          (no CR, LF or other controls)
//
// A body may also be only a closing delimiter ("--" boundary "--"), as browsers send an
// empty FormData; it yields zero parts. The content of a part is every byte up to the
// next CRLF "--" boundary, so it may hold CR, LF, "--" and the boundary text anywhere
// except right after a CRLF. Such an occurrence must be followed by padding and CRLF,
// or by "--"; anything else is refused (RFC 2046 forbids the boundary inside a part).
//
// Content-Disposition must be `form-data` with a `name`; `filename` is optional; other
// parameters (such as `filename*`) are ignored. Quoted values are taken literally up
// to the next double quote, as the HTML form encoding writes them: it percent-encodes
// `"`, CR and LF as %22, %0D and %0A and sends a backslash as is. So a backslash is
// an ordinary byte (no quoted-pair unescaping) and no percent-decoding is done; the
// caller decides what a filename may contain.
//
// Pure functions, thread-safe. Time is linear in the body size: one Boyer-Moore-Horspool
// search for the delimiter (at most 74 bytes) per part, and at most max_header_bytes
// of header scanning per part.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::http {

struct MultipartLimits {
  std::size_t max_parts = 8;
  // Bytes of one part's header section: its header lines with their CRLFs and the
  // empty line that ends them.
  std::size_t max_header_bytes = 8192;
};

// One part of a form. Every view points into the body given to parse_multipart(),
// which must remain live while the views are used.
struct MultipartPart {
  std::string_view name;                     // Content-Disposition `name`, may be empty
  std::optional<std::string_view> filename;  // `filename`, when present (may be empty)
  std::string_view content_type;             // trimmed header value; "text/plain" if absent
  std::string_view body;                     // raw bytes, no transfer decoding
};

// The `boundary` parameter of `content_type` when its media type is
// multipart/form-data (type, subtype and parameter names compared ASCII
// case-insensitively). The boundary is a token or a quoted-string of 1-70 characters
// from RFC 2046's bchars, not ending in a space. nullopt when the media type differs,
// the parameter is missing or repeated, its value is invalid, or the header value is
// malformed.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The parts of `body`, in order. `boundary` is the value multipart_boundary() returned.
//
// Returns InvalidArgument, with a message naming the problem, when the boundary is not
// 1-70 valid characters, there is no opening or closing delimiter, a delimiter line
// does not end in CRLF, there are more than limits.max_parts parts, a header section
// exceeds limits.max_header_bytes or does not end with an empty line, a header line
// has no colon or an invalid name or value, Content-Disposition is missing, repeated,
// not form-data or has no name, or Content-Type is repeated or empty.
Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits = {});

}  // namespace docket::http
