#include "core/auth/password.h"

#include <sodium.h>

#include <array>
#include <cstring>

#include "core/crypto.h"

namespace docket::auth {
namespace {

using HashBuffer = std::array<char, crypto_pwhash_STRBYTES>;

// Copies `stored` into a NUL-terminated buffer; false when it cannot be a hash string.
bool to_c_string(std::string_view stored, HashBuffer& out) {
  if (stored.size() >= out.size() || stored.find('\0') != stored.npos) return false;
  std::memcpy(out.data(), stored.data(), stored.size());
  out[stored.size()] = '\0';
  return true;
}

Result<std::string> hash_with(const PasswordHashCost& cost, std::string_view password) {
  HashBuffer out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), cost.opslimit,
                        cost.memlimit) != 0) {
    return Status::Internal("argon2id hashing failed (out of memory)");
  }
  return std::string(out.data());
}

}  // namespace

PasswordHashCost PasswordHashCost::interactive() {
  return PasswordHashCost{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashCost PasswordHashCost::fast_for_tests() {
  return PasswordHashCost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<PasswordHasher> PasswordHasher::create(PasswordHashCost cost) {
  if (cost.opslimit < crypto_pwhash_OPSLIMIT_MIN || cost.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      cost.memlimit < crypto_pwhash_MEMLIMIT_MIN || cost.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    return Status::InvalidArgument("argon2id cost is outside libsodium's limits");
  }
  // The reference hash's password is random and thrown away: nothing can match it.
  const std::string throwaway = base64url_encode(random_bytes(32));
  Result<std::string> dummy = hash_with(cost, throwaway);
  if (!dummy.ok()) return dummy.status();
  return PasswordHasher(cost, std::move(dummy).value());
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  return hash_with(cost_, password);
}

bool PasswordHasher::verify(std::string_view stored_hash, std::string_view password) const {
  HashBuffer stored{};
  if (!to_c_string(stored_hash, stored)) return false;
  return crypto_pwhash_str_verify(stored.data(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(std::string_view stored_hash) const {
  HashBuffer stored{};
  if (!to_c_string(stored_hash, stored)) return true;
  return crypto_pwhash_str_needs_rehash(stored.data(), cost_.opslimit, cost_.memlimit) != 0;
}

void PasswordHasher::dummy_verify(std::string_view password) const {
  (void)verify(dummy_hash_, password);
}

}  // namespace docket::auth
