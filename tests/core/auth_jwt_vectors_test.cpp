// JwtVerifier against RS256, ES256 and HS256 tokens made by PyJWT
// (tests/core/vectors/make_jwt_vectors.py).
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/auth/jwt.h"
#include "core/auth/jwt_keys.h"
#include "core/clock.h"
#include "tests/core/vectors/jwt_vectors.h"

namespace {

using docket::ManualClock;
using docket::auth::JwtError;
using docket::auth::JwtKeySet;
using docket::auth::JwtPublicKey;
using docket::auth::JwtVerifier;
using docket::auth::JwtVerifierOptions;
namespace v = docket::auth::test_vectors;

JwtVerifier idp_verifier(const ManualClock& clock, bool with_secret = true) {
  JwtVerifierOptions o;
  if (with_secret) o.hs256_secret = std::string(v::kHs256Secret);
  o.public_keys = {{std::string(v::kRsaKid), std::string(v::kRsaPublicPem)},
                   {std::string(v::kEcKid), std::string(v::kEcPublicPem)}};
  o.issuers = {std::string(v::kIssuer), std::string(v::kHs256Issuer)};
  o.audience = std::string(v::kAudience);
  o.clock = &clock;
  auto verifier = JwtVerifier::create(o);
  REQUIRE(verifier.ok());
  return *verifier;
}

JwtError reason_of(const JwtVerifier& verifier, std::string_view token) {
  JwtError reason = JwtError::kNone;
  (void)verifier.verify(token, &reason);
  return reason;
}

struct Rejection {
  std::string_view name;
  std::string_view token;
  JwtError reason;
};

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("RS256 and ES256 tokens made by PyJWT verify") {
    ManualClock clock(v::kNowSeconds * 1000);
    const JwtVerifier verifier = idp_verifier(clock);
    std::string_view token;
    SUBCASE("RS256 with kid") {
      token = v::kRs256Valid;
    }
    SUBCASE("RS256 without kid") {
      token = v::kRs256NoKid;
    }
    SUBCASE("RS256 with an audience list") {
      token = v::kRs256AudienceList;
    }
    SUBCASE("ES256 with kid") {
      token = v::kEs256Valid;
    }
    SUBCASE("ES256 without kid") {
      token = v::kEs256NoKid;
    }
    SUBCASE("ES256 with an audience list") {
      token = v::kEs256AudienceList;
    }
    auto claims = verifier.verify(token);
    REQUIRE_MESSAGE(claims.ok(), claims.status().ToString());
    CHECK(claims->sub == "idp|user-1");
    CHECK(claims->role == "agent");
    CHECK(claims->iss == v::kIssuer);
    CHECK(claims->aud == v::kAudience);
    CHECK(claims->iat == v::kNowSeconds - 60);
    CHECK(claims->exp == v::kNowSeconds + 3600);
    CHECK(claims->payload_json.find(R"("email":"agent@example.com")") != std::string::npos);
  }

  TEST_CASE("an HS256 token made by PyJWT with a known secret verifies") {
    ManualClock clock(v::kNowSeconds * 1000);
    auto claims = idp_verifier(clock).verify(v::kHs256Valid);
    REQUIRE_MESSAGE(claims.ok(), claims.status().ToString());
    CHECK(claims->sub == "42");
    CHECK(claims->role == "admin");
    CHECK(claims->iss == "docket");
    CHECK(claims->payload_json.find(R"("sid":"abc")") != std::string::npos);
  }

  TEST_CASE("PyJWT tokens that break a rule are rejected with its reason") {
    ManualClock clock(v::kNowSeconds * 1000);
    const JwtVerifier verifier = idp_verifier(clock);
    const Rejection cases[] = {
        {"RS256 expired", v::kRs256Expired, JwtError::kExpired},
        {"RS256 wrong audience", v::kRs256WrongAudience, JwtError::kWrongAudience},
        {"RS256 wrong issuer", v::kRs256WrongIssuer, JwtError::kWrongIssuer},
        {"RS256 nbf in the future", v::kRs256NotYetValid, JwtError::kNotYetValid},
        {"RS256 signed by another key", v::kRs256BadSignature, JwtError::kBadSignature},
        {"RS256 unknown kid", v::kRs256UnknownKid, JwtError::kUnknownKey},
        {"RS256 kid of the EC key", v::kRs256WithEcKid, JwtError::kAlgorithmNotAllowed},
        {"ES256 expired", v::kEs256Expired, JwtError::kExpired},
        {"ES256 wrong audience", v::kEs256WrongAudience, JwtError::kWrongAudience},
        {"ES256 wrong issuer", v::kEs256WrongIssuer, JwtError::kWrongIssuer},
        {"ES256 nbf in the future", v::kEs256NotYetValid, JwtError::kNotYetValid},
        {"ES256 signed by another key", v::kEs256BadSignature, JwtError::kBadSignature},
        {"ES256 unknown kid", v::kEs256UnknownKid, JwtError::kUnknownKey},
        {"ES256 signature in DER instead of r||s", v::kEs256DerSignature, JwtError::kBadSignature},
    };
    for (const Rejection& c : cases) {
      CAPTURE(c.name);
      CHECK(reason_of(verifier, c.token) == c.reason);
    }
  }

  TEST_CASE("PyJWT tokens expire at exp plus the leeway") {
    ManualClock clock(v::kNowSeconds * 1000);
    const JwtVerifier verifier = idp_verifier(clock);
    for (std::string_view token : {v::kRs256Valid, v::kEs256Valid}) {
      clock.set((v::kNowSeconds + 3600 + 30) * 1000 - 1);
      CHECK(reason_of(verifier, token) == JwtError::kNone);
      clock.set((v::kNowSeconds + 3600 + 30) * 1000);
      CHECK(reason_of(verifier, token) == JwtError::kExpired);
    }
  }

  TEST_CASE("a verifier without the secret refuses PyJWT's HS256 token") {
    ManualClock clock(v::kNowSeconds * 1000);
    CHECK(reason_of(idp_verifier(clock, false), v::kHs256Valid) == JwtError::kAlgorithmNotAllowed);
  }

  TEST_CASE("JwtKeySet refuses keys Docket does not verify with") {
    std::vector<JwtPublicKey> keys;
    SUBCASE("RSA under 2048 bits") {
      keys = {{"", std::string(v::kRsa1024PublicPem)}};
    }
    SUBCASE("EC on P-384") {
      keys = {{"", std::string(v::kEcP384PublicPem)}};
    }
    SUBCASE("Ed25519") {
      keys = {{"", std::string(v::kEd25519PublicPem)}};
    }
    SUBCASE("not PEM") {
      keys = {{"", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}};
    }
    SUBCASE("empty") {
      keys = {{"", ""}};
    }
    SUBCASE("repeated kid") {
      keys = {{"k", std::string(v::kRsaPublicPem)}, {"k", std::string(v::kEcPublicPem)}};
    }
    auto set = JwtKeySet::load(keys);
    REQUIRE_FALSE(set.ok());
    CHECK(set.status().IsInvalidArgument());
  }

  TEST_CASE("JwtKeySet loads RSA and EC P-256 keys and knows their kinds") {
    auto set = JwtKeySet::load({{"", std::string(v::kRsaPublicPem)}});
    REQUIRE(set.ok());
    CHECK(set->size() == 1);
    CHECK(set->has_kind(docket::auth::JwtKeyKind::kRsa));
    CHECK_FALSE(set->has_kind(docket::auth::JwtKeyKind::kEcP256));
  }

  TEST_CASE("verify gives the same answers from many threads at once") {
    ManualClock clock(v::kNowSeconds * 1000);
    const JwtVerifier verifier = idp_verifier(clock);
    const Rejection cases[] = {
        {"RS256", v::kRs256Valid, JwtError::kNone},
        {"ES256", v::kEs256Valid, JwtError::kNone},
        {"HS256", v::kHs256Valid, JwtError::kNone},
        {"RS256 bad", v::kRs256BadSignature, JwtError::kBadSignature},
        {"ES256 bad", v::kEs256BadSignature, JwtError::kBadSignature},
        {"expired", v::kEs256Expired, JwtError::kExpired},
    };
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 60; ++i) {
          const Rejection& c = cases[(i + t) % std::size(cases)];
          if (reason_of(verifier, c.token) != c.reason) wrong.fetch_add(1);
        }
      });
    }
    for (std::thread& th : threads)
      th.join();
    CHECK(wrong.load() == 0);
  }
}
