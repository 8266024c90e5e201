// Running domain commands from a benchmark's set-up: one and wait, or many at once (one
// group commit for many) and wait for all. A failure ends the program with its message.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "domain/command.h"
#include "events/event_store.h"

namespace docket::bench {

// Runs `c` and waits; the first id it took from `sequence` (0 without one).
template <typename Command>
std::int64_t run(events::EventStore& store, const Command& c, std::string_view sequence = {}) {
  auto done = domain::execute(store, c, domain::CommandMeta{});
  if (!done.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(Command::kName).c_str(),
                 done.status().ToString().c_str());
    std::exit(1);
  }
  return sequence.empty() ? 0 : done->id(sequence);
}

// Submits every command at once and waits for all (applied).
template <typename Command>
void run_all(events::EventStore& store, const std::vector<Command>& commands) {
  std::vector<std::promise<Status>> done(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    domain::execute_async(
        store, commands[i], domain::CommandMeta{},
        [&done, i](Result<domain::Executed> r) { done[i].set_value(r.status()); });
  }
  for (auto& d : done) {
    if (Status s = d.get_future().get(); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", std::string(Command::kName).c_str(), s.ToString().c_str());
      std::exit(1);
    }
  }
}

}  // namespace docket::bench
