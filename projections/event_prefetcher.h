// EventPrefetcher: reads a range of the log on a helper thread, a bounded number of
// chunks ahead of the consumer, so decoding the log and applying it to SQLite run on
// two cores at once during catch-up and rebuild.
//
// Memory is bounded by max_chunks * chunk_events records. Consumed chunks go back to
// the helper thread, which copies the next records into them: their strings keep their
// capacity, so steady-state reading allocates nothing and nothing allocated on one
// thread is freed on the other. Destroying the prefetcher stops the helper thread (it
// finishes the record in hand) and joins it.
// Thread safety: next() is called by one consumer thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"
#include "events/event.h"

namespace docket::events {
class EventStore;
}

namespace docket::projections {

class EventPrefetcher {
 public:
  // Starts reading events after..to (after < eventId <= to). `store` must outlive the
  // prefetcher. REQUIRES: after < to, chunk_events > 0, max_chunks > 0.
  EventPrefetcher(const events::EventStore& store, std::uint64_t after, std::uint64_t to,
                  std::size_t chunk_events = 1024, std::size_t max_chunks = 8);
  ~EventPrefetcher();
  EventPrefetcher(const EventPrefetcher&) = delete;
  EventPrefetcher& operator=(const EventPrefetcher&) = delete;

  // Replaces `chunk` with the next chunk of events in log order, taking the old one
  // back for reuse. `chunk` comes back empty once the range is exhausted (or the log
  // ended early: the consumer checks the eventIds it got). Returns the scan's error, if
  // it failed, once the chunks read before it are consumed.
  Status next(std::vector<events::EventRecord>& chunk);

 private:
  void run(const events::EventStore& store, std::uint64_t after, std::uint64_t to);

  const std::size_t chunk_events_;
  const std::size_t max_chunks_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<events::EventRecord>> chunks_;  // guarded by mu_; full
  std::vector<std::vector<events::EventRecord>> spare_;  // guarded by mu_; consumed
  bool finished_ = false;                                // guarded by mu_
  bool stop_ = false;                                    // guarded by mu_
  Status status_;                                        // guarded by mu_
  std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace docket::projections
