#include "events/group_commit.h"

#include <cassert>

namespace docket::events {

GroupCommitQueue::GroupCommitQueue(std::size_t max_group_commands, std::size_t max_group_bytes,
                                   CommitFn commit)
    : max_group_commands_(max_group_commands),
      max_group_bytes_(max_group_bytes),
      commit_(std::move(commit)) {
  assert(max_group_commands_ >= 1);
}

GroupCommitQueue::~GroupCommitQueue() {
  stop();
}

void GroupCommitQueue::start() {
  assert(!writer_.joinable());
  // writer_id_ is written here, before any submit can race with it, and then only read.
  std::unique_lock lock(mu_);
  writer_ = std::thread([this] { run(); });
  writer_id_ = writer_.get_id();
}

bool GroupCommitQueue::submit(PendingCommand&& command) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(command));
  }
  cv_.notify_one();
  return true;
}

void GroupCommitQueue::stop() {
  assert(!on_writer_thread());
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void GroupCommitQueue::take_group(std::vector<PendingCommand>& group) {
  std::size_t bytes = 0;
  while (!queue_.empty() && group.size() < max_group_commands_) {
    const std::size_t next = queue_.front().bytes;
    if (!group.empty() && bytes + next > max_group_bytes_) break;
    bytes += next;
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  // Invariant: a group is never empty and never exceeds the command cap.
  assert(!group.empty() && group.size() <= max_group_commands_);
}

void GroupCommitQueue::run() {
  {
    // Wait until start() has recorded writer_id_.
    std::lock_guard lock(mu_);
  }
  std::vector<PendingCommand> group;
  for (;;) {
    {
      // kIdle: wait for work or for stop().
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // kStopped: stopping and nothing left to commit.
      // kGrouping.
      take_group(group);
    }
    // kCommitting, without the lock.
    commit_(group);
    group.clear();
  }
}

}  // namespace docket::events
