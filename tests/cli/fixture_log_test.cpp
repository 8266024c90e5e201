// The bytes already in users' logs stay readable. tests/fixtures/log-v1 is a data
// directory written by the binary of commit e5ff031 (tests/fixtures/make-log-v1.sh), with
// every event type of that release, its export and a dump of the read models that
// binary rebuilt from it. Today's code must verify that log, export it byte for byte, and rebuild
// read models equal to the old ones row for row.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/server_runtime.h"
#include "core/data_dir.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace {

namespace fs = std::filesystem;
using docket::testing::run_process;
using docket::testing::TempDir;

const fs::path kFixture = fs::path(DOCKET_SOURCE_DIR) / "tests/fixtures/log-v1";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A copy of the fixture's log as <dir>/log: the fixture itself is never written.
std::string data_dir_with_fixture(TempDir& tmp) {
  const std::string data = tmp.sub("data");
  fs::create_directories(data);
  fs::copy(kFixture / "log", fs::path(data) / "log", fs::copy_options::recursive);
  return data;
}

// One value as tests/fixtures/dump_read_models.py renders it.
std::string render(sqlite3_stmt* st, int column) {
  switch (sqlite3_column_type(st, column)) {
    case SQLITE_NULL:
      return "\\N";
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(st, column));
    case SQLITE_FLOAT: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, column));
      return buf;
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(st, column));
      std::string out = "x'";
      static constexpr char kHex[] = "0123456789abcdef";
      for (int i = 0; i < sqlite3_column_bytes(st, column); ++i) {
        out.push_back(kHex[bytes[i] >> 4]);
        out.push_back(kHex[bytes[i] & 15]);
      }
      return out + "'";
    }
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, column));
      std::string out;
      for (const char* c = text; *c; ++c) {
        if (*c == '\\') {
          out += "\\\\";
        } else if (*c == '\t') {
          out += "\\t";
        } else if (*c == '\n') {
          out += "\\n";
        } else {
          out.push_back(*c);
        }
      }
      return out;
    }
  }
}

std::vector<std::string> query_lines(sqlite3* db, const std::string& sql) {
  std::vector<std::string> lines;
  sqlite3_stmt* st = nullptr;
  REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                  sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string line;
    for (int c = 0; c < sqlite3_column_count(st); ++c)
      line += (c ? "\t" : "") + render(st, c);
    lines.push_back(std::move(line));
  }
  sqlite3_finalize(st);
  return lines;
}

// Every read model under `dir` in the format of dump_read_models.py, but those in
// `skip` (read models added after the fixture was written).
std::string dump_read_models(const fs::path& dir, const std::set<std::string>& skip = {}) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".sqlite" && !skip.count(name)) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const std::string& name : files) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2((dir / name).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    for (const std::string& table :
         query_lines(db,
                     "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                     "'sqlite_%' AND name != 'docket_projection' ORDER BY name")) {
      out += "## " + name + " " + table + "\n";
      auto rows = query_lines(db, "SELECT * FROM \"" + table + "\"");
      std::sort(rows.begin(), rows.end());
      for (const std::string& row : rows)
        out += row + "\n";
    }
    sqlite3_close(db);
  }
  return out;
}

}  // namespace

TEST_SUITE("cli.integration") {
  TEST_CASE("a log written by e5ff031 verifies, exports byte for byte and rebuilds row for row") {
    TempDir tmp;
    const std::string data = data_dir_with_fixture(tmp);

    auto verify = run_process({DOCKET_BINARY, "events", "verify", "--data-dir", data});
    CHECK_MESSAGE(verify.exit_code == 0, verify.err);

    auto exported = run_process({DOCKET_BINARY, "events", "export", "--data-dir", data});
    REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
    CHECK(exported.out == read_file(kFixture / "export.jsonl"));

    // A server on the old log builds every read model from event 1 with today's readers
    // and records nothing new but the permission catalogue, which has gained
    // Agents_MANAGE, Analytics_READ and Data_EXPORT since, and the default SLA policy (the log had
    // none).
    docket::cli::ServerRuntime::Options options;
    options.config.data_dir = data;
    options.config.port = 0;
    auto rt = docket::cli::ServerRuntime::start(options);
    REQUIRE_MESSAGE(rt.ok(), rt.status().ToString());
    CHECK((*rt)->store().head() == 71);
    auto last = (*rt)->store().read_range(70, 2);
    REQUIRE(last.ok());
    REQUIRE(last->size() == 2);
    CHECK(last->front().type == "permission.catalogue_seeded");
    CHECK(last->front().data.find("Agents_MANAGE") != std::string::npos);
    CHECK(last->front().data.find("Analytics_READ") != std::string::npos);
    CHECK(last->front().data.find("Data_EXPORT") != std::string::npos);
    CHECK(last->back().type == "sla.policy.created");
    CHECK(last->back().data.find(R"("reason":"seeded")") != std::string::npos);
    (*rt)->stop();
    rt->reset();

    // Every table but the bookkeeping one, full-text index pages included: the start
    // rebuilt from event 1 in the same transactions as that binary's rebuild.
    // The queue read model came later: it is checked on its own (it holds every request
    // and inquiry of the fixture), the others row for row.
    // The stream catalogue's permission_catalogue row moved to the new event 70.
    // So did the SLA read model and the stream of the seeded policy.
    // The journeys and attachments read models came later too (the fixture has neither),
    // and with them the `journey` column of requests and inquiries and the `attachments`
    // column of their messages (NULL for every fixture row). So did the analytics read
    // model, with the `source` and satisfaction columns of requests and inquiries (NULL)
    // and the `priority` (medium) and `ticket_number` (NULL) of inquiries.
    std::string now = dump_read_models(docket::DataDir{data}.projections(),
                                       {"queue.sqlite", "sla.sqlite", "journeys.sqlite",
                                        "attachments.sqlite", "analytics.sqlite"});
    const auto sla_row = now.find("\nsla_config\t");
    REQUIRE(sla_row != std::string::npos);
    now.erase(sla_row, now.find('\n', sla_row + 1) - sla_row);
    const std::string catalogue_row = "\npermission_catalogue\tpermission_catalogue\t2\t1\t70\t";
    const auto at = now.find(catalogue_row);
    REQUIRE(at != std::string::npos);
    const auto end = now.find('\n', at + 1);
    now.replace(at, end - at,
                "\npermission_catalogue\tpermission_catalogue\t1\t1\t1\t"
                "permission.catalogue_seeded\t2026-12-02T07:03:18.024Z\t"
                "2026-12-02T07:03:18.024Z");
    CHECK(now == read_file(kFixture / "read-models.txt"));
    const std::string queue = dump_read_models(docket::DataDir{data}.projections());
    CHECK(queue.find("## queue.sqlite items\n") != std::string::npos);
  }
}
