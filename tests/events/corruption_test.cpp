// Damaged logs: byte flips, broken index entries, missing records, torn WAL tails.
// Each test damages the RocksDB directly, then checks what open and verify_log report.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "events/event_store.h"
#include "events/log_format.h"
#include "events/log_verifier.h"
#include "tests/events/events_test_util.h"
#include "tests/support/test_support.h"

namespace docket::events {
namespace {

namespace fs = std::filesystem;
using testing::open_store;
using testing::RawLog;
using testing::single;

// Writes 12 events: streams a (ids 1..4), b (5..8), c (9..12), each a multi-event append.
void write_sample_log(const std::string& path) {
  auto store = open_store(path);
  for (const char* s : {"a", "b", "c"}) {
    auto r = store->append(single(s, kNoStream, 4));
    REQUIRE(r.ok());
  }
}

VerifyReport verify_read_only(const std::string& path) {
  auto store = EventStore::open_read_only(path);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return verify_log(**store);
}

std::uint64_t read_head(const std::string& path) {
  auto store = EventStore::open_read_only(path);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return (*store)->head();
}

}  // namespace

TEST_SUITE("events.integration") {
  TEST_CASE("verify passes on an intact log and reports its counts") {
    docket::testing::TempDir dir;
    write_sample_log(dir.sub("log"));
    std::vector<std::uint64_t> progress;
    auto store = EventStore::open_read_only(dir.sub("log"));
    REQUIRE(store.ok());
    const VerifyReport report =
        verify_log(**store, [&](std::uint64_t done) { progress.push_back(done); });
    CHECK_MESSAGE(report.ok(), report.status.ToString());
    CHECK(report.head == 12);
    CHECK(report.events_checked == 12);
    CHECK(report.streams_checked == 3);
    CHECK(report.index_entries_checked == 12);
    CHECK(report.bad_event_id == 0);
    REQUIRE_FALSE(progress.empty());
    CHECK(progress.back() == 12);
  }

  TEST_CASE("a flipped byte in event N's stored JSON is reported at exactly event N") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    constexpr std::uint64_t kVictim = 6;
    RawLog raw(path);
    const std::string original = raw.record(kVictim);
    // Offsets inside eventId, type, data, prevHash, hash, and the closing brace.
    const std::vector<std::size_t> offsets = {original.find("\"eventId\":") + 10,
                                              original.find("test.event") + 2,
                                              original.find("\"n\":") + 4,
                                              original.find("\"prevHash\"") + 15,
                                              original.size() - 10,
                                              original.size() - 1};
    for (std::size_t offset : offsets) {
      CAPTURE(offset);
      std::string tampered = original;
      tampered[offset] = static_cast<char>(tampered[offset] ^ 0x01);
      raw.put_record(kVictim, tampered);
      const VerifyReport report = verify_read_only(path);
      CHECK_FALSE(report.ok());
      CHECK(report.status.IsCorruption());
      CHECK(report.bad_event_id == kVictim);
      CHECK(report.events_checked == kVictim - 1);
      CHECK_FALSE(report.reason.empty());
    }
    raw.put_record(kVictim, original);
    CHECK(verify_read_only(path).ok());
  }

  TEST_CASE("a record re-hashed after tampering breaks the chain at the next event") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    RawLog raw(path);
    // Rewrite event 3 with different data and a correct hash for the new bytes.
    auto rec = decode_event(raw.record(3));
    REQUIRE(rec.ok());
    EventRecord forged;
    encode_event(3, rec->stream, rec->streamVersion, rec->occurredAt, rec->actor, rec->meta,
                 NewEvent{rec->type, rec->version, R"({"n":999})"}, rec->prevHash, forged);
    raw.put_record(3, forged.json);
    const VerifyReport report = verify_read_only(path);
    CHECK(report.bad_event_id == 4);
    CHECK(report.reason.find("prevHash") != std::string::npos);
  }

  TEST_CASE("stream index damage is reported at the event it concerns") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    RawLog raw(path);
    const std::string b2 = log_format::stream_key("b", 2);  // -> event 6
    SUBCASE("an entry pointing to the wrong event") {
      raw.put(log_format::kStreamsColumn, b2, log_format::encode_be64(7));
      const VerifyReport report = verify_read_only(path);
      CHECK(report.bad_event_id == 6);
      CHECK(report.reason == "stream index maps (b, 2) to event 7");
    }
    SUBCASE("a missing entry") {
      raw.del(log_format::kStreamsColumn, b2);
      const VerifyReport report = verify_read_only(path);
      CHECK(report.bad_event_id == 6);
      CHECK(report.reason == "stream index has no entry for (b, 2)");
    }
    SUBCASE("an entry that is not an eventId") {
      raw.put(log_format::kStreamsColumn, b2, "xyz");
      const VerifyReport report = verify_read_only(path);
      CHECK(report.bad_event_id == 6);
      CHECK(report.reason == "stream index entry (b, 2) is not an eventId");
    }
    SUBCASE("a stray entry for a version the stream never had") {
      raw.put(log_format::kStreamsColumn, log_format::stream_key("b", 9),
              log_format::encode_be64(11));
      const VerifyReport report = verify_read_only(path);
      CHECK(report.bad_event_id == 11);
      CHECK(report.events_checked == 12);
      CHECK(report.reason.find("(b, 9)") != std::string::npos);
    }
    SUBCASE("a record claiming another stream version") {
      // Rewrite event 10 (c version 2) as c version 1, with a hash that matches.
      auto rec = decode_event(raw.record(10));
      REQUIRE(rec.ok());
      EventRecord forged;
      encode_event(10, "c", 1, rec->occurredAt, rec->actor, rec->meta,
                   NewEvent{rec->type, rec->version, rec->data}, rec->prevHash, forged);
      raw.put_record(10, forged.json);
      const VerifyReport report = verify_read_only(path);
      CHECK(report.bad_event_id == 10);
      CHECK(report.reason == "stream c has version 1 after version 1 (expected 2)");
    }
  }

  TEST_CASE("a deleted record is a gap reported at its eventId") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    {
      RawLog raw(path);
      raw.del(log_format::kLogColumn, log_format::log_key(5));
    }
    const VerifyReport report = verify_read_only(path);
    CHECK(report.bad_event_id == 5);
    CHECK(report.reason == "event 5 is missing (the next record is event 6)");
    // Reads across the gap name it too.
    auto store = EventStore::open_read_only(path);
    REQUIRE(store.ok());
    auto range = (*store)->read_range(1, 100);
    REQUIRE(range.status().IsCorruption());
    CHECK(range.status().message() == "event 5 is missing");
    CHECK((*store)->read_stream("b", 1, 10).status().IsCorruption());
  }

  TEST_CASE("open refuses a log whose head disagrees with its last record") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    SUBCASE("last record deleted") {
      RawLog raw(path);
      raw.del(log_format::kLogColumn, log_format::log_key(12));
    }
    SUBCASE("meta head moved back") {
      RawLog raw(path);
      raw.put(log_format::kMetaColumn, std::string(log_format::kMetaHead),
              log_format::encode_be64(11));
    }
    SUBCASE("head record damaged") {
      RawLog raw(path);
      std::string rec = raw.record(12);
      rec[rec.find("\"n\":") + 4] ^= 0x01;
      raw.put_record(12, rec);
    }
    StoreOptions options;
    options.path = path;
    auto store = EventStore::open(options);
    CHECK_MESSAGE(store.status().IsCorruption(), store.status().ToString());
    CHECK(EventStore::open_read_only(path).status().IsCorruption());
  }

  TEST_CASE("open refuses an unknown format version") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    write_sample_log(path);
    {
      RawLog raw(path);
      raw.put(log_format::kMetaColumn, std::string(log_format::kMetaFormatVersion), "2");
    }
    CHECK(EventStore::open_read_only(path).status().code() == Status::Code::kFailedPrecondition);
  }

  TEST_CASE("a torn or corrupted WAL tail recovers to a consistent prefix") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    const std::string copy = dir.sub("copy");
    std::vector<std::string> hashes;
    {
      auto store = open_store(path);
      for (int i = 0; i < 40; ++i)
        REQUIRE(store->append(single("s", kAnyVersion)).ok());
      const auto written = store->read_range(1, 100);
      REQUIRE(written.ok());
      for (const auto& e : *written)
        hashes.push_back(e.hash);
      // Copy the files while the store is open: every group is in the WAL, none in an SST,
      // exactly what a crash leaves behind.
      fs::copy(path, copy, fs::copy_options::recursive);
    }
    fs::path wal;
    for (const auto& entry : fs::directory_iterator(copy)) {
      if (entry.path().extension() == ".log" && entry.file_size() > 0) wal = entry.path();
    }
    REQUIRE_FALSE(wal.empty());
    const auto wal_size = fs::file_size(wal);

    SUBCASE("truncated mid-record") {
      fs::resize_file(wal, wal_size - 100);
    }
    SUBCASE("bytes flipped near the end") {
      std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(wal_size - 300));
      const char garbage[8] = {'\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a'};
      f.write(garbage, sizeof garbage);
    }
    const std::uint64_t head = read_head(copy);
    CHECK(head < 40);
    CHECK(head >= 30);  // only the tail is lost
    auto store = open_store(copy);
    CHECK(store->head() == head);
    auto events = store->read_range(1, 100);
    REQUIRE(events.ok());
    REQUIRE(events->size() == head);
    for (std::size_t i = 0; i < head; ++i)
      CHECK((*events)[i].hash == hashes[i]);
    const VerifyReport report = verify_log(*store);
    CHECK_MESSAGE(report.ok(), report.status.ToString());
    // The recovered log takes new appends that continue the chain.
    auto next = store->append(single("s", kAnyVersion));
    REQUIRE(next.ok());
    CHECK(next->firstEventId == head + 1);
    CHECK(verify_log(*store).ok());
  }
}

}  // namespace docket::events
