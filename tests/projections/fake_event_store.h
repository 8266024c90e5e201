// FakeEventStore: an in-memory EventStore for the projection engine's unit tests.
//
// Records are built with events::encode_event, so they look exactly like stored ones.
// A "group" is one call of append_group()/append()/execute(): it runs the commit
// observers on the calling thread, which plays the writer thread (appends are
// serialised by a mutex, as the writer serialises groups). Reads may run on any thread.
// Test controls rewrite the log as a restore or a new log would.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "events/event_store.h"

namespace docket::projections::testing {

class FakeEventStore final : public events::EventStore {
 public:
  explicit FakeEventStore(std::string epoch = "epoch-a") : epoch_(std::move(epoch)) {}

  // Appends one event per {stream, type} as one group and runs the observers.
  std::vector<events::EventRecord> append_group(
      const std::vector<std::pair<std::string, std::string>>& events);
  // Appends `count` events to streams "<category>-<i % streams>" as groups of
  // `group_size`, running the observers for each group.
  void append_many(std::size_t count, std::size_t group_size, const std::string& category = "item",
                   std::size_t streams = 7);
  // Appends without running observers: a log that grew while no engine watched it.
  void append_unobserved(std::size_t count, const std::string& category = "item");

  // Keeps events 1..head only (an older copy of the log was restored).
  void truncate(std::uint64_t head);
  // Pretends the log was recreated: same events, another epoch.
  void set_epoch(std::string epoch);

  // events::EventStore
  // Commits synchronously, observers included: every Acknowledge is the same here.
  void append_async(events::AppendRequest request, events::AppendCallback done,
                    events::Acknowledge ack = events::Acknowledge::kApplied) override;
  void execute_async(events::PrepareFn prepare, events::AppendCallback done,
                     events::Acknowledge ack = events::Acknowledge::kApplied) override;
  std::uint64_t applied() const override { return head(); }
  void when_applied(std::uint64_t, std::function<void()> then) override { then(); }
  Result<events::AppendResult> append(events::AppendRequest request) override;
  Result<events::AppendResult> execute(events::PrepareFn prepare) override;
  std::uint64_t head() const override;
  const std::string& log_epoch() const override { return epoch_; }
  Result<std::vector<events::EventRecord>> read_range(std::uint64_t from,
                                                      std::size_t limit) const override;
  Status scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const events::EventRecord&)>& fn) const override;
  Result<std::vector<events::EventRecord>> read_stream(std::string_view stream,
                                                       std::uint64_t fromVersion,
                                                       std::size_t limit) const override;
  Result<std::vector<std::uint64_t>> stream_event_ids(std::string_view stream,
                                                      std::uint64_t fromVersion,
                                                      std::size_t limit) const override;
  Result<std::uint64_t> stream_version(std::string_view stream) const override;
  Result<std::string> unique_owner(std::string_view key) const override;
  Result<std::uint64_t> last_id(std::string_view sequence) const override;
  void add_commit_observer(events::CommitObserver* observer) override;
  void remove_commit_observer(events::CommitObserver* observer) override;
  std::uint64_t wait_for_head(std::uint64_t after,
                              std::chrono::milliseconds timeout) const override;
  Status backup(const std::string& dir) const override;
  Status scan_raw(events::LogColumn column, std::string_view start,
                  const events::RawEntryFn& fn) const override;
  events::StoreStats stats() const override;
  std::uint64_t disk_bytes() const override { return 0; }
  void close() override {}

 private:
  class View;
  // REQUIRES: writer_mu_ held. Encodes and publishes the request, then runs observers.
  Result<events::AppendResult> commit_locked(const events::AppendRequest& request);
  std::uint64_t version_locked(std::string_view stream) const;

  std::string epoch_;
  std::mutex writer_mu_;   // one group at a time, like the writer thread
  mutable std::mutex mu_;  // guards records_ and observers_
  mutable std::condition_variable head_cv_;
  std::vector<events::EventRecord> records_;  // records_[i].eventId == i + 1
  std::vector<events::CommitObserver*> observers_;
};

}  // namespace docket::projections::testing
