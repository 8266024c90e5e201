#include "projections/projection_status.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/json_writer.h"
#include "projections/projection_meta.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kFileSuffix = ".sqlite";
constexpr std::string_view kShadowSuffix = ".sqlite.rebuild";

ProjectionStatus status_of_file(const std::filesystem::path& file, std::uint64_t head,
                                std::string_view log_epoch) {
  ProjectionStatus status;
  std::string filename = file.filename().string();
  status.name = filename.substr(0, filename.size() - kFileSuffix.size());
  status.head = head;
  status.lag = head;

  Result<std::unique_ptr<Database>> db = Database::open(file.string(), DatabaseOptions::reader());
  if (!db.ok()) {
    status.state = ProjectionState::kFailed;
    status.lastError = db.status().ToString();
    return status;
  }
  Result<ProjectionMeta> meta = read_meta(**db);
  if (!meta.ok()) {
    status.state = ProjectionState::kFailed;
    status.lastError = meta.status().ToString();
    return status;
  }
  status.schemaVersion = meta->schemaVersion;
  status.checkpoint = meta->checkpoint;
  status.lag = head > meta->checkpoint ? head - meta->checkpoint : 0;

  std::error_code ec;
  std::filesystem::path shadow = file;
  shadow += ".rebuild";
  if (!log_epoch.empty() && meta->logEpoch != log_epoch) {
    status.state = ProjectionState::kFailed;
    status.lastError =
        "built from another log (epoch " + meta->logEpoch + "); the next start rebuilds it";
  } else if (meta->checkpoint > head) {
    status.state = ProjectionState::kFailed;
    status.lastError = "checkpoint " + std::to_string(meta->checkpoint) +
                       " is ahead of the log head " + std::to_string(head) +
                       "; the next start rebuilds it";
  } else if (std::filesystem::exists(shadow, ec)) {
    status.state = ProjectionState::kRebuilding;
  } else {
    status.state = status.lag == 0 ? ProjectionState::kReady : ProjectionState::kCatchingUp;
  }
  return status;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view state_name(ProjectionState state) {
  switch (state) {
    case ProjectionState::kReady:
      return "ready";
    case ProjectionState::kCatchingUp:
      return "catching_up";
    case ProjectionState::kRebuilding:
      return "rebuilding";
    case ProjectionState::kFailed:
      return "failed";
  }
  return "failed";
}

void write_status_json(JsonWriter& w, const ProjectionStatus& status) {
  w.begin_object();
  w.field("name", status.name);
  w.field("schemaVersion", status.schemaVersion);
  w.field("checkpoint", status.checkpoint);
  w.field("head", status.head);
  w.field("lag", status.lag);
  w.field("state", state_name(status.state));
  w.field("lastError", status.lastError);
  w.end_object();
}

Result<std::vector<ProjectionStatus>> read_projection_status(const std::string& dir,
                                                             std::uint64_t head,
                                                             std::string_view log_epoch) {
  std::vector<ProjectionStatus> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  for (const auto& entry : it) {
    std::string filename = entry.path().filename().string();
    if (!ends_with(filename, kFileSuffix) || ends_with(filename, kShadowSuffix)) continue;
    if (filename.size() == kFileSuffix.size()) continue;
    out.push_back(status_of_file(entry.path(), head, log_epoch));
  }
  std::sort(out.begin(), out.end(),
            [](const ProjectionStatus& a, const ProjectionStatus& b) { return a.name < b.name; });
  return out;
}

}  // namespace docket::projections
