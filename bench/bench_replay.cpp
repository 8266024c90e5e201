// Realtime sync replay: a client that missed the last 500 messages of a long room.
//
//   bench_replay [--messages 10000] [--missed 500] [--others 20] [--iterations 2000]
//                [--dir DIR]
//
// Builds a log holding one support request stream of `messages` message events (plus its
// creation and a status change every 100 messages), with `others` other request streams
// interleaved in the same commands (one message each per command), then times
// replay_room for a client `missed` messages behind (the default is the replay bound:
// the most a sync replays), and replay_room + sync_ack_json. Reads only: the figures are
// server time for the sync, without the websocket. The store is closed and reopened
// before timing, so the first replay's figure is the one after a restart.
#include <time.h>

#include <filesystem>

#include "bench/bench_util.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "realtime/replay.h"

using namespace docket;

namespace {

std::int64_t g_message_id = 0;

events::NewEvent message(std::mt19937_64& rng, std::int64_t request) {
  static constexpr std::string_view kWords[] = {"order", "refund",  "delivery", "account", "please",
                                                "help",  "package", "late",     "thanks",  "the",
                                                "my",    "is",      "not",      "since"};
  std::string text;
  while (text.size() < 200) {
    if (!text.empty()) text.push_back(' ');
    text += kWords[rng() % std::size(kWords)];
  }
  JsonWriter w;
  w.begin_object().field("supportRequestId", request).field("messageId", ++g_message_id);
  w.field("senderType", "customer").field("senderId", std::int64_t{5}).field("message", text);
  w.end_object();
  return {std::string(domain::SupportRequestMessageCreated::kType), 1, w.take()};
}

events::NewEvent created(std::int64_t request) {
  JsonWriter w;
  w.begin_object().field("supportRequestId", request).field("ticketNumber", "SUP-2026-000001");
  w.field("customerId", std::int64_t{5}).field("subject", "Where is my order?");
  w.field("category", "general").field("priority", "low").field_raw("metadata", "null");
  w.end_object();
  return {std::string(domain::SupportRequestCreated::kType), 1, w.take()};
}

events::NewEvent status_changed(std::int64_t request) {
  JsonWriter w;
  w.begin_object().field("supportRequestId", request).field("from", "open");
  w.field("to", "in_progress").field_raw("resolutionNote", "null").field("reason", "staff");
  w.end_object();
  return {std::string(domain::SupportRequestStatusChanged::kType), 1, w.take()};
}

// CPU time of the calling thread, in ms: the work itself, whatever else the machine runs.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::unique_ptr<events::EventStore> open_store(const std::string& dir) {
  events::StoreOptions options;
  options.path = dir + "/log";
  auto opened = events::EventStore::open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(opened).value();
}

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  set_log_level(LogLevel::kWarn);
  const auto messages = bench::flag_uint(argc, argv, "messages", 10000);
  const auto missed = bench::flag_uint(argc, argv, "missed", 500);
  const auto others = bench::flag_uint(argc, argv, "others", 20);
  const auto iterations = bench::flag_uint(argc, argv, "iterations", 2000);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-replay-data");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // Load: commands of 100 messages of the room, one message of each other room first.
  constexpr std::int64_t kRoom = 1;
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> room_ids;  // eventIds of the room's messages
  auto t0 = std::chrono::steady_clock::now();
  {
    auto store = open_store(dir);
    for (std::uint64_t done = 0; done < messages;) {
      events::AppendRequest req;
      for (std::uint64_t o = 0; o < others; ++o) {
        const auto other = static_cast<std::int64_t>(o + 2);
        events::StreamAppend s{domain::support_request_stream(other), events::kAnyVersion, {}};
        if (done == 0) s.events.push_back(created(other));
        s.events.push_back(message(rng, other));
        req.streams.push_back(std::move(s));
      }
      events::StreamAppend mine{domain::support_request_stream(kRoom), events::kAnyVersion, {}};
      if (done == 0) mine.events.push_back(created(kRoom));
      const std::uint64_t n = std::min<std::uint64_t>(100, messages - done);
      std::vector<std::size_t> message_slots;
      for (std::uint64_t i = 0; i < n; ++i) {
        if (i == 50) mine.events.push_back(status_changed(kRoom));
        message_slots.push_back(mine.events.size());
        mine.events.push_back(message(rng, kRoom));
      }
      const std::size_t mine_size = mine.events.size();
      req.streams.push_back(std::move(mine));
      auto r = store->append(std::move(req));
      if (!r.ok()) {
        std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
        return 1;
      }
      const std::uint64_t first_mine = r->lastEventId - mine_size + 1;
      for (std::size_t slot : message_slots)
        room_ids.push_back(first_mine + slot);
      done += n;
    }
    std::printf("load: room_messages=%llu other_rooms=%llu head=%llu seconds=%.2f\n",
                static_cast<unsigned long long>(room_ids.size()),
                static_cast<unsigned long long>(others),
                static_cast<unsigned long long>(store->head()), bench::seconds_since(t0));
    store->close();
  }
  if (missed == 0 || missed > room_ids.size()) {
    std::fprintf(stderr, "--missed must be in 1..--messages\n");
    return 1;
  }

  // Timing, on the reopened log (nothing of the load left in memory but the OS cache).
  auto store = open_store(dir);
  const realtime::RoomRef room{realtime::RoomKind::kRequest, kRoom};
  const std::uint64_t since = room_ids[room_ids.size() - missed - 1];
  const realtime::ReplayOptions options;
  const UnixMillis now = SystemClock::instance().now_ms();
  std::uint64_t bad = 0;
  std::vector<double> cpu_ms;
  cpu_ms.reserve(iterations);
  auto once = [&](bool with_ack) {
    const double cpu0 = thread_cpu_ms();
    const auto s = std::chrono::steady_clock::now();
    auto out = realtime::replay_room(*store, room, since, std::nullopt, options, now);
    std::size_t ack_bytes = 0;
    if (with_ack && out.ok()) ack_bytes = realtime::sync_ack_json(*out).size();
    const double ms = bench::seconds_since(s) * 1000;
    if (with_ack) cpu_ms.push_back(thread_cpu_ms() - cpu0);
    if (!out.ok() || out->gapDetected || out->events.size() != missed ||
        out->lastEventId != room_ids.back() || (with_ack && ack_bytes == 0)) {
      ++bad;
    }
    return ms;
  };
  const double first_ms = once(true);
  std::vector<double> replay_ms;
  std::vector<double> ack_ms;
  replay_ms.reserve(iterations);
  ack_ms.reserve(iterations);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    replay_ms.push_back(once(false));
    ack_ms.push_back(once(true));
  }
  auto ack = realtime::replay_room(*store, room, since, std::nullopt, options, now);
  const std::size_t ack_bytes = ack.ok() ? realtime::sync_ack_json(*ack).size() : 0;
  // quantile sorts in place: the last sample is then the largest.
  const double replay_p50 = bench::quantile(replay_ms, 0.5);
  const double replay_p99 = bench::quantile(replay_ms, 0.99);
  const double ack_p50 = bench::quantile(ack_ms, 0.5);
  const double ack_p99 = bench::quantile(ack_ms, 0.99);
  const double cpu_p50 = bench::quantile(cpu_ms, 0.5);
  const double cpu_p99 = bench::quantile(cpu_ms, 0.99);
  std::printf("first: replay+ack_ms=%.3f (first sync after reopening the log)\n", first_ms);
  std::printf("replay: missed=%llu iterations=%llu median_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
              static_cast<unsigned long long>(missed), static_cast<unsigned long long>(iterations),
              replay_p50, replay_p99, replay_ms.back());
  std::printf(
      "replay+ack: missed=%llu iterations=%llu median_ms=%.3f p99_ms=%.3f max_ms=%.3f "
      "ack_bytes=%zu\n",
      static_cast<unsigned long long>(missed), static_cast<unsigned long long>(iterations), ack_p50,
      ack_p99, ack_ms.back(), ack_bytes);
  std::printf("replay+ack cpu: median_ms=%.3f p99_ms=%.3f (thread CPU time of the same calls)\n",
              cpu_p50, cpu_p99);
  std::printf("failures=%llu\n", static_cast<unsigned long long>(bad));
  store->close();
  store.reset();
  std::filesystem::remove_all(dir);
  return bad == 0 ? 0 : 1;
}
