#include "core/auth/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cassert>

namespace docket::auth {
namespace {

// One keyed-once-per-call HMAC-SHA-256 context per thread. The digest is chosen when
// the context is created; EVP_MAC_init with a key and no parameters keeps it, so a
// call fetches nothing and allocates nothing.
class ThreadMac {
 public:
  ThreadMac() {
    mac_ = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    if (mac_ == nullptr) return;
    ctx_ = EVP_MAC_CTX_new(mac_);
    if (ctx_ == nullptr) return;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(ctx_, params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~ThreadMac() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  ThreadMac(const ThreadMac&) = delete;
  ThreadMac& operator=(const ThreadMac&) = delete;

  bool compute(std::string_view key, std::string_view data, Sha256Digest& out) {
    if (ctx_ == nullptr) return false;
    std::size_t len = 0;
    const bool ok = EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()),
                                 key.size(), nullptr) == 1 &&
                    EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()) == 1 &&
                    EVP_MAC_final(ctx_, out.data(), &len, out.size()) == 1 && len == out.size();
    return ok;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

}  // namespace

bool hmac_sha256(std::string_view key, std::string_view data, Sha256Digest& out) {
  assert(!key.empty());
  thread_local ThreadMac mac;
  return mac.compute(key, data, out);
}

}  // namespace docket::auth
