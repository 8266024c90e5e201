// WorkerPool: a fixed set of threads running queued work in FIFO order.
//
// For work that blocks its thread for long (an Argon2id hash) and so must not run on
// an IO thread's event loop. Submitting never blocks; destruction runs what is queued,
// then joins.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace docket {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1.
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> work);

  std::size_t threads() const { return threads_.size(); }

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace docket
