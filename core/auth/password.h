// PasswordHasher: Argon2id password hashes (libsodium crypto_pwhash_str).
//
// Hashes are self-describing strings ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>")
// that carry their own salt and cost, so a stored hash stays verifiable after the
// configured cost changes; needs_rehash() tells when to re-hash after a login.
//
// Thread-safe: every method is const and may be called from any thread. Each hash or
// verify takes `memlimit` bytes of memory and tens of milliseconds of one core at the
// interactive cost, so callers run them off latency-sensitive threads and bound how
// many run at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace docket::auth {

// Argon2id cost: passes over memory and bytes of memory per hash.
struct PasswordHashCost {
  std::uint64_t opslimit = 0;
  std::size_t memlimit = 0;

  // libsodium's INTERACTIVE limits (2 passes, 64 MiB): the default.
  static PasswordHashCost interactive();
  // The smallest limits libsodium allows (1 pass, 8 KiB). Only for tests: such hashes
  // give no protection against guessing.
  static PasswordHashCost fast_for_tests();
};

class PasswordHasher {
 public:
  // InvalidArgument when the cost is outside libsodium's limits; Internal when the
  // reference hash used by dummy_verify() cannot be computed (out of memory).
  static Result<PasswordHasher> create(PasswordHashCost cost = PasswordHashCost::interactive());

  // A new hash of `password` with a fresh random salt. Internal when libsodium fails
  // (out of memory). The password is not checked against the policy here.
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `stored_hash`. False for a wrong password and for a
  // stored hash that is not a libsodium Argon2 string. Costs what the stored hash says.
  bool verify(std::string_view stored_hash, std::string_view password) const;

  // True when `stored_hash` was made with another algorithm or cost than this hasher's
  // (or cannot be read): re-hash the password after a successful verify.
  bool needs_rehash(std::string_view stored_hash) const;

  // Verifies `password` against a fixed hash made at this hasher's cost and discards
  // the answer. Login calls it when no account has the given e-mail, so that both
  // answers take the same time and do not reveal which e-mails are registered.
  void dummy_verify(std::string_view password) const;

  const PasswordHashCost& cost() const { return cost_; }

 private:
  PasswordHasher(PasswordHashCost cost, std::string dummy_hash)
      : cost_(cost), dummy_hash_(std::move(dummy_hash)) {}

  PasswordHashCost cost_;
  std::string dummy_hash_;
};

}  // namespace docket::auth
