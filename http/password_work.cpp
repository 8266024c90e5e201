#include "http/password_work.h"

namespace docket::http {

Status PasswordWork::acquire() {
  std::unique_lock lock(mu_);
  if (!freed_.wait_for(lock, max_wait_, [&] { return free_ > 0; })) {
    return Status::Unavailable("too many password checks at once; retry shortly");
  }
  --free_;
  return Status::Ok();
}

void PasswordWork::release() {
  {
    std::lock_guard lock(mu_);
    ++free_;
  }
  freed_.notify_one();
}

Result<std::string> PasswordWork::hash(std::string_view password) {
  if (Status s = acquire(); !s.ok()) return s;
  auto hashed = hasher_.hash(password);
  release();
  return hashed;
}

Result<bool> PasswordWork::verify(std::string_view stored_hash, std::string_view password) {
  if (Status s = acquire(); !s.ok()) return s;
  const bool match = hasher_.verify(stored_hash, password);
  release();
  return match;
}

Status PasswordWork::dummy_verify(std::string_view password) {
  if (Status s = acquire(); !s.ok()) return s;
  hasher_.dummy_verify(password);
  release();
  return Status::Ok();
}

}  // namespace docket::http
