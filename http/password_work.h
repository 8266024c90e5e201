// PasswordWork: password hashing and checking with a bound on how many run at once.
//
// An Argon2id hash or check takes tens of milliseconds and `memlimit` bytes (64 MiB at
// the interactive cost). Handlers run on IO threads, so each caller here blocks its
// thread for that long; the bound keeps memory fixed and leaves the other IO threads
// serving. A caller that cannot get a slot within `max_wait` gets Unavailable (503)
// instead of queueing without limit.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>

#include "core/auth/password.h"
#include "core/result.h"

namespace docket::http {

class PasswordWork {
 public:
  // REQUIRES: slots >= 1.
  PasswordWork(auth::PasswordHasher hasher, unsigned slots,
               std::chrono::milliseconds max_wait = std::chrono::seconds(5))
      : hasher_(std::move(hasher)), free_(slots), max_wait_(max_wait) {}

  Result<std::string> hash(std::string_view password);
  // Unavailable when no slot freed up in time; otherwise whether it matches.
  Result<bool> verify(std::string_view stored_hash, std::string_view password);
  // Spends the time of a verify, for answers that must not reveal a missing account.
  Status dummy_verify(std::string_view password);

 private:
  // Takes a slot, or Unavailable after max_wait.
  Status acquire();
  void release();

  const auth::PasswordHasher hasher_;
  std::mutex mu_;
  std::condition_variable freed_;
  unsigned free_;  // guarded by mu_
  const std::chrono::milliseconds max_wait_;
};

}  // namespace docket::http
