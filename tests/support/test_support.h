// Helpers shared by the doctest suites.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace docket::testing {

// Waits for an observable condition: polls `done` (every 2 ms) until it holds or
// `timeout` passes, and answers whether it held. Tests wait on a state they can see (a
// counter, a row, a file, a message) with this, never on a fixed sleep; the timeout is
// only the point at which the test gives up.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when the
// TempDir goes out of scope. Not thread-safe; one owner.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace docket::testing

#include <vector>

namespace docket::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

// Runs `argv` (argv[0] is the program path) to completion, capturing its output.
ProcessResult run_process(const std::vector<std::string>& argv);

}  // namespace docket::testing
