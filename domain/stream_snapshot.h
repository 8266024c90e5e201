// load_with_snapshot: folds a stream for a decision, continuing from the writer's
// snapshot of it (StagedView::snapshot) so a stream's events are read once, not on
// every command that touches it.
//
//   state = snapshot (version v) or State{}          -- a copy: the snapshot is shared
//   apply(state, read_stream(stream, v + 1))         -- usually zero or one event
//   save_snapshot(stream, state) when anything new was folded
//
// `apply(State&, span<const EventRecord>)` must give the same state whether it folds
// 1..n at once or 1..k then k+1..n, and must set `state.version` to the last event's
// streamVersion. Writer thread only (PrepareFn).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <typeindex>

#include "core/result.h"
#include "events/event_store.h"

namespace docket::domain {

template <typename State, typename ApplyFn>
Result<State> load_with_snapshot(const events::StagedView& view, std::string_view stream,
                                 ApplyFn&& apply, std::string_view what) {
  State state;
  std::uint64_t from = 1;
  if (const events::StreamSnapshot* snap = view.snapshot(stream);
      snap && snap->type == std::type_index(typeid(State))) {
    state = *static_cast<const State*>(snap->state.get());
    from = snap->version + 1;
    // The stream's version is cached by the writer: an unchanged stream costs no read.
    auto version = view.stream_version(stream);
    if (!version.ok()) return version.status();
    if (*version == snap->version) return state;
  }
  auto events = view.read_stream(stream, from);
  if (!events.ok()) return events.status();
  if (events->empty()) {
    if (from == 1) return Status::NotFound("no such " + std::string(what));
    return state;
  }
  if (Status s = apply(state, std::span<const events::EventRecord>(*events)); !s.ok()) return s;
  view.save_snapshot(stream, events::StreamSnapshot{state.version, std::type_index(typeid(State)),
                                                    std::make_shared<const State>(state)});
  return state;
}

}  // namespace docket::domain
