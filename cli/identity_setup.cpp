#include "cli/identity_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/auth/password_policy.h"
#include "core/crypto.h"
#include "core/data_dir.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "domain/account_commands.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "events/event_store.h"
#include "http/validation.h"

namespace docket::cli {
namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

}  // namespace

Result<std::string> load_or_create_jwt_secret(const Config& config) {
  if (!config.jwt_secret.empty()) return config.jwt_secret;
  const std::string path = DataDir{config.data_dir}.jwt_secret();
  if (auto existing = read_file(path); existing.ok()) {
    std::string secret = trim_newlines(std::move(existing).value());
    if (secret.size() < auth::kMinHs256SecretBytes) {
      return Status::InvalidArgument(path + " holds fewer than 32 bytes");
    }
    return secret;
  }
  const std::string secret = base64url_encode(random_bytes(32));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create " + tmp);
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("cannot write " + path);
  }
  log_info("auth.jwt_secret_created", [&](JsonWriter& w) { w.field("file", path); });
  return secret;
}

Result<auth::JwtVerifier> make_jwt_verifier(const Config& config, const std::string& secret,
                                            const Clock* clock) {
  auth::JwtVerifierOptions options;
  options.hs256_secret = secret;
  options.issuers.push_back(config.jwt_issuer);
  for (const auto& issuer : config.jwt_external_issuers)
    options.issuers.push_back(issuer);
  options.audience = config.jwt_audience;
  options.clock = clock;
  for (const auto& file : config.jwt_public_key_files) {
    auto pem = read_file(file);
    if (!pem.ok())
      return Status::InvalidArgument("DOCKET_JWT_PUBLIC_KEY_FILES: " + pem.status().message());
    options.public_keys.push_back({"", std::move(pem).value()});
  }
  return auth::JwtVerifier::create(std::move(options));
}

Result<auth::PasswordHasher> make_password_hasher(const Config& config) {
  return auth::PasswordHasher::create(config.password_hash_cost == "minimal"
                                          ? auth::PasswordHashCost::fast_for_tests()
                                          : auth::PasswordHashCost::interactive());
}

Result<std::int64_t> create_admin(events::EventStore& store, const auth::PasswordHasher& hasher,
                                  std::string_view email, std::string_view password,
                                  std::string_view name, bool only_if_first) {
  const std::string normalized = domain::normalize_email(email);
  if (!http::is_valid_email(normalized)) {
    return Status::InvalidArgument("'" + std::string(email) + "' is not a valid e-mail address");
  }
  const auth::PasswordRule broken = auth::check_password_policy(password);
  if (broken != auth::PasswordRule::kOk) {
    return Status::InvalidArgument(std::string(auth::password_rule_message(broken)));
  }
  auto hash = hasher.hash(password);
  if (!hash.ok()) return hash.status();
  domain::CreateStaff command;
  command.email = normalized;
  command.name = name.empty() ? std::string("Administrator") : std::string(name);
  command.role = "admin";
  command.permissions = auth::PermissionSet::all();
  command.passwordHash = std::move(hash).value();
  command.onlyIfFirstStaff = only_if_first;
  auto executed = domain::execute(store, command, domain::CommandMeta{});
  if (!executed.ok()) return executed.status();
  return executed->id(domain::kAccountSequence);
}

Result<std::int64_t> reset_admin(events::EventStore& store, const auth::PasswordHasher& hasher,
                                 std::string_view email, std::optional<std::string_view> password) {
  const std::string normalized = domain::normalize_email(email);
  auto account = domain::find_account_by_email(store, normalized);
  if (!account.ok()) return account.status();
  if (!account->has_value() || !(*account)->is_staff()) {
    return Status::NotFound("no staff account has the e-mail '" + std::string(email) + "'");
  }
  domain::ResetAdmin command;
  command.accountId = (*account)->id;
  if (password) {
    const auth::PasswordRule broken = auth::check_password_policy(*password);
    if (broken != auth::PasswordRule::kOk) {
      return Status::InvalidArgument(std::string(auth::password_rule_message(broken)));
    }
    auto hash = hasher.hash(*password);
    if (!hash.ok()) return hash.status();
    command.passwordHash = std::move(hash).value();
  }
  auto executed = domain::execute(store, command, domain::CommandMeta{});
  if (!executed.ok()) return executed.status();
  return command.accountId;
}

Status bootstrap_admin(const Config& config, events::EventStore& store,
                       const auth::PasswordHasher& hasher) {
  if (config.bootstrap_admin_email.empty() && config.bootstrap_admin_password.empty()) {
    return Status::Ok();
  }
  if (config.bootstrap_admin_email.empty() || config.bootstrap_admin_password.empty()) {
    return Status::InvalidArgument(
        "DOCKET_BOOTSTRAP_ADMIN_EMAIL and DOCKET_BOOTSTRAP_ADMIN_PASSWORD go together");
  }
  auto id = create_admin(store, hasher, config.bootstrap_admin_email,
                         config.bootstrap_admin_password, "", /*only_if_first=*/true);
  if (id.ok()) {
    log_info("auth.bootstrap_admin_created", [&](JsonWriter& w) { w.field("accountId", *id); });
    return Status::Ok();
  }
  if (domain::refusal_of(id.status()) == domain::Refusal::kStaffExists) {
    log_info("auth.bootstrap_admin_skipped",
             [&](JsonWriter& w) { w.field("reason", "a staff account exists"); });
    return Status::Ok();
  }
  return Status::InvalidArgument("bootstrap admin: " + id.status().message());
}

}  // namespace docket::cli
