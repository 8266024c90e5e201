// Projections and helpers shared by the projection tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "projections/projection.h"
#include "projections/projection_meta.h"

namespace docket::projections::testing {

// Test controls shared by every user of a RecordingProjection (the engine may apply on
// two threads at once during a rebuild, hence atomics).
struct Faults {
  std::atomic<std::uint64_t> fail_at{0};  // apply fails for this eventId (0: never)
  std::atomic<std::uint64_t> applied{0};  // successful apply calls
  std::atomic<bool> no_space{false};      // the failure is a full disk (Status::NoSpace)
};

// Records every event as a row of
//   applied(event_id INTEGER PRIMARY KEY, seq INTEGER, stream, stream_version, type, data)
// where seq is the number of rows before it plus one, so seq == event_id proves the
// events arrived in log order, each once.
class RecordingProjection final : public Projection {
 public:
  // `wanted_prefix`: wants() is true only for types starting with it ("" = all).
  explicit RecordingProjection(std::string name = "recording", int version = 1,
                               std::shared_ptr<Faults> faults = nullptr,
                               std::string wanted_prefix = "")
      : name_(std::move(name)),
        version_(version),
        faults_(std::move(faults)),
        wanted_prefix_(std::move(wanted_prefix)) {}

  std::string_view name() const override { return name_; }
  int schema_version() const override { return version_; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override { return type.starts_with(wanted_prefix_); }

 private:
  std::string name_;
  int version_;
  std::shared_ptr<Faults> faults_;
  std::string wanted_prefix_;
};

template <typename... P>
std::vector<std::unique_ptr<Projection>> make_projections(std::unique_ptr<P>... p) {
  std::vector<std::unique_ptr<Projection>> out;
  (out.push_back(std::move(p)), ...);
  return out;
}

// Every table of a projection file except the meta table: "table <name>" -> its
// CREATE statement followed by its rows, each rendered as text and sorted. Two read
// models are equal row for row when their dumps are equal.
using TableDump = std::map<std::string, std::vector<std::string>>;
TableDump dump_tables(const std::string& path);

// The meta row of a projection file (REQUIRES: readable; fails the test otherwise).
ProjectionMeta meta_of(const std::string& path);

// Runs one SQL statement on a projection file through a writable connection (to plant
// rows a rebuild must remove).
void write_sql(const std::string& path, const std::string& sql);

// The first column of the first row of `sql`, read from a projection file.
std::int64_t query_int(const std::string& path, const std::string& sql);

}  // namespace docket::projections::testing
