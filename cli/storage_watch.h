// StorageWatch: what the server does after the log's disk failed a write (decision 0033).
//
// A failed group write leaves the log refusing every command until it is reopened
// (events/log_writer.h): only recovery can tell what the failed write left in the WAL.
// Until then writes answer 503 STORAGE_UNAVAILABLE and reads keep working. The watch
// checks once a second; when the data directory's file system has `min_free_bytes`
// (or a twentieth of its size, if less) free again (at once, for a failure that was not
// about space), it logs
// `storage.restart_required` and calls `on_restart` once: `docket serve` then shuts
// down cleanly and exits 75 (EX_TEMPFAIL) so a supervisor restarts it.
//
// Thread safety: its own thread; the constructor and destructor from the owner's.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace docket::events {
class EventStore;
}

namespace docket::cli {

class StorageWatch {
 public:
  static constexpr std::uint64_t kMinFreeBytes = 64u << 20;

  StorageWatch(const events::EventStore& store, std::string data_dir, std::uint64_t min_free_bytes,
               std::function<void()> on_restart);
  ~StorageWatch();
  StorageWatch(const StorageWatch&) = delete;
  StorageWatch& operator=(const StorageWatch&) = delete;

  // Whether on_restart was called.
  bool restart_requested() const { return requested_.load(); }

  // Free bytes for unprivileged use on the file system holding `path`; 0 when unknown.
  static std::uint64_t free_bytes(const std::string& path);
  // The free space that counts as "room again": `min_free_bytes`, or a twentieth of a
  // smaller file system.
  static std::uint64_t needed_bytes(const std::string& path, std::uint64_t min_free_bytes);

 private:
  void loop();

  const events::EventStore& store_;
  const std::string data_dir_;
  const std::uint64_t min_free_bytes_;
  std::function<void()> on_restart_;
  std::atomic<bool> requested_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace docket::cli
