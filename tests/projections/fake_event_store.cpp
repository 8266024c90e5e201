#include "tests/projections/fake_event_store.h"

#include <algorithm>

namespace docket::projections::testing {

class FakeEventStore::View final : public events::StagedView {
 public:
  explicit View(const FakeEventStore& store) : store_(store) {}
  std::uint64_t head() const override { return store_.head(); }
  Result<std::uint64_t> stream_version(std::string_view stream) const override {
    return store_.stream_version(stream);
  }
  Result<std::vector<events::EventRecord>> read_stream(std::string_view stream,
                                                       std::uint64_t fromVersion) const override {
    return store_.read_stream(stream, fromVersion, SIZE_MAX);
  }
  Result<std::string> unique_owner(std::string_view) const override { return std::string(); }
  Result<std::uint64_t> last_id(std::string_view) const override { return std::uint64_t{0}; }
  UnixMillis now_ms() const override { return 1'790'000'000'000; }

 private:
  const FakeEventStore& store_;
};

std::uint64_t FakeEventStore::version_locked(std::string_view stream) const {
  std::uint64_t version = 0;
  for (const auto& r : records_) {
    if (r.stream == stream) version = r.streamVersion;
  }
  return version;
}

Result<events::AppendResult> FakeEventStore::commit_locked(const events::AppendRequest& request) {
  std::vector<events::EventRecord> group;
  std::vector<events::CommitObserver*> observers;
  events::AppendResult result;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::uint64_t next = records_.size() + 1;
    std::string prev = records_.empty() ? std::string(events::kGenesisHash) : records_.back().hash;
    result.firstEventId = next;
    for (const auto& append : request.streams) {
      std::uint64_t version = version_locked(append.stream);
      for (const auto& r : group) {
        if (r.stream == append.stream) version = r.streamVersion;
      }
      if (append.expectedVersion != events::kAnyVersion && append.expectedVersion != version) {
        return Status::Conflict("stream " + append.stream + " is at another version");
      }
      for (const auto& ev : append.events) {
        events::EventRecord record;
        UnixMillis at = 1'790'000'000'000 + static_cast<UnixMillis>(next) * 1000;
        events::encode_event(next, append.stream, ++version, at, request.actor, request.meta, ev,
                             prev, record);
        prev = record.hash;
        ++next;
        group.push_back(std::move(record));
      }
      result.streamVersions.push_back(version);
    }
    result.lastEventId = next - 1;
    records_.insert(records_.end(), group.begin(), group.end());
    observers = observers_;
  }
  head_cv_.notify_all();
  for (events::CommitObserver* observer : observers)
    observer->on_commit(group);
  return result;
}

std::vector<events::EventRecord> FakeEventStore::append_group(
    const std::vector<std::pair<std::string, std::string>>& evs) {
  events::AppendRequest request;
  for (const auto& [stream, type] : evs) {
    events::StreamAppend append;
    append.stream = stream;
    append.events.push_back({type, 1, "{\"note\":\"" + type + " on " + stream + "\"}"});
    request.streams.push_back(std::move(append));
  }
  std::lock_guard<std::mutex> writer(writer_mu_);
  Result<events::AppendResult> result = commit_locked(request);
  std::lock_guard<std::mutex> lock(mu_);
  return std::vector<events::EventRecord>(records_.begin() + (result->firstEventId - 1),
                                          records_.begin() + result->lastEventId);
}

void FakeEventStore::append_many(std::size_t count, std::size_t group_size,
                                 const std::string& category, std::size_t streams) {
  std::size_t done = 0;
  while (done < count) {
    std::vector<std::pair<std::string, std::string>> group;
    for (std::size_t i = 0; i < group_size && done < count; ++i, ++done) {
      std::uint64_t n = head() + group.size();
      group.emplace_back(category + "-" + std::to_string(n % streams),
                         n % 3 == 0 ? "item.created" : "item.changed");
    }
    append_group(group);
  }
}

void FakeEventStore::append_unobserved(std::size_t count, const std::string& category) {
  std::vector<events::CommitObserver*> saved;
  std::lock_guard<std::mutex> writer(writer_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    saved.swap(observers_);
  }
  for (std::size_t i = 0; i < count; ++i) {
    events::AppendRequest request;
    events::StreamAppend append;
    append.stream = category + "-quiet";
    append.events.push_back({"item.changed", 1, "{}"});
    request.streams.push_back(std::move(append));
    commit_locked(request);
  }
  std::lock_guard<std::mutex> lock(mu_);
  observers_.swap(saved);
}

void FakeEventStore::truncate(std::uint64_t head) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  if (head < records_.size()) records_.resize(head);
}

void FakeEventStore::set_epoch(std::string epoch) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  epoch_ = std::move(epoch);
}

void FakeEventStore::append_async(events::AppendRequest request, events::AppendCallback done,
                                  events::Acknowledge) {
  done(append(std::move(request)));
}

void FakeEventStore::execute_async(events::PrepareFn prepare, events::AppendCallback done,
                                   events::Acknowledge) {
  done(execute(std::move(prepare)));
}

Result<events::AppendResult> FakeEventStore::append(events::AppendRequest request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  return commit_locked(request);
}

Result<events::AppendResult> FakeEventStore::execute(events::PrepareFn prepare) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  View view(*this);
  Result<events::AppendRequest> request = prepare(view);
  if (!request.ok()) return request.status();
  return commit_locked(*request);
}

std::uint64_t FakeEventStore::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

Result<std::vector<events::EventRecord>> FakeEventStore::read_range(std::uint64_t from,
                                                                    std::size_t limit) const {
  std::vector<events::EventRecord> out;
  scan(from, 0, [&](const events::EventRecord& r) {
    out.push_back(r);
    return out.size() < limit;
  });
  return out;
}

Status FakeEventStore::scan(std::uint64_t from, std::uint64_t to,
                            const std::function<bool(const events::EventRecord&)>& fn) const {
  // Copies a chunk at a time so appends are not blocked while fn runs.
  std::uint64_t next = std::max<std::uint64_t>(from, 1);
  for (;;) {
    std::vector<events::EventRecord> chunk;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::uint64_t last = to == 0 ? records_.size() : std::min<std::uint64_t>(to, records_.size());
      for (std::uint64_t id = next; id <= last && chunk.size() < 256; ++id) {
        chunk.push_back(records_[id - 1]);
      }
    }
    if (chunk.empty()) return Status::Ok();
    for (const auto& r : chunk) {
      if (!fn(r)) return Status::Ok();
    }
    next = chunk.back().eventId + 1;
  }
}

Result<std::vector<events::EventRecord>> FakeEventStore::read_stream(std::string_view stream,
                                                                     std::uint64_t fromVersion,
                                                                     std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<events::EventRecord> out;
  for (const auto& r : records_) {
    if (out.size() >= limit) break;
    if (r.stream == stream && r.streamVersion >= fromVersion) out.push_back(r);
  }
  return out;
}

Result<std::vector<std::uint64_t>> FakeEventStore::stream_event_ids(std::string_view stream,
                                                                    std::uint64_t fromVersion,
                                                                    std::size_t limit) const {
  Result<std::vector<events::EventRecord>> records = read_stream(stream, fromVersion, limit);
  std::vector<std::uint64_t> ids;
  for (const auto& r : *records)
    ids.push_back(r.eventId);
  return ids;
}

Result<std::uint64_t> FakeEventStore::stream_version(std::string_view stream) const {
  std::lock_guard<std::mutex> lock(mu_);
  return version_locked(stream);
}

Result<std::string> FakeEventStore::unique_owner(std::string_view) const {
  return std::string();
}

Result<std::uint64_t> FakeEventStore::last_id(std::string_view) const {
  return std::uint64_t{0};
}

void FakeEventStore::add_commit_observer(events::CommitObserver* observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observers_.push_back(observer);
}

void FakeEventStore::remove_commit_observer(events::CommitObserver* observer) {
  // Waits for a group in flight, as the real store does.
  std::lock_guard<std::mutex> writer(writer_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

std::uint64_t FakeEventStore::wait_for_head(std::uint64_t after,
                                            std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  head_cv_.wait_for(lock, timeout, [&] { return records_.size() > after; });
  return records_.size();
}

Status FakeEventStore::backup(const std::string&) const {
  return Status::Unavailable("FakeEventStore keeps no files to back up");
}

Status FakeEventStore::scan_raw(events::LogColumn, std::string_view,
                                const events::RawEntryFn&) const {
  return Status::Unavailable("FakeEventStore keeps no raw column families");
}

events::StoreStats FakeEventStore::stats() const {
  events::StoreStats s;
  s.head = head();
  return s;
}

}  // namespace docket::projections::testing
