// RebuildJobs: projection rebuilds requested over the API, each on its own thread, so
// the request that starts one answers at once (202) while the old read model keeps
// serving until the swap. At most one job per projection runs at a time.
//
// Thread-safe. stop() (and the destructor) waits for every job; call it before the
// store closes — the swap runs on the store's writer thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"

namespace docket::projections {

class ProjectionEngine;

class RebuildJobs {
 public:
  // REQUIRES: `engine` outlives the jobs.
  explicit RebuildJobs(ProjectionEngine& engine) : engine_(engine) {}
  ~RebuildJobs() { stop(); }
  RebuildJobs(const RebuildJobs&) = delete;
  RebuildJobs& operator=(const RebuildJobs&) = delete;

  // Starts rebuilding `name`. NotFound: no such projection; FailedPrecondition: a
  // rebuild of it is running; Unavailable: stopping.
  Status start(std::string_view name);
  // True while a job for `name` runs.
  bool running(std::string_view name) const;
  // Waits for every job; later start() calls fail with Unavailable. Idempotent.
  void stop();

 private:
  struct Job {
    std::thread thread;
    bool done = false;
  };
  void reap_locked();

  ProjectionEngine& engine_;
  mutable std::mutex mu_;
  std::map<std::string, Job, std::less<>> jobs_;  // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
};

}  // namespace docket::projections
