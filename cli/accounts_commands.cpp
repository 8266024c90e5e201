// docket accounts create-admin: the first admin (or another one) from the command line.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>

#include <simdjson.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/identity_setup.h"
#include "core/json_writer.h"
#include "events/event_store.h"

namespace docket::cli {
namespace {

constexpr const char* kCreateAdminHelp =
    R"(Usage: docket accounts create-admin --email EMAIL --password PASSWORD [--name NAME]
                                    [--data-dir DIR]

Creates an admin account holding every permission. Through the running server's
control socket when one runs; otherwise on the data directory (creating the log when
there is none yet). The password must be 8 to 256 bytes; it is stored only as an
Argon2id hash. Prints {"ok":true,"accountId":N}. An e-mail that already has an account
is refused. (DOCKET_BOOTSTRAP_ADMIN_EMAIL/PASSWORD do the same on a server's first
start, without putting the password on a command line.)
)";

constexpr const char* kResetAdminHelp =
    R"(Usage: docket accounts reset-admin --email EMAIL [--password PASSWORD] [--data-dir DIR]

Restores access for an operator who locked staff management out: makes the staff
account with EMAIL an active admin holding every permission, and with --password sets
its password (8 to 256 bytes, stored only as an Argon2id hash; its existing tokens keep
working until they expire). Through the running server's control socket when one runs;
otherwise on the data directory. Prints {"ok":true,"accountId":N}. An e-mail without a
staff account is refused, and so is an account that is an active admin with every
permission already when no password is given.
)";

// Sends `request` through the running server's control socket, or runs `offline` on
// the data directory's log; prints the reply. The exit status of the command.
int ask_server_or_offline(const std::string& name, const DataDir& dir, const std::string& request,
                          const std::function<Result<std::int64_t>(events::EventStore&)>& offline) {
  if (auto reply = ask_server(dir, request, std::chrono::seconds(30))) {
    if (!reply->ok()) return failure(name, reply->status());
    if (Status s = reply_status(reply->value()); !s.ok()) return failure(name, s);
    std::fprintf(stdout, "%s\n", reply->value().c_str());
    return kExitOk;
  }
  events::StoreOptions options;
  options.path = dir.log();
  std::error_code ec;
  std::filesystem::create_directories(dir.root, ec);
  auto store = events::EventStore::open(options);
  if (!store.ok()) return failure(name, store.status());
  auto id = offline(**store);
  (*store)->close();
  if (!id.ok()) return failure(name, id.status());
  JsonWriter w;
  w.begin_object().field("ok", true).field("accountId", *id).end_object();
  std::fprintf(stdout, "%s\n", w.str().c_str());
  return kExitOk;
}

}  // namespace

int accounts_reset_admin_command(int argc, char** argv, int first) {
  const std::string name = "accounts reset-admin";
  auto args = Args::parse(argc, argv, first, {"data-dir", "email", "password"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kResetAdminHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  const auto email = args->get("email");
  if (!email) return usage_error(name, "needs --email");
  const auto password = args->get("password");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  const DataDir dir{config->data_dir};
  if (Status s = require_log(*config); !s.ok()) return failure(name, s);

  JsonWriter req;
  req.begin_object().field("op", "reset_admin").field("email", *email);
  if (password) req.field("password", *password);
  req.end_object();
  return ask_server_or_offline(name, dir, req.str(), [&](events::EventStore& store) {
    auto hasher = make_password_hasher(*config);
    if (!hasher.ok()) return Result<std::int64_t>(hasher.status());
    std::optional<std::string_view> new_password;
    if (password) new_password = *password;
    return reset_admin(store, *hasher, *email, new_password);
  });
}

int accounts_create_admin_command(int argc, char** argv, int first) {
  const std::string name = "accounts create-admin";
  auto args = Args::parse(argc, argv, first, {"data-dir", "email", "password", "name"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kCreateAdminHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  const auto email = args->get("email");
  const auto password = args->get("password");
  if (!email || !password) return usage_error(name, "needs --email and --password");
  const std::string display_name = args->get("name").value_or("Administrator");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  const DataDir dir{config->data_dir};

  JsonWriter req;
  req.begin_object().field("op", "create_admin").field("email", *email);
  req.field("password", *password).field("name", display_name).end_object();
  return ask_server_or_offline(name, dir, req.str(), [&](events::EventStore& store) {
    auto hasher = make_password_hasher(*config);
    if (!hasher.ok()) return Result<std::int64_t>(hasher.status());
    return create_admin(store, *hasher, *email, *password, display_name, false);
  });
}

}  // namespace docket::cli
