#include "projections/account_cache.h"

#include <mutex>

namespace docket::projections {

std::optional<AccountRow> AccountCache::find(std::int64_t id) const {
  const std::uint64_t current = version();
  std::shared_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.version != current) return std::nullopt;
  return it->second.row;
}

void AccountCache::put(const AccountRow& row, std::uint64_t version) {
  std::unique_lock lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(row.id, Entry{version, row});
}

void AccountCache::on_commit(std::span<const events::EventRecord> events) {
  for (const events::EventRecord& e : events) {
    if (e.type.starts_with("account.")) {
      version_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
  }
}

}  // namespace docket::projections
