#include "cli/storage_watch.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

#include "core/json_writer.h"
#include "core/log.h"
#include "events/event_store.h"

namespace docket::cli {

StorageWatch::StorageWatch(const events::EventStore& store, std::string data_dir,
                           std::uint64_t min_free_bytes, std::function<void()> on_restart)
    : store_(store),
      data_dir_(std::move(data_dir)),
      min_free_bytes_(min_free_bytes),
      on_restart_(std::move(on_restart)),
      thread_([this] { loop(); }) {}

StorageWatch::~StorageWatch() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::uint64_t StorageWatch::free_bytes(const std::string& path) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) return 0;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}

std::uint64_t StorageWatch::needed_bytes(const std::string& path, std::uint64_t min_free_bytes) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) return min_free_bytes;
  const std::uint64_t twentieth = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize / 20;
  return std::min(min_free_bytes, twentieth);
}

void StorageWatch::loop() {
  bool reported = false;
  std::unique_lock lock(mu_);
  while (!requested_) {
    if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
    const Status failure = store_.write_failure();
    if (failure.ok()) continue;
    const std::uint64_t free = free_bytes(data_dir_);
    if (!reported) {
      reported = true;
      log_error("storage.writes_stopped", [&](JsonWriter& w) {
        w.field("error", failure.ToString()).field("freeBytes", free);
      });
    }
    if (free < needed_bytes(data_dir_, min_free_bytes_)) continue;
    requested_ = true;
    log_warn("storage.restart_required",
             [&](JsonWriter& w) { w.field("freeBytes", free).field("error", failure.ToString()); });
    lock.unlock();
    if (on_restart_) on_restart_();
    return;
  }
}

}  // namespace docket::cli
