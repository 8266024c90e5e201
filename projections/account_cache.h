// AccountCache: the accounts read model's rows kept in memory for the auth guard, which
// reads the signed-in account on every request.
//
// Every cached row carries the cache's version at the time it was read; a commit that
// holds any account.* event bumps the version, so the next lookup of any account reads
// the read model again. The cache observes the log as a CommitObserver registered
// after the projection engine: it bumps only once the engine committed the group's rows
// and before any command of the group completes, so a request that follows a completed
// command (deactivation, a permission change) never sees the old row.
//
// Bounded: it is cleared when it holds kMaxEntries rows. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "events/event_store.h"
#include "projections/account_query.h"

namespace docket::projections {

class AccountCache final : public events::CommitObserver {
 public:
  static constexpr std::size_t kMaxEntries = 100'000;

  // The cached row of `id` when still current.
  std::optional<AccountRow> find(std::int64_t id) const;
  // Caches `row` as read while the version was `version` (see version()).
  void put(const AccountRow& row, std::uint64_t version);
  // Read before querying the read model; pass to put().
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // CommitObserver: bumps the version when the group holds an account event.
  void on_commit(std::span<const events::EventRecord> events) override;

 private:
  struct Entry {
    std::uint64_t version;
    AccountRow row;
  };
  std::atomic<std::uint64_t> version_{1};
  mutable std::shared_mutex mu_;
  std::unordered_map<std::int64_t, Entry> entries_;  // guarded by mu_
};

}  // namespace docket::projections
