// docket backup | projections status | projections rebuild.
//
// Backup and rebuild need the log open for writing. When a server runs, it holds the
// log, so these commands ask it over the control socket; otherwise they open the data
// directory themselves.
#include <cstdio>
#include <filesystem>

#include <simdjson.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/control_socket.h"
#include "cli/progress.h"
#include "cli/server_runtime.h"
#include "core/blob_store.h"
#include "core/data_dir.h"
#include "core/json_writer.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/projection_status.h"

namespace docket::cli {
namespace {

constexpr const char* kBackupHelp = R"(Usage: docket backup DIR [--data-dir DATA]

Writes a consistent copy of the event log and the attachment files to DIR (which must
not exist): DIR/log, a RocksDB checkpoint, DIR/jwt-secret, the generated token signing
key (when the data directory has one), and DIR/attachments, the files by SHA-256; the
log and files hard-linked where DIR is on the same file system. Works while the server
runs (it makes the copy through its control socket) and while it is stopped. The files
are copied after the log, so every file the copied log references is in the copy
unless its attachment was deleted (and the file removed) in between. The copied log
gets a logEpoch of its own, so realtime clients of the original resynchronise after a
restore. Queued mail (outbox.sqlite) is not copied (docs/mail.md).
Restore: stop the server, copy DIR's log/, jwt-secret and attachments/ into an empty
data directory, start the server; every read model is rebuilt from the restored log.
)";

constexpr const char* kStatusHelp = R"(Usage: docket projections status [--data-dir DIR]

Prints each read model's checkpoint, the log head, the lag and the state, as JSON.
Works while the server runs (read-only).
)";

constexpr const char* kRebuildHelp = R"(Usage: docket projections rebuild [NAME] [--data-dir DIR]

Rebuilds NAME (or every read model) from event 1 of the log into a shadow file and
swaps it in. Through the running server's control socket when one runs (the old copy
keeps serving meanwhile); otherwise directly on the data directory.
)";

}  // namespace

// Asks a running server; nullopt when none answers on the data directory's socket.
std::optional<Result<std::string>> ask_server(const DataDir& dir, const std::string& request,
                                              std::chrono::milliseconds timeout) {
  if (!std::filesystem::exists(dir.control_socket())) return std::nullopt;
  auto reply = control_request(dir.control_socket(), request, timeout);
  if (!reply.ok() && reply.status().code() == Status::Code::kUnavailable) return std::nullopt;
  return reply;
}

// Turns a control reply into OK or the server's error.
Status reply_status(const std::string& reply) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  bool ok = false;
  if (parser.parse(simdjson::padded_string(reply)).get_object().get(obj) ||
      obj["ok"].get_bool().get(ok)) {
    return Status::IOError("malformed reply from server: " + reply);
  }
  if (ok) return Status::Ok();
  std::string_view error = "no reason given";
  if (obj["error"].get_string().get(error)) error = "no reason given";
  return Status::FailedPrecondition(std::string("server: ") + std::string(error));
}

// The log into target/log, the JWT signing key (when the data directory has one) into
// target/jwt-secret, then the attachment files into target/attachments.
Result<std::uint64_t> backup_data(const events::EventStore& store, const Config& config,
                                  const std::string& target) {
  std::error_code ec;
  std::filesystem::create_directories(target, ec);
  if (ec) return Status::IOError("cannot create " + target + ": " + ec.message());
  if (Status s = store.backup(target + "/log"); !s.ok()) return s;
  const DataDir data{config.data_dir};
  if (std::filesystem::exists(data.jwt_secret())) {
    // Without it every issued token stops working after a restore.
    std::filesystem::copy_file(data.jwt_secret(), target + "/jwt-secret", ec);
    if (ec) return Status::IOError("cannot copy the JWT signing key: " + ec.message());
    std::filesystem::permissions(
        target + "/jwt-secret",
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  }
  if (!std::filesystem::exists(DataDir{config.data_dir}.attachments())) {
    std::filesystem::create_directories(target + "/attachments", ec);
    return std::uint64_t{0};
  }
  return BlobStore::existing(DataDir{config.data_dir}.attachments())
      .copy_to(target + "/attachments");
}

int backup_command(int argc, char** argv, int first) {
  const std::string name = "backup";
  auto args = Args::parse(argc, argv, first, {"data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kBackupHelp, stdout), kExitOk;
  if (args->positional().size() != 1) return usage_error(name, "needs exactly one DIR");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  const DataDir dir{config->data_dir};
  const std::string target = std::filesystem::absolute(args->positional()[0]).string();
  if (std::filesystem::exists(target)) {
    return failure(name, Status::AlreadyExists(target + " already exists"));
  }

  Progress progress("backup", 0);
  JsonWriter req;
  req.begin_object().field("op", "backup").field("dir", target).end_object();
  if (auto reply = ask_server(dir, req.str(), std::chrono::minutes(30))) {
    if (!reply->ok()) return failure(name, reply->status());
    if (Status s = reply_status(reply->value()); !s.ok()) return failure(name, s);
    std::fprintf(stdout, "%s\n", reply->value().c_str());
  } else {
    if (Status s = require_log(*config); !s.ok()) return failure(name, s);
    events::StoreOptions options;
    options.path = dir.log();
    auto store = events::EventStore::open(options);
    if (!store.ok()) return failure(name, store.status());
    const std::uint64_t head = (*store)->head();
    auto files = backup_data(**store, *config, target);
    if (!files.ok()) return failure(name, files.status());
    JsonWriter w;
    w.begin_object().field("ok", true).field("dir", target).field("headAtStart", head);
    w.field("attachmentFiles", *files).end_object();
    std::fprintf(stdout, "%s\n", w.str().c_str());
  }
  auto check = events::EventStore::open_read_only(target + "/log");
  if (!check.ok()) return failure(name, check.status());
  progress.finish((*check)->head(), "events backed up");
  return kExitOk;
}

int projections_status_command(int argc, char** argv, int first) {
  const std::string name = "projections status";
  auto args = Args::parse(argc, argv, first, {"data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kStatusHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  const DataDir dir{config->data_dir};
  auto store = open_log_read_only(*config);
  if (!store.ok()) return failure(name, store.status());
  auto statuses = projections::read_projection_status(dir.projections(), (*store)->head(),
                                                      (*store)->log_epoch());
  if (!statuses.ok()) return failure(name, statuses.status());
  JsonWriter w;
  w.begin_object().field("head", (*store)->head()).key("projections").begin_array();
  for (const auto& st : *statuses)
    projections::write_status_json(w, st);
  w.end_array().end_object();
  std::fprintf(stdout, "%s\n", w.str().c_str());
  return kExitOk;
}

int projections_rebuild_command(int argc, char** argv, int first) {
  const std::string name = "projections rebuild";
  auto args = Args::parse(argc, argv, first, {"data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kRebuildHelp, stdout), kExitOk;
  if (args->positional().size() > 1) return usage_error(name, "takes at most one NAME");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  const DataDir dir{config->data_dir};
  const std::string only = args->positional().empty() ? "" : args->positional()[0];

  JsonWriter req;
  req.begin_object().field("op", "rebuild").field("name", only).end_object();
  if (auto reply = ask_server(dir, req.str(), std::chrono::hours(2))) {
    if (!reply->ok()) return failure(name, reply->status());
    if (Status s = reply_status(reply->value()); !s.ok()) return failure(name, s);
    std::fprintf(stdout, "%s\n", reply->value().c_str());
    return kExitOk;
  }

  if (Status s = require_log(*config); !s.ok()) return failure(name, s);
  events::StoreOptions options;
  options.path = dir.log();
  auto store = events::EventStore::open(options);
  if (!store.ok()) return failure(name, store.status());
  projections::ProjectionEngine engine(dir.projections(), **store, make_projections());
  if (Status s = engine.start(); !s.ok()) return failure(name, s);
  std::vector<std::string> names;
  for (const auto& st : engine.status()) {
    if (only.empty() || st.name == only) names.push_back(st.name);
  }
  if (names.empty()) return failure(name, Status::NotFound("no projection named " + only));
  for (const auto& n : names) {
    Progress progress("rebuild " + n, (*store)->head());
    std::uint64_t last = 0;
    Status s = engine.rebuild(n, [&](std::string_view, std::uint64_t done, std::uint64_t) {
      last = done;
      progress.update(done);
    });
    progress.finish(last);
    if (!s.ok()) return failure(name, s);
  }
  engine.stop();
  (*store)->close();
  return kExitOk;
}

}  // namespace docket::cli
