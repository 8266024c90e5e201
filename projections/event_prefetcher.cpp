#include "projections/event_prefetcher.h"

#include <cassert>

#include "events/event_store.h"

namespace docket::projections {

EventPrefetcher::EventPrefetcher(const events::EventStore& store, std::uint64_t after,
                                 std::uint64_t to, std::size_t chunk_events, std::size_t max_chunks)
    : chunk_events_(chunk_events), max_chunks_(max_chunks) {
  assert(after < to && chunk_events > 0 && max_chunks > 0);
  thread_ = std::thread([this, &store, after, to] { run(store, after, to); });
}

EventPrefetcher::~EventPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EventPrefetcher::run(const events::EventStore& store, std::uint64_t after, std::uint64_t to) {
  std::vector<events::EventRecord> chunk;
  std::size_t filled = 0;  // chunk[0..filled) hold this chunk's records
  // Hands the chunk to the consumer and takes a consumed one to refill; false when
  // told to stop.
  auto publish = [&]() -> bool {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_ || chunks_.size() < max_chunks_; });
    if (stop_) return false;
    chunks_.push_back(std::move(chunk));
    chunk.clear();
    if (!spare_.empty()) {
      chunk = std::move(spare_.back());
      spare_.pop_back();
    }
    lock.unlock();
    cv_.notify_all();
    filled = 0;
    return true;
  };
  Status status = store.scan(after + 1, to, [&](const events::EventRecord& e) {
    if (filled < chunk.size()) {
      chunk[filled] = e;  // copy-assignment reuses the strings' capacity
    } else {
      chunk.push_back(e);
    }
    ++filled;
    return filled < chunk_events_ || publish();
  });
  std::unique_lock<std::mutex> lock(mu_);
  chunk.resize(filled);
  if (!chunk.empty() && !stop_) chunks_.push_back(std::move(chunk));
  status_ = status;
  finished_ = true;
  lock.unlock();
  cv_.notify_all();
}

Status EventPrefetcher::next(std::vector<events::EventRecord>& chunk) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!chunk.empty()) spare_.push_back(std::move(chunk));
  chunk.clear();
  cv_.wait(lock, [&] { return !chunks_.empty() || finished_; });
  if (!chunks_.empty()) {
    chunk = std::move(chunks_.front());
    chunks_.pop_front();
    lock.unlock();
    cv_.notify_all();
    return Status::Ok();
  }
  return status_;
}

}  // namespace docket::projections
