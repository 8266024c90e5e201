// JwtVerifier and sign_hs256 with HS256 and hand-made hostile tokens.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "core/auth/hmac.h"
#include "core/auth/jwt.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "tests/core/vectors/jwt_vectors.h"

namespace {

using docket::ManualClock;
using docket::auth::JwtClaims;
using docket::auth::JwtError;
using docket::auth::JwtVerifier;
using docket::auth::JwtVerifierOptions;
namespace vectors = docket::auth::test_vectors;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-unit";
constexpr std::int64_t kNow = 1767225600;  // seconds
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
// iat = kNow - 10, exp = kNow + 900
constexpr std::string_view kPayload =
    R"({"sub":"42","role":"agent","iss":"docket","aud":"docket-api","iat":1767225590,)"
    R"("exp":1767226500})";

std::string b64(std::string_view bytes) {
  return docket::base64url_encode(bytes);
}

std::string decode(std::string_view text) {
  std::string out;
  REQUIRE(docket::base64url_decode(text, out));
  return out;
}

// A compact JWS over the given JSON texts, HMAC-SHA-256 keyed with `key`.
std::string craft(std::string_view header, std::string_view payload,
                  std::string_view key = kSecret) {
  std::string input = b64(header) + "." + b64(payload);
  docket::Sha256Digest mac{};
  REQUIRE(docket::auth::hmac_sha256(key, input, mac));
  return input + "." + b64(std::string_view(reinterpret_cast<const char*>(mac.data()), 32));
}

JwtVerifierOptions options(const ManualClock& clock) {
  JwtVerifierOptions o;
  o.hs256_secret = std::string(kSecret);
  o.issuers = {"docket", "https://idp.example.com/"};
  o.audience = "docket-api";
  o.clock = &clock;
  return o;
}

JwtVerifier verifier(const ManualClock& clock) {
  auto v = JwtVerifier::create(options(clock));
  REQUIRE(v.ok());
  return *v;
}

JwtError reason_of(const JwtVerifier& v, std::string_view token) {
  JwtError reason = JwtError::kNone;
  auto r = v.verify(token, &reason);
  CHECK(r.ok() == (reason == JwtError::kNone));
  return reason;
}

JwtClaims sample_claims() {
  JwtClaims c;
  c.sub = "42";
  c.role = "agent";
  c.iss = "docket";
  c.aud = "docket-api";
  c.iat = kNow - 10;
  c.exp = kNow + 900;
  return c;
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("a crafted HS256 token verifies, so the hand-made tokens below are sound") {
    ManualClock clock(kNow * 1000);
    CHECK(reason_of(verifier(clock), craft(kHeader, kPayload)) == JwtError::kNone);
  }

  TEST_CASE("sign_hs256 writes the documented header and claims") {
    JwtClaims c = sample_claims();
    c.nbf = kNow - 5;
    const std::string token = docket::auth::sign_hs256(c, kSecret);
    const std::size_t dot1 = token.find('.');
    const std::size_t dot2 = token.rfind('.');
    CHECK(decode(token.substr(0, dot1)) == R"({"alg":"HS256","typ":"JWT"})");
    CHECK(decode(token.substr(dot1 + 1, dot2 - dot1 - 1)) ==
          R"({"sub":"42","role":"agent","iss":"docket","aud":"docket-api","iat":1767225590,)"
          R"("nbf":1767225595,"exp":1767226500})");
    CHECK(decode(token.substr(dot2 + 1)).size() == 32);
  }

  TEST_CASE("sign_hs256 and verify round-trip the claims") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    JwtClaims c = sample_claims();
    SUBCASE("all claims") {
      c.nbf = kNow - 5;
    }
    SUBCASE("no role, no iat") {
      c.role.clear();
      c.iat.reset();
    }
    SUBCASE("strings that need escaping") {
      c.sub = "user \"7\" \\ é";
    }
    auto r = v.verify(docket::auth::sign_hs256(c, kSecret));
    REQUIRE(r.ok());
    CHECK(r->sub == c.sub);
    CHECK(r->role == c.role);
    CHECK(r->iss == c.iss);
    CHECK(r->aud == c.aud);
    CHECK(r->iat == c.iat);
    CHECK(r->exp == c.exp);
    CHECK(r->nbf == c.nbf);
    CHECK(r->payload_json.find("\"exp\":1767226500") != std::string::npos);
  }

  TEST_CASE("verify returns extra claims in payload_json") {
    ManualClock clock(kNow * 1000);
    auto r = verifier(clock).verify(craft(
        kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":1767226500,"sid":"s1"})"));
    REQUIRE(r.ok());
    CHECK(r->payload_json ==
          R"({"sub":"42","iss":"docket","aud":"docket-api","exp":1767226500,"sid":"s1"})");
    CHECK(r->role.empty());
    CHECK_FALSE(r->iat.has_value());
  }

  TEST_CASE("verify rejects tampered tokens") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    const std::string good = docket::auth::sign_hs256(sample_claims(), kSecret);
    const std::size_t dot1 = good.find('.');
    const std::size_t dot2 = good.rfind('.');
    const std::string signature = good.substr(dot2 + 1);
    std::string token;
    JwtError expected = JwtError::kBadSignature;

    SUBCASE("payload changed") {
      token = b64(kHeader) + "." + b64(std::string(kPayload).replace(8, 2, "43")) + "." + signature;
    }
    SUBCASE("header changed") {
      token = b64(R"({"alg":"HS256","typ":"jwt"})") + good.substr(dot1);
    }
    SUBCASE("one signature character changed") {
      token = good;
      char& c = token[dot2 + 10];
      c = c == 'A' ? 'B' : 'A';
    }
    SUBCASE("signature truncated to 30 bytes") {
      token = good.substr(0, good.size() - 3);
    }
    SUBCASE("signature empty") {
      token = good.substr(0, dot2 + 1);
    }
    SUBCASE("signed with another secret") {
      token = docket::auth::sign_hs256(sample_claims(), "another-secret-0123456789abcdefghij");
    }
    SUBCASE("signature with non-canonical trailing bits") {
      token = good;
      token.back() = token.back() == 'B' ? 'C' : 'B';  // 43 chars: low 2 bits must be 0
      expected = JwtError::kMalformed;
    }
    CHECK(reason_of(v, token) == expected);
  }

  TEST_CASE("verify rejects malformed tokens") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    const std::string good = craft(kHeader, kPayload);
    std::string token;
    SUBCASE("empty") {
      token = "";
    }
    SUBCASE("two parts") {
      token = good.substr(0, good.rfind('.'));
    }
    SUBCASE("four parts") {
      token = good + ".e30";
    }
    SUBCASE("header not base64url") {
      token = "e30!" + good.substr(good.find('.'));
    }
    SUBCASE("header with base64 padding") {
      token = b64(kHeader) + "=" + good.substr(good.find('.'));
    }
    SUBCASE("header not JSON") {
      token = craft(R"({"alg":"HS256")", kPayload);
    }
    SUBCASE("header an array") {
      token = craft(R"(["HS256"])", kPayload);
    }
    SUBCASE("header without alg") {
      token = craft(R"({"typ":"JWT"})", kPayload);
    }
    SUBCASE("alg not a string") {
      token = craft(R"({"alg":256})", kPayload);
    }
    SUBCASE("kid not a string") {
      token = craft(R"({"alg":"HS256","kid":1})", kPayload);
    }
    SUBCASE("alg repeated") {
      token = craft(R"({"alg":"HS256","alg":"none"})", kPayload);
    }
    SUBCASE("crit header") {
      token = craft(R"({"alg":"HS256","crit":["b64"],"b64":false})", kPayload);
    }
    SUBCASE("payload not JSON") {
      token = craft(kHeader, R"({"sub":"42")");
    }
    SUBCASE("payload not an object") {
      token = craft(kHeader, R"(["sub","42"])");
    }
    SUBCASE("payload not UTF-8") {
      token =
          craft(kHeader,
                "{\"sub\":\"\xff\",\"iss\":\"docket\",\"aud\":\"docket-api\",\"exp\":1767226500}");
    }
    SUBCASE("sub a number") {
      token = craft(kHeader, R"({"sub":42,"iss":"docket","aud":"docket-api","exp":1767226500})");
    }
    SUBCASE("role not a string") {
      token = craft(
          kHeader,
          R"({"sub":"42","role":["admin"],"iss":"docket","aud":"docket-api","exp":1767226500})");
    }
    SUBCASE("exp a string") {
      token =
          craft(kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":"1767226500"})");
    }
    SUBCASE("exp negative") {
      token = craft(kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":-1})");
    }
    SUBCASE("exp beyond year 9999") {
      token =
          craft(kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":253402300800})");
    }
    SUBCASE("exp beyond int64") {
      token = craft(kHeader,
                    R"({"sub":"42","iss":"docket","aud":"docket-api","exp":18446744073709551615})");
    }
    SUBCASE("nbf a boolean") {
      token = craft(
          kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":1767226500,"nbf":true})");
    }
    SUBCASE("aud a number") {
      token = craft(kHeader, R"({"sub":"42","iss":"docket","aud":7,"exp":1767226500})");
    }
    SUBCASE("aud an array with a number") {
      token =
          craft(kHeader, R"({"sub":"42","iss":"docket","aud":["docket-api",7],"exp":1767226500})");
    }
    SUBCASE("sub repeated") {
      token = craft(kHeader,
                    R"({"sub":"42","sub":"1","iss":"docket","aud":"docket-api","exp":1767226500})");
    }
    SUBCASE("signature not base64url") {
      token = good.substr(0, good.rfind('.') + 1) + "a+b/";
    }
    CHECK(reason_of(v, token) == JwtError::kMalformed);
  }

  TEST_CASE("verify refuses tokens over the size cap before parsing them") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    CHECK(reason_of(v, std::string(docket::auth::kMaxJwtBytes + 1, 'a')) == JwtError::kTooLarge);

    // A valid token of exactly the cap is accepted.
    const std::string base =
        R"({"sub":"42","iss":"docket","aud":"docket-api","exp":1767226500,"pad":")";
    // Header (36) + payload + signature (43) + two dots; base64 makes 4 characters of 3 bytes.
    const std::size_t payload_chars = docket::auth::kMaxJwtBytes - 36 - 43 - 2;
    std::string pad(payload_chars * 3 / 4 - base.size() - 2, 'x');
    std::string token = craft(kHeader, base + pad + "\"}");
    REQUIRE(token.size() == docket::auth::kMaxJwtBytes);
    CHECK(reason_of(v, token) == JwtError::kNone);
    CHECK(reason_of(v, craft(kHeader, base + pad + "xxxx\"}")) == JwtError::kTooLarge);
  }

  TEST_CASE("alg none is always rejected") {
    ManualClock clock(kNow * 1000);
    JwtVerifierOptions o = options(clock);
    o.public_keys = {{"rsa-1", std::string(vectors::kRsaPublicPem)}};
    auto v = JwtVerifier::create(o);
    REQUIRE(v.ok());
    for (std::string alg : {"none", "None", "NONE", "nOnE"}) {
      const std::string header = R"({"alg":")" + alg + R"(","typ":"JWT"})";
      SUBCASE(("empty signature, alg " + alg).c_str()) {
        CHECK(reason_of(*v, b64(header) + "." + b64(kPayload) + ".") == JwtError::kAlgNone);
      }
      SUBCASE(("HMAC signature, alg " + alg).c_str()) {
        CHECK(reason_of(*v, craft(header, kPayload)) == JwtError::kAlgNone);
      }
    }
  }

  TEST_CASE("algorithm confusion: a public key is never used as an HMAC secret") {
    ManualClock clock(kNow * 1000);
    // The classic attack: HS256 signed with the public key's PEM text as the secret.
    auto check_forgeries = [&](bool with_secret, JwtError expected) {
      for (std::string_view pem : {vectors::kRsaPublicPem, vectors::kEcPublicPem}) {
        JwtVerifierOptions o = options(clock);
        if (!with_secret) o.hs256_secret.reset();
        o.public_keys = {{"", std::string(pem)}};
        auto v = JwtVerifier::create(o);
        REQUIRE(v.ok());
        CHECK(reason_of(*v, craft(kHeader, kPayload, pem)) == expected);
      }
    };
    SUBCASE("verifier with public keys only") {
      check_forgeries(false, JwtError::kAlgorithmNotAllowed);
    }
    SUBCASE("verifier with a secret and public keys") {
      check_forgeries(true, JwtError::kBadSignature);
    }
  }

  TEST_CASE("asymmetric algorithms need a public key of their kind") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);  // secret only
    SUBCASE("RS256 signed with the secret") {
      CHECK(reason_of(v, craft(R"({"alg":"RS256"})", kPayload)) == JwtError::kAlgorithmNotAllowed);
    }
    SUBCASE("ES256 signed with the secret") {
      CHECK(reason_of(v, craft(R"({"alg":"ES256"})", kPayload)) == JwtError::kAlgorithmNotAllowed);
    }
    SUBCASE("RS256 with an EC key only") {
      JwtVerifierOptions o = options(clock);
      o.public_keys = {{"ec-1", std::string(vectors::kEcPublicPem)}};
      auto ec_only = JwtVerifier::create(o);
      REQUIRE(ec_only.ok());
      CHECK(reason_of(*ec_only, craft(R"({"alg":"RS256"})", kPayload)) ==
            JwtError::kAlgorithmNotAllowed);
    }
  }

  TEST_CASE("algorithms other than HS256, RS256 and ES256 are not allowed") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    for (std::string alg : {"hs256", "HS384", "HS512", "PS256", "RS512", "ES384", "EdDSA", ""}) {
      CAPTURE(alg);
      CHECK(reason_of(v, craft(R"({"alg":")" + alg + "\"}", kPayload)) ==
            JwtError::kAlgorithmNotAllowed);
    }
  }

  TEST_CASE("verify requires sub and exp") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    SUBCASE("no sub") {
      CHECK(
          reason_of(v, craft(kHeader, R"({"iss":"docket","aud":"docket-api","exp":1767226500})")) ==
          JwtError::kMissingClaim);
    }
    SUBCASE("empty sub") {
      CHECK(
          reason_of(v, craft(kHeader,
                             R"({"sub":"","iss":"docket","aud":"docket-api","exp":1767226500})")) ==
          JwtError::kMissingClaim);
    }
    SUBCASE("no exp") {
      CHECK(reason_of(v, craft(kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api"})")) ==
            JwtError::kMissingClaim);
    }
  }

  TEST_CASE("exp, nbf and iat are checked with the leeway") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);  // leeway 30 s
    JwtClaims c = sample_claims();
    SUBCASE("exp") {
      const std::string token = docket::auth::sign_hs256(c, kSecret);
      clock.set((c.exp + 30) * 1000 - 1);
      CHECK(reason_of(v, token) == JwtError::kNone);
      clock.set((c.exp + 30) * 1000);
      CHECK(reason_of(v, token) == JwtError::kExpired);
    }
    SUBCASE("nbf") {
      c.nbf = kNow + 30;
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kNone);
      c.nbf = kNow + 31;
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kNotYetValid);
    }
    SUBCASE("iat in the future") {
      c.iat = kNow + 30;
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kNone);
      c.iat = kNow + 31;
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kNotYetValid);
    }
    SUBCASE("no leeway") {
      JwtVerifierOptions o = options(clock);
      o.leeway_seconds = 0;
      auto strict = JwtVerifier::create(o);
      REQUIRE(strict.ok());
      const std::string token = docket::auth::sign_hs256(c, kSecret);
      clock.set(c.exp * 1000 - 1);
      CHECK(reason_of(*strict, token) == JwtError::kNone);
      clock.set(c.exp * 1000);
      CHECK(reason_of(*strict, token) == JwtError::kExpired);
    }
    SUBCASE("fractional NumericDates are truncated") {
      const std::string token =
          craft(kHeader, R"({"sub":"42","iss":"docket","aud":"docket-api","exp":1767226500.9})");
      auto r = v.verify(token);
      REQUIRE(r.ok());
      CHECK(r->exp == 1767226500);
    }
  }

  TEST_CASE("iss must be one of the accepted issuers") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    JwtClaims c = sample_claims();
    SUBCASE("second accepted issuer") {
      c.iss = "https://idp.example.com/";
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kNone);
    }
    SUBCASE("other issuer") {
      c.iss = "docket-staging";
      CHECK(reason_of(v, docket::auth::sign_hs256(c, kSecret)) == JwtError::kWrongIssuer);
    }
    SUBCASE("no iss") {
      CHECK(reason_of(v, craft(kHeader, R"({"sub":"42","aud":"docket-api","exp":1767226500})")) ==
            JwtError::kWrongIssuer);
    }
  }

  TEST_CASE("aud must be or contain the expected audience") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    auto with_aud = [](std::string_view aud) {
      return craft(kHeader,
                   R"({"sub":"42","iss":"docket","exp":1767226500)" + std::string(aud) + "}");
    };
    SUBCASE("array containing it") {
      auto r = v.verify(with_aud(R"(,"aud":["other","docket-api"])"));
      REQUIRE(r.ok());
      CHECK(r->aud == "docket-api");
    }
    SUBCASE("other string") {
      CHECK(reason_of(v, with_aud(R"(,"aud":"docket-admin")")) == JwtError::kWrongAudience);
    }
    SUBCASE("array without it") {
      CHECK(reason_of(v, with_aud(R"(,"aud":["a","b"])")) == JwtError::kWrongAudience);
    }
    SUBCASE("empty array") {
      CHECK(reason_of(v, with_aud(R"(,"aud":[])")) == JwtError::kWrongAudience);
    }
    SUBCASE("no aud") {
      CHECK(reason_of(v, with_aud("")) == JwtError::kWrongAudience);
    }
  }

  TEST_CASE("a rejection carries a stable reason and a message without the token") {
    ManualClock clock(kNow * 1000);
    const JwtVerifier v = verifier(clock);
    const std::string token = docket::auth::sign_hs256(sample_claims(), kSecret);
    clock.set((kNow + 3600) * 1000);
    JwtError reason = JwtError::kNone;
    auto r = v.verify(token, &reason);
    REQUIRE_FALSE(r.ok());
    CHECK(reason == JwtError::kExpired);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind("jwt expired: ", 0) == 0);
    CHECK(r.status().message().find(token.substr(token.rfind('.') + 1)) == std::string::npos);
    CHECK(r.status().message().find(kSecret) == std::string::npos);
  }

  TEST_CASE("every JwtError has its own name") {
    std::set<std::string_view> names;
    for (int e = 0; e <= static_cast<int>(JwtError::kInternal); ++e) {
      names.insert(docket::auth::jwt_error_name(static_cast<JwtError>(e)));
    }
    CHECK(names.size() == static_cast<std::size_t>(JwtError::kInternal) + 1);
    CHECK(names.count("unknown") == 0);
  }

  TEST_CASE("JwtVerifier::create validates its options") {
    ManualClock clock(kNow * 1000);
    JwtVerifierOptions o = options(clock);
    SUBCASE("no secret and no key") {
      o.hs256_secret.reset();
    }
    SUBCASE("short secret") {
      o.hs256_secret = std::string(31, 's');
    }
    SUBCASE("no issuer") {
      o.issuers.clear();
    }
    SUBCASE("empty issuer") {
      o.issuers.push_back("");
    }
    SUBCASE("no audience") {
      o.audience.clear();
    }
    SUBCASE("negative leeway") {
      o.leeway_seconds = -1;
    }
    SUBCASE("leeway over ten minutes") {
      o.leeway_seconds = 601;
    }
    SUBCASE("key that does not load") {
      o.public_keys = {{"k", "not a pem"}};
    }
    auto v = JwtVerifier::create(o);
    REQUIRE_FALSE(v.ok());
    CHECK(v.status().IsInvalidArgument());
  }
}
