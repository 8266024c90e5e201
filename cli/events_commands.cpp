// docket events export | verify | stats: read-only operator views of the event log.
// They open the log read-only, so they work while a server is running.
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/blob_store.h"
#include "core/data_dir.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/attachment_events.h"
#include "events/event_store.h"
#include "events/log_verifier.h"

namespace docket::cli {
namespace {

constexpr const char* kExportHelp =
    R"(Usage: docket events export [--from N] [--to M] [--stream S] [--type T] [--data-dir DIR]

Writes events as JSON Lines to stdout, one stored record per line, exactly as stored
(hash included), in eventId order. Filters combine:
  --from N     first eventId (default 1)
  --to M       last eventId (default: the head)
  --stream S   only events of stream S
  --type T     only events of type T
Works while the server is running (the log is opened read-only).
)";

constexpr const char* kVerifyHelp = R"(Usage: docket events verify [--data-dir DIR]

Reads the whole log and checks: every record decodes and sits under its own eventId;
eventIds run from 1 to the head without gaps; each prevHash is the previous hash and
each hash is the SHA-256 of its record; every stream's versions run 1..n and the stream
index points at the right events. Then every attachment the log holds (uploaded, not
deleted) has its file under DIR/attachments with the SHA-256 the log records. Exits 0
when all holds, 1 naming the first bad event or the missing or altered files.
Works while the server is running.
)";

constexpr const char* kStatsHelp = R"(Usage: docket events stats [--data-dir DIR]

Prints the log epoch, head, size on disk, the number of streams and events per type
(JSON on stdout). Works while the server is running.
)";

// A stdout writer that keeps one large buffer and reports a closed pipe.
class StdoutLines {
 public:
  StdoutLines() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20); }
  bool write_line(std::string_view line) {
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) return false;
    return std::fputc('\n', stdout) != EOF;
  }
  bool flush() { return std::fflush(stdout) == 0; }
};

}  // namespace

int events_export_command(int argc, char** argv, int first) {
  const std::string name = "events export";
  auto args = Args::parse(argc, argv, first, {"from", "to", "stream", "type", "data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kExportHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  auto from = args->get_uint("from");
  auto to = args->get_uint("to");
  if (!from.ok()) return usage_error(name, from.status().message());
  if (!to.ok()) return usage_error(name, to.status().message());
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  auto store = open_log_read_only(*config);
  if (!store.ok()) return failure(name, store.status());

  const std::uint64_t head = (*store)->head();
  const std::uint64_t lo = std::max<std::uint64_t>(from->value_or(1), 1);
  const std::uint64_t hi = std::min(to->value_or(head), head);
  const auto type = args->get("type");
  const auto stream = args->get("stream");

  StdoutLines out;
  Progress progress("export", hi >= lo ? hi - lo + 1 : 0);
  std::uint64_t written = 0;
  std::uint64_t seen = 0;
  bool pipe_ok = true;
  auto emit = [&](const events::EventRecord& e) {
    ++seen;
    if (type && e.type != *type) return true;
    if (!out.write_line(e.json)) {
      pipe_ok = false;
      return false;
    }
    ++written;
    progress.update(seen);
    return true;
  };

  Status status;
  if (hi >= lo && stream) {
    // The stream index gives the stream's events in order without scanning the log.
    std::uint64_t version = 1;
    while (status.ok() && pipe_ok) {
      auto batch = (*store)->read_stream(*stream, version, 1024);
      if (!batch.ok()) {
        status = batch.status();
        break;
      }
      if (batch->empty()) break;
      for (const auto& e : *batch) {
        if (e.eventId > hi) break;
        if (e.eventId >= lo && !emit(e)) break;
      }
      if (batch->back().eventId >= hi) break;
      version = batch->back().streamVersion + 1;
    }
  } else if (hi >= lo) {
    status = (*store)->scan(lo, hi, emit);
  }
  if (!out.flush()) pipe_ok = false;
  progress.finish(written, "events exported");
  if (!status.ok()) return failure(name, status);
  if (!pipe_ok) return failure(name, Status::IOError("stdout closed"));
  return kExitOk;
}

int events_verify_command(int argc, char** argv, int first) {
  const std::string name = "events verify";
  auto args = Args::parse(argc, argv, first, {"data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kVerifyHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  auto store = open_log_read_only(*config);
  if (!store.ok()) return failure(name, store.status());

  Progress progress("verify", (*store)->head());
  const events::VerifyReport report =
      events::verify_log(**store, [&](std::uint64_t done) { progress.update(done); });
  progress.finish(report.events_checked, "events checked");
  if (!report.ok()) {
    const std::string reason = report.reason.empty() ? report.status.ToString() : report.reason;
    if (report.bad_event_id != 0) {
      std::fprintf(stdout, "FAILED at event %llu: %s\n",
                   static_cast<unsigned long long>(report.bad_event_id), reason.c_str());
    } else {
      std::fprintf(stdout, "FAILED: %s\n", reason.c_str());
    }
    return kExitFailed;
  }
  // The attachment files: each live attachment's bytes, by the SHA-256 the log records.
  std::map<std::string, std::string> live;  // attachment id -> sha256
  Status scanned = (*store)->scan(1, 0, [&](const events::EventRecord& e) {
    if (!domain::AttachmentEvent::contains(e.type)) return true;
    auto decoded = domain::AttachmentEvent::decode(e);
    if (!decoded.ok()) return true;  // verify_log has judged the records
    if (const auto* up = std::get_if<domain::AttachmentUploaded>(&*decoded)) {
      live[up->attachmentId] = up->sha256;
    } else if (const auto* del = std::get_if<domain::AttachmentDeleted>(&*decoded)) {
      live.erase(del->attachmentId);
    }
    return true;
  });
  if (!scanned.ok()) return failure(name, scanned);
  const BlobStore blobs = BlobStore::existing(DataDir{config->data_dir}.attachments());
  std::uint64_t bad_files = 0;
  for (const auto& [id, sha] : live) {
    Status s = blobs.verify(sha);
    if (s.ok()) continue;
    ++bad_files;
    std::fprintf(stdout, "FAILED: attachment %s: file %s is %s\n", id.c_str(), sha.c_str(),
                 s.IsNotFound() ? "missing" : "altered");
  }
  if (bad_files != 0) return kExitFailed;
  std::fprintf(stdout,
               "OK: %llu events, %llu streams, head %llu, logEpoch %s, %zu attachment files\n",
               static_cast<unsigned long long>(report.events_checked),
               static_cast<unsigned long long>(report.streams_checked),
               static_cast<unsigned long long>((*store)->head()), (*store)->log_epoch().c_str(),
               live.size());
  return kExitOk;
}

int events_stats_command(int argc, char** argv, int first) {
  const std::string name = "events stats";
  auto args = Args::parse(argc, argv, first, {"data-dir"});
  if (!args.ok()) return usage_error(name, args.status().message());
  if (args->help()) return std::fputs(kStatsHelp, stdout), kExitOk;
  if (!args->positional().empty()) return usage_error(name, "unexpected argument");
  auto config = config_with_data_dir(args->get("data-dir"));
  if (!config.ok()) return usage_error(name, config.status().message());
  auto store = open_log_read_only(*config);
  if (!store.ok()) return failure(name, store.status());

  std::map<std::string, std::uint64_t> by_type;
  std::uint64_t stream_count = 0;  // every stream starts with version 1 exactly once
  UnixMillis first_at = 0, last_at = 0;
  std::uint64_t count = 0;
  Progress progress("stats", (*store)->head());
  Status status = (*store)->scan(1, 0, [&](const events::EventRecord& e) {
    ++by_type[e.type];
    if (e.streamVersion == 1) ++stream_count;
    if (count == 0) first_at = e.occurredAt;
    last_at = e.occurredAt;
    progress.update(++count);
    return true;
  });
  progress.finish(count);
  if (!status.ok()) return failure(name, status);

  JsonWriter w;
  w.begin_object();
  w.field("logEpoch", (*store)->log_epoch());
  w.field("head", (*store)->head());
  w.field("events", count);
  w.field("streams", stream_count);
  w.field("diskBytes", (*store)->disk_bytes());
  w.key("firstOccurredAt");
  count ? w.value(format_iso8601(first_at)) : w.null();
  w.key("lastOccurredAt");
  count ? w.value(format_iso8601(last_at)) : w.null();
  w.key("eventsByType").begin_object();
  for (const auto& [type, n] : by_type)
    w.field(type, n);
  w.end_object();
  w.end_object();
  std::fprintf(stdout, "%s\n", w.str().c_str());
  return kExitOk;
}

}  // namespace docket::cli
