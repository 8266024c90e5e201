// HMAC-SHA-256, the MAC behind JWT HS256.
//
// Thread-safe. Each thread keeps one HMAC context (created on its first call and
// re-keyed on every call), so the hot path of HS256 verification allocates nothing.
// The key stays in that thread's context until the next call or thread exit.
#pragma once

#include <string_view>

#include "core/crypto.h"

namespace docket::auth {

// Writes HMAC-SHA-256(key, data) to `out`. Returns false only when OpenSSL cannot
// create the context (out of memory); `out` is then unspecified.
// REQUIRES: key is not empty.
bool hmac_sha256(std::string_view key, std::string_view data, Sha256Digest& out);

}  // namespace docket::auth
