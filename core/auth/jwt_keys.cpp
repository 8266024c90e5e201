#include "core/auth/jwt_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <array>
#include <cstring>

namespace docket::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kEs256SignatureBytes = 64;  // r || s, 32 bytes each

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string_view kind_name(JwtKeyKind kind) {
  return kind == JwtKeyKind::kRsa ? "RSA (RS256)" : "EC P-256 (ES256)";
}

std::string describe(std::size_t index, const std::string& kid) {
  std::string s = "public key #" + std::to_string(index + 1);
  if (!kid.empty()) s += " (kid \"" + kid + "\")";
  return s;
}

// Parses one PEM key and classifies it; `error` says why it is refused.
PkeyPtr parse_key(std::string_view pem, JwtKeyKind& kind, std::string& error) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    error = "cannot allocate a buffer";
    return nullptr;
  }
  PkeyPtr key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  ERR_clear_error();
  if (!key) {
    error = "is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)";
    return nullptr;
  }
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
        error = "is an RSA key shorter than 2048 bits";
        return nullptr;
      }
      kind = JwtKeyKind::kRsa;
      return key;
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len) != 1 ||
          std::strcmp(group, SN_X9_62_prime256v1) != 0) {
        ERR_clear_error();
        error = "is an EC key on a curve other than P-256";
        return nullptr;
      }
      kind = JwtKeyKind::kEcP256;
      return key;
    }
    default:
      error = "is neither an RSA nor an EC P-256 key";
      return nullptr;
  }
}

// JWS carries ES256 signatures as fixed-width r||s; OpenSSL verifies DER. Writes the
// DER form to `der` and returns its length, or 0 when the input cannot be converted.
std::size_t es256_raw_to_der(std::string_view raw, std::array<unsigned char, 80>& der) {
  if (raw.size() != kEs256SignatureBytes) return 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return 0;
  }
  std::size_t out = 0;
  const int len = i2d_ECDSA_SIG(sig, nullptr);
  if (len > 0 && static_cast<std::size_t>(len) <= der.size()) {
    unsigned char* p = der.data();
    if (i2d_ECDSA_SIG(sig, &p) == len) out = static_cast<std::size_t>(len);
  }
  ECDSA_SIG_free(sig);  // owns r and s
  return out;
}

}  // namespace

struct JwtKeySet::Impl {
  struct Key {
    std::string kid;
    JwtKeyKind kind;
    PkeyPtr pkey;
  };
  std::vector<Key> keys;
};

JwtKeySet::JwtKeySet() : impl_(std::make_shared<const Impl>()) {}

Result<JwtKeySet> JwtKeySet::load(const std::vector<JwtPublicKey>& keys) {
  auto impl = std::make_shared<Impl>();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const JwtPublicKey& in = keys[i];
    for (const Impl::Key& seen : impl->keys) {
      if (!in.kid.empty() && seen.kid == in.kid) {
        return Status::InvalidArgument(describe(i, in.kid) + " repeats a kid");
      }
    }
    JwtKeyKind kind = JwtKeyKind::kRsa;
    std::string error;
    PkeyPtr pkey = parse_key(in.pem, kind, error);
    if (!pkey) return Status::InvalidArgument(describe(i, in.kid) + " " + error);
    impl->keys.push_back(Impl::Key{in.kid, kind, std::move(pkey)});
  }
  JwtKeySet set;
  set.impl_ = std::move(impl);
  return set;
}

std::size_t JwtKeySet::size() const {
  return impl_->keys.size();
}

bool JwtKeySet::has_kind(JwtKeyKind kind) const {
  for (const Impl::Key& k : impl_->keys) {
    if (k.kind == kind) return true;
  }
  return false;
}

JwtError JwtKeySet::verify(JwtKeyKind kind, std::optional<std::string_view> kid,
                           std::string_view signing_input, std::string_view signature,
                           std::string& detail) const {
  if (!has_kind(kind)) {
    detail = "no ";
    detail += kind_name(kind);
    detail += " public key is configured";
    return JwtError::kAlgorithmNotAllowed;
  }
  // Candidates: the key named by kid; failing that, kid-less keys of this kind.
  std::vector<const Impl::Key*> candidates;
  if (kid) {
    for (const Impl::Key& k : impl_->keys) {
      if (k.kid.empty() || k.kid != *kid) continue;
      if (k.kind != kind) {
        detail = "kid names a key that only verifies ";
        detail += kind_name(k.kind);
        return JwtError::kAlgorithmNotAllowed;
      }
      candidates.push_back(&k);
    }
  }
  if (candidates.empty()) {
    for (const Impl::Key& k : impl_->keys) {
      if (k.kind == kind && (!kid || k.kid.empty())) candidates.push_back(&k);
    }
  }
  if (candidates.empty()) {
    detail = "kid matches no configured key";
    return JwtError::kUnknownKey;
  }

  std::array<unsigned char, 80> der{};
  const unsigned char* sig = reinterpret_cast<const unsigned char*>(signature.data());
  std::size_t sig_len = signature.size();
  if (kind == JwtKeyKind::kEcP256) {
    sig_len = es256_raw_to_der(signature, der);
    if (sig_len == 0) {
      detail = "ES256 signature is not 64 bytes of r||s";
      return JwtError::kBadSignature;
    }
    sig = der.data();
  }

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) {
    detail = "cannot allocate a verification context";
    return JwtError::kInternal;
  }
  bool verified = false;
  for (const Impl::Key* k : candidates) {
    if (EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, k->pkey.get()) == 1 &&
        EVP_DigestVerify(ctx, sig, sig_len,
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size()) == 1) {
      verified = true;
      break;
    }
    EVP_MD_CTX_reset(ctx);
  }
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  if (!verified) {
    detail = "signature does not verify with the configured ";
    detail += kind_name(kind);
    detail += candidates.size() == 1 ? " key" : " keys";
    return JwtError::kBadSignature;
  }
  return JwtError::kNone;
}

}  // namespace docket::auth
