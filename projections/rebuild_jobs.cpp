#include "projections/rebuild_jobs.h"

#include <chrono>
#include <vector>

#include "core/json_writer.h"
#include "core/log.h"
#include "projections/projection_engine.h"

namespace docket::projections {

void RebuildJobs::reap_locked() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.done) {
      it->second.thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

Status RebuildJobs::start(std::string_view name) {
  bool known = false;
  for (const auto& st : engine_.status())
    known = known || st.name == name;
  if (!known) return Status::NotFound("no projection named " + std::string(name));

  std::lock_guard lock(mu_);
  if (stopping_) return Status::Unavailable("the server is stopping");
  reap_locked();
  if (jobs_.count(name) != 0) {
    return Status::FailedPrecondition("a rebuild of " + std::string(name) + " is running");
  }
  Job& job = jobs_[std::string(name)];
  job.thread = std::thread([this, projection = std::string(name)] {
    const auto t0 = std::chrono::steady_clock::now();
    Status s = engine_.rebuild(projection);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s.ok()) {
      log_info("projections.rebuilt",
               [&](JsonWriter& w) { w.field("projection", projection).field("seconds", secs); });
    } else {
      log_error("projections.rebuild_failed", [&](JsonWriter& w) {
        w.field("projection", projection).field("error", s.ToString());
      });
    }
    std::lock_guard done_lock(mu_);
    jobs_[projection].done = true;
  });
  return Status::Ok();
}

bool RebuildJobs::running(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(name);
  return it != jobs_.end() && !it->second.done;
}

void RebuildJobs::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [name, job] : jobs_)
      threads.push_back(std::move(job.thread));
    jobs_.clear();
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

}  // namespace docket::projections
