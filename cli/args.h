// Args: the command line of one docket subcommand.
//
// Grammar: positional words and options, in any order. An option is `--name value`,
// `--name=value`, or a bare `--flag` when the command declares it as a flag.
// `--help`/`-h` is always a flag.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::cli {

class Args {
 public:
  // Parses argv[first..argc). `flags` names the options that take no value; every
  // other option needs one. `allowed` lists every option the command accepts.
  static Result<Args> parse(int argc, char** argv, int first, const std::set<std::string>& allowed,
                            const std::set<std::string>& flags = {});

  const std::vector<std::string>& positional() const { return positional_; }
  bool has(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  // InvalidArgument when present but not an unsigned integer.
  Result<std::optional<std::uint64_t>> get_uint(std::string_view name) const;
  bool help() const { return help_; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string, std::less<>> options_;
  bool help_ = false;
};

}  // namespace docket::cli
