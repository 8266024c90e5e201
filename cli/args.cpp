#include "cli/args.h"

#include "core/config.h"

namespace docket::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::set<std::string>& allowed,
                         const std::set<std::string>& flags) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--help" || word == "-h") {
      args.help_ = true;
      continue;
    }
    if (word.rfind("--", 0) != 0 || word.size() == 2) {
      args.positional_.push_back(std::move(word));
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (!allowed.contains(name)) return Status::InvalidArgument("unknown option --" + name);
    if (flags.contains(name)) {
      if (value) return Status::InvalidArgument("--" + name + " takes no value");
      args.options_[name] = "true";
      continue;
    }
    if (!value) {
      if (i + 1 >= argc) return Status::InvalidArgument("--" + name + " needs a value");
      value = argv[++i];
    }
    args.options_[name] = *value;
  }
  return args;
}

bool Args::has(std::string_view name) const {
  return options_.find(name) != options_.end();
}

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<std::uint64_t>> Args::get_uint(std::string_view name) const {
  auto text = get(name);
  if (!text) return std::optional<std::uint64_t>{};
  std::uint64_t v = 0;
  if (!parse_uint(*text, v)) {
    return Status::InvalidArgument("--" + std::string(name) + " needs a whole number, got '" +
                                   *text + "'");
  }
  return std::optional<std::uint64_t>{v};
}

}  // namespace docket::cli
