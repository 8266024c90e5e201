// Identity set-up at server start: the JWT signing secret, the verifier, the password
// hasher, the permission seed and the bootstrap admin.
#pragma once

#include <memory>
#include <string>

#include "core/auth/jwt.h"
#include "core/auth/password.h"
#include "core/config.h"
#include "core/result.h"

namespace docket::events {
class EventStore;
}

namespace docket::cli {

// DOCKET_JWT_SECRET when set; otherwise the key in <data dir>/jwt-secret, created
// (32 random bytes, base64url, mode 0600) when missing. The key never reaches a log.
Result<std::string> load_or_create_jwt_secret(const Config& config);

// A verifier for Docket's own HS256 tokens and, when configured, an external
// provider's RS256/ES256 keys (DOCKET_JWT_PUBLIC_KEY_FILES).
Result<auth::JwtVerifier> make_jwt_verifier(const Config& config, const std::string& secret,
                                            const Clock* clock);

// The hasher for DOCKET_PASSWORD_HASH_COST.
Result<auth::PasswordHasher> make_password_hasher(const Config& config);

// Creates the first admin from DOCKET_BOOTSTRAP_ADMIN_EMAIL/PASSWORD when both are set
// and no staff account exists. Logs what it did (never the password). InvalidArgument
// when the e-mail or password is not acceptable.
Status bootstrap_admin(const Config& config, events::EventStore& store,
                       const auth::PasswordHasher& hasher);

// Creates an admin (`docket accounts create-admin`, the control socket and the
// bootstrap): validates the e-mail and password, hashes, appends. `only_if_first`:
// FailedPrecondition when a staff account exists. AlreadyExists when the e-mail is
// taken. Returns the new account id.
Result<std::int64_t> create_admin(events::EventStore& store, const auth::PasswordHasher& hasher,
                                  std::string_view email, std::string_view password,
                                  std::string_view name, bool only_if_first);

// docket accounts reset-admin (and the control socket's reset_admin): makes the staff
// account with this e-mail an active admin holding every permission, and sets its
// password when `password` is given (checked against the password policy, hashed).
// NotFound when no staff account has the e-mail. Returns the account id.
Result<std::int64_t> reset_admin(events::EventStore& store, const auth::PasswordHasher& hasher,
                                 std::string_view email, std::optional<std::string_view> password);

}  // namespace docket::cli
