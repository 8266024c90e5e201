// RawJson: a JSON value kept as its compact text — client-supplied metadata, say, that
// is stored and shown as sent without Docket reading into it.
#pragma once

#include <string>

namespace docket {

struct RawJson {
  std::string text = "null";  // REQUIRES: valid JSON text
  bool operator==(const RawJson&) const = default;
};

}  // namespace docket
