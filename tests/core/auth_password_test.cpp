// PasswordHasher (Argon2id) and the password policy.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/auth/password.h"
#include "core/auth/password_policy.h"

namespace {

using docket::auth::PasswordHashCost;
using docket::auth::PasswordHasher;
using docket::auth::PasswordRule;

PasswordHasher fast_hasher() {
  auto h = PasswordHasher::create(PasswordHashCost::fast_for_tests());
  REQUIRE(h.ok());
  return *h;
}

// Median wall time of `runs` calls of f, in microseconds.
template <typename F>
double median_us(int runs, F f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                    .count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("a hashed password verifies and a wrong one does not") {
    const PasswordHasher hasher = fast_hasher();
    auto hash = hasher.hash("correct horse battery staple");
    REQUIRE(hash.ok());
    CHECK(hash->rfind("$argon2id$", 0) == 0);
    CHECK(hasher.verify(*hash, "correct horse battery staple"));
    CHECK_FALSE(hasher.verify(*hash, "correct horse battery stapler"));
    CHECK_FALSE(hasher.verify(*hash, ""));
  }

  TEST_CASE("hashing the same password twice gives different salted hashes") {
    const PasswordHasher hasher = fast_hasher();
    auto a = hasher.hash("same password");
    auto b = hasher.hash("same password");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(*a != *b);
    CHECK(hasher.verify(*a, "same password"));
    CHECK(hasher.verify(*b, "same password"));
  }

  TEST_CASE("verify is false for stored hashes that are not Argon2 strings") {
    const PasswordHasher hasher = fast_hasher();
    auto good = hasher.hash("password1");
    REQUIRE(good.ok());
    std::string stored;
    SUBCASE("empty") {
      stored = "";
    }
    SUBCASE("plain text") {
      stored = "password1";
    }
    SUBCASE("truncated") {
      stored = good->substr(0, good->size() - 10);
    }
    SUBCASE("embedded NUL") {
      stored = *good + std::string(1, '\0');
    }
    SUBCASE("longer than any hash") {
      stored = *good + std::string(200, 'A');
    }
    CHECK_FALSE(hasher.verify(stored, "password1"));
  }

  TEST_CASE("needs_rehash tells when the stored cost differs from the hasher's") {
    const PasswordHasher fast = fast_hasher();
    auto stronger = PasswordHasher::create(PasswordHashCost{2, 16 * 1024});
    REQUIRE(stronger.ok());
    auto hash = fast.hash("password1");
    REQUIRE(hash.ok());
    CHECK_FALSE(fast.needs_rehash(*hash));
    CHECK(stronger->needs_rehash(*hash));
    CHECK(stronger->verify(*hash, "password1"));  // the stored cost is used to verify
    CHECK(fast.needs_rehash("not a hash"));
  }

  TEST_CASE("the default cost is libsodium's interactive Argon2id cost") {
    const PasswordHashCost cost = PasswordHashCost::interactive();
    CHECK(cost.opslimit == 2);
    CHECK(cost.memlimit == 64u * 1024 * 1024);
  }

  TEST_CASE("PasswordHasher::create refuses costs outside libsodium's limits") {
    CHECK(PasswordHasher::create(PasswordHashCost{0, 64 * 1024}).status().IsInvalidArgument());
    CHECK(PasswordHasher::create(PasswordHashCost{1, 1024}).status().IsInvalidArgument());
  }

  TEST_CASE("dummy_verify takes as long as verifying a real hash") {
    // A cost high enough that hashing dominates the timing noise.
    auto hasher = PasswordHasher::create(PasswordHashCost{3, 4 * 1024 * 1024});
    REQUIRE(hasher.ok());
    auto hash = hasher->hash("password1");
    REQUIRE(hash.ok());
    const double real = median_us(7, [&] { (void)hasher->verify(*hash, "wrong password"); });
    const double dummy = median_us(7, [&] { hasher->dummy_verify("wrong password"); });
    CAPTURE(real);
    CAPTURE(dummy);
    CHECK(dummy > real / 3);
    CHECK(dummy < real * 3);
  }

  TEST_CASE("the password policy reports the first rule a password breaks") {
    using docket::auth::check_password_policy;
    CHECK(check_password_policy("1234567") == PasswordRule::kTooShort);
    CHECK(check_password_policy("") == PasswordRule::kTooShort);
    CHECK(check_password_policy("12345678") == PasswordRule::kOk);
    CHECK(check_password_policy(std::string(256, 'p')) == PasswordRule::kOk);
    CHECK(check_password_policy(std::string(257, 'p')) == PasswordRule::kTooLong);
    CHECK(check_password_policy("p\xc3\xa4sswor") == PasswordRule::kTooShort);  // 7 characters
    CHECK(check_password_policy("p\xc3\xa4ssword") == PasswordRule::kOk);       // 8 characters
    std::string umlauts;
    for (int i = 0; i < 256; ++i)
      umlauts += "\xc3\xa4";
    CHECK(check_password_policy(umlauts) == PasswordRule::kOk);  // 256 characters, 512 bytes
    CHECK(check_password_policy(umlauts + "a") == PasswordRule::kTooLong);
    CHECK(check_password_policy("password\xff") == PasswordRule::kInvalidUtf8);
    CHECK(check_password_policy("password\xc0\xaf") == PasswordRule::kInvalidUtf8);  // overlong
    CHECK(check_password_policy("password\xed\xa0\x80") ==
          PasswordRule::kInvalidUtf8);  // surrogate
  }

  TEST_CASE("every broken password rule has a message") {
    using docket::auth::password_rule_message;
    CHECK(password_rule_message(PasswordRule::kOk).empty());
    for (PasswordRule r :
         {PasswordRule::kTooShort, PasswordRule::kTooLong, PasswordRule::kInvalidUtf8}) {
      CHECK_FALSE(password_rule_message(r).empty());
    }
  }
}
