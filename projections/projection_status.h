// ProjectionStatus: where one read model stands against the log, for operators
// (`docket projections status`, the admin endpoint) and tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket {
class JsonWriter;
}

namespace docket::projections {

enum class ProjectionState {
  kReady,       // applied every event the engine was given; lag is new appends only
  kCatchingUp,  // replaying the log from its checkpoint (start-up, recovery)
  kRebuilding,  // building a fresh copy from event 1; the old copy keeps serving
  kFailed,      // the last apply failed; retried from the checkpoint on the next commit
};

// "ready", "catching_up", "rebuilding", "failed".
std::string_view state_name(ProjectionState state);

struct ProjectionStatus {
  std::string name;
  int schemaVersion = 0;
  std::uint64_t checkpoint = 0;  // last eventId applied
  std::uint64_t head = 0;        // the log head when the status was taken
  std::uint64_t lag = 0;         // head - checkpoint, or 0 when the checkpoint is ahead
  ProjectionState state = ProjectionState::kCatchingUp;
  std::string lastError;  // empty unless something went wrong
};

// Writes {"name","schemaVersion","checkpoint","head","lag","state","lastError"}.
void write_status_json(JsonWriter& w, const ProjectionStatus& status);

// Reads the status of every <name>.sqlite in `dir` without an engine: works whether a
// server has the files open or not (read-only connections). `head` and `log_epoch`
// describe the log to compare with (log_epoch empty: not compared). Sorted by name.
// A missing directory yields an empty list. A file that cannot be read, was built from
// another log or is ahead of `head` is reported kFailed with the reason in lastError
// (the next engine start rebuilds it); a file with a rebuild shadow beside it is
// reported kRebuilding; otherwise kReady when caught up, kCatchingUp when behind.
Result<std::vector<ProjectionStatus>> read_projection_status(const std::string& dir,
                                                             std::uint64_t head,
                                                             std::string_view log_epoch = {});

}  // namespace docket::projections
