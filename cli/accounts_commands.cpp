// docket accounts create-admin: the first admin (or another one) from the command line.
#include <cstdio>
#include <filesystem>

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

}  // namespace

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
  if (auto reply = ask_server(dir, req.str(), std::chrono::seconds(30))) {
    if (!reply->ok()) return failure(name, reply->status());
    if (Status s = reply_status(reply->value()); !s.ok()) return failure(name, s);
    std::fprintf(stdout, "%s\n", reply->value().c_str());
    return kExitOk;
  }
  auto hasher = make_password_hasher(*config);
  if (!hasher.ok()) return failure(name, hasher.status());
  events::StoreOptions options;
  options.path = dir.log();
  std::error_code ec;
  std::filesystem::create_directories(dir.root, ec);
  auto store = events::EventStore::open(options);
  if (!store.ok()) return failure(name, store.status());
  auto id = create_admin(**store, *hasher, *email, *password, display_name, false);
  (*store)->close();
  if (!id.ok()) return failure(name, id.status());
  JsonWriter w;
  w.begin_object().field("ok", true).field("accountId", *id).end_object();
  std::fprintf(stdout, "%s\n", w.str().c_str());
  return kExitOk;
}

}  // namespace docket::cli
