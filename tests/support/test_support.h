// Helpers shared by the doctest suites.
#pragma once

#include <string>

namespace docket::testing {

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
