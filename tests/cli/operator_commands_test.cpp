// The docket binary's operator commands against a real data directory, with and
// without a server (an in-process ServerRuntime) holding the log.
#include <doctest/doctest.h>

#include <rocksdb/db.h>
#include <simdjson.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "cli/server_runtime.h"
#include "core/blob_store.h"
#include "core/crypto.h"
#include "core/data_dir.h"
#include "events/event_store.h"
#include "events/log_format.h"
#include "projections/projection_engine.h"
#include "tests/support/test_support.h"

using docket::cli::ServerRuntime;
using docket::testing::run_process;
using docket::testing::TempDir;
namespace events = docket::events;

namespace {

docket::testing::ProcessResult docket_cmd(std::vector<std::string> args) {
  args.insert(args.begin(), DOCKET_BINARY);
  return run_process(args);
}

std::unique_ptr<ServerRuntime> start_runtime(const std::string& data_dir) {
  ServerRuntime::Options options;
  options.config.data_dir = data_dir;
  options.config.port = 0;
  auto rt = ServerRuntime::start(options);
  REQUIRE_MESSAGE(rt.ok(), rt.status().ToString());
  return std::move(rt.value());
}

// Appends `n` events no read model interprets: stream "test_item-<k>" for k = i % 7,
// types alternating.
void append_events(events::EventStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    events::AppendRequest req;
    req.streams.push_back({"test_item-" + std::to_string(i % 7),
                           events::kAnyVersion,
                           {{i % 2 ? "test.item_note.created" : "test.item.created", 1,
                             "{\"n\":" + std::to_string(i) + "}"}}});
    auto r = store.append(std::move(req));
    REQUIRE(r.ok());
  }
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_SUITE("cli.integration") {
  TEST_CASE("every command answers --help with exit 0 and rejects unknown options with 2") {
    for (std::vector<std::string> cmd : {std::vector<std::string>{"serve"},
                                         {"events", "export"},
                                         {"events", "verify"},
                                         {"events", "stats"},
                                         {"projections", "status"},
                                         {"projections", "rebuild"},
                                         {"backup"}}) {
      CAPTURE(cmd[0]);
      auto help = cmd;
      help.push_back("--help");
      auto r = docket_cmd(help);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("Usage: docket") != std::string::npos);
      auto bad = cmd;
      bad.push_back("--no-such-option=1");
      CHECK(docket_cmd(bad).exit_code == 2);
    }
    CHECK(docket_cmd({"frobnicate"}).exit_code == 2);
    CHECK(docket_cmd({"--help"}).exit_code == 0);
  }

  TEST_CASE("read-only commands work while a server holds the log") {
    TempDir tmp;
    auto rt = start_runtime(tmp.path());
    // After events 1 and 2: the server's permission catalogue and default SLA policy.
    append_events(rt->store(), 100);

    auto verify = docket_cmd({"events", "verify", "--data-dir", tmp.path()});
    CHECK(verify.exit_code == 0);
    CHECK(verify.out.find("OK: 102 events") != std::string::npos);

    auto all = docket_cmd({"events", "export", "--data-dir", tmp.path()});
    CHECK(all.exit_code == 0);
    CHECK(count_lines(all.out) == 102);

    SUBCASE("filters combine") {
      auto some = docket_cmd({"events", "export", "--data-dir", tmp.path(), "--from", "10", "--to",
                              "40", "--type", "test.item.created"});
      REQUIRE(some.exit_code == 0);
      CHECK(count_lines(some.out) == 15);  // event i+3 has n = i: odd ids 11..39
      std::istringstream lines(some.out);
      std::string line;
      simdjson::dom::parser parser;
      while (std::getline(lines, line)) {
        auto doc = parser.parse(simdjson::padded_string(line));
        REQUIRE(doc.error() == simdjson::SUCCESS);
        std::uint64_t id = doc["eventId"].get_uint64().value();
        CHECK(id >= 10);
        CHECK(id <= 40);
        CHECK(std::string(doc["type"].get_string().value()) == "test.item.created");
      }
      auto stream =
          docket_cmd({"events", "export", "--data-dir", tmp.path(), "--stream", "test_item-3"});
      REQUIRE(stream.exit_code == 0);
      CHECK(count_lines(stream.out) == 14);  // n = 3, 10, 17, ..., 94
    }

    auto stats = docket_cmd({"events", "stats", "--data-dir", tmp.path()});
    REQUIRE(stats.exit_code == 0);
    simdjson::dom::parser parser;
    auto doc = parser.parse(simdjson::padded_string(stats.out));
    REQUIRE(doc.error() == simdjson::SUCCESS);
    CHECK(doc["head"].get_uint64().value() == 102);
    CHECK(doc["streams"].get_uint64().value() == 9);  // 7 + permission_catalogue + sla_config
    CHECK(doc["eventsByType"]["test.item.created"].get_uint64().value() == 50);
    CHECK(std::string(doc["logEpoch"].get_string().value()) == rt->store().log_epoch());

    auto status = docket_cmd({"projections", "status", "--data-dir", tmp.path()});
    REQUIRE(status.exit_code == 0);
    auto st = parser.parse(simdjson::padded_string(status.out));
    REQUIRE(st.error() == simdjson::SUCCESS);
    CHECK(st["head"].get_uint64().value() == 102);
    std::size_t seen = 0;
    simdjson::dom::array list;
    REQUIRE(!st["projections"].get_array().get(list));
    for (simdjson::dom::element projection : list) {
      std::uint64_t checkpoint = 0;
      CHECK(!projection["checkpoint"].get_uint64().get(checkpoint));
      // Read from the files: the stream catalog wants every event, so its stored
      // checkpoint is the head; the others want none of the test events, and store
      // their checkpoint lazily (docs/projections.md).
      std::string_view name;
      REQUIRE(!projection["name"].get_string().get(name));
      if (name == "stream_catalog") {
        CHECK(checkpoint == 102);
      } else {
        CHECK(checkpoint <= 102);
      }
      ++seen;
    }
    CHECK(seen == docket::cli::make_projections().size());
  }

  TEST_CASE("backup while the server keeps writing, then restore into a new data directory") {
    TempDir tmp;
    const std::string backup_dir = tmp.sub("backup");
    std::uint64_t backup_head = 0;
    {
      auto rt = start_runtime(tmp.sub("data"));
      append_events(rt->store(), 200);
      auto blobs = docket::BlobStore::open(docket::DataDir{tmp.sub("data")}.attachments());
      REQUIRE(blobs.ok());
      REQUIRE(blobs->put(docket::sha256_hex("file bytes"), "file bytes").ok());
      std::atomic<bool> stop{false};
      std::thread writer([&] {
        while (!stop)
          append_events(rt->store(), 1);
      });
      auto backup = docket_cmd({"backup", backup_dir, "--data-dir", tmp.sub("data")});
      stop = true;
      writer.join();
      REQUIRE_MESSAGE(backup.exit_code == 0, backup.err);
      CHECK(backup.err.find("events backed up") != std::string::npos);
      CHECK(docket_cmd({"backup", backup_dir, "--data-dir", tmp.sub("data")}).exit_code == 1);
    }
    // Restore: the backup's log/ and attachments/ become an empty data directory's.
    const docket::BlobStore copied = docket::BlobStore::existing(backup_dir + "/attachments");
    CHECK(copied.verify(docket::sha256_hex("file bytes")).ok());
    const docket::DataDir restored{tmp.sub("restored")};
    std::filesystem::create_directories(restored.root);
    std::filesystem::copy(backup_dir, restored.root, std::filesystem::copy_options::recursive);
    auto verify = docket_cmd({"events", "verify", "--data-dir", restored.root});
    REQUIRE_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
    {
      auto rt = start_runtime(restored.root);
      backup_head = rt->store().head();
      CHECK(backup_head >= 200);
      auto st = rt->projections().status();
      REQUIRE(st.size() == docket::cli::make_projections().size());
      for (const auto& p : st)
        CHECK(p.checkpoint == backup_head);  // rebuilt from the restored log
    }
    auto offline = docket_cmd({"backup", tmp.sub("backup2"), "--data-dir", restored.root});
    CHECK(offline.exit_code == 0);
  }

  TEST_CASE("projections rebuild runs through a live server and offline") {
    TempDir tmp;
    std::uint64_t head = 0;
    {
      auto rt = start_runtime(tmp.path());
      append_events(rt->store(), 50);
      auto live =
          docket_cmd({"projections", "rebuild", "stream_catalog", "--data-dir", tmp.path()});
      CHECK_MESSAGE(live.exit_code == 0, live.err);
      CHECK(live.out.find("\"rebuilt\"") != std::string::npos);
      append_events(rt->store(), 5);  // the swapped-in file keeps projecting
      head = rt->store().head();      // 55 appended after the server's own first events
      auto st = rt->projections().status();
      CHECK(st[0].checkpoint == head);
      CHECK(docket_cmd({"projections", "rebuild", "nope", "--data-dir", tmp.path()}).exit_code ==
            1);
    }
    auto offline = docket_cmd({"projections", "rebuild", "--data-dir", tmp.path()});
    CHECK_MESSAGE(offline.exit_code == 0, offline.err);
    CHECK_MESSAGE(offline.err.find("rebuild stream_catalog: " + std::to_string(head) + " events") !=
                      std::string::npos,
                  offline.err);
  }

  TEST_CASE("verify exits 1 and names the first event whose bytes were changed") {
    TempDir tmp;
    {
      auto rt = start_runtime(tmp.path());
      append_events(rt->store(), 60);
    }
    {
      // Flip one byte inside the stored JSON of event 43 (the 41st appended here: the
      // permission catalogue and the default SLA policy are events 1 and 2), bypassing
      // the store.
      const std::string path = docket::DataDir{tmp.path()}.log();
      std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
      std::vector<std::string> names;
      REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
      for (const auto& n : names)
        cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
      std::vector<rocksdb::ColumnFamilyHandle*> handles;
      rocksdb::DB* raw = nullptr;
      REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, cfs, &handles, &raw).ok());
      rocksdb::ColumnFamilyHandle* log_cf = nullptr;
      for (auto* h : handles) {
        if (h->GetName() == events::log_format::kLogColumn) log_cf = h;
      }
      REQUIRE(log_cf != nullptr);
      const std::string key = events::log_format::log_key(43);
      std::string value;
      REQUIRE(raw->Get(rocksdb::ReadOptions(), log_cf, key, &value).ok());
      const auto pos = value.find("\"n\":40");
      REQUIRE(pos != std::string::npos);
      value[pos + 4] = '7';
      REQUIRE(raw->Put(rocksdb::WriteOptions(), log_cf, key, value).ok());
      for (auto* h : handles)
        raw->DestroyColumnFamilyHandle(h);
      delete raw;
    }
    auto verify = docket_cmd({"events", "verify", "--data-dir", tmp.path()});
    CHECK(verify.exit_code == 1);
    CHECK(verify.out.find("FAILED at event 43") != std::string::npos);
  }

  TEST_CASE("commands on a missing data directory fail clearly") {
    TempDir tmp;
    auto r = docket_cmd({"events", "verify", "--data-dir", tmp.sub("nothing")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no event log") != std::string::npos);
  }
}
