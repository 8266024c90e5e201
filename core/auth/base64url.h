// A fast base64url decoder for public data (JWT header, payload and signature).
//
// core/crypto.h's base64url_decode runs in constant time, which costs about 8 ns per
// character; JWT verification decodes ~250 characters per request of data the sender
// already knows, so it uses this table-driven decoder instead. Never use it for
// secrets: its timing depends on the input. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace docket::auth {

// Decodes RFC 4648 §5 base64url without padding into `out` (replacing its contents,
// reusing its capacity). False — with `out` cleared — on any character outside the
// alphabet (including '='), a length of 4n+1, or non-zero unused bits in the last
// character, so every byte string has exactly one accepted encoding (the same
// rules as base64url_decode).
bool base64url_decode_vartime(std::string_view text, std::string& out);

}  // namespace docket::auth
