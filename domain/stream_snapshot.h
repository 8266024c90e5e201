// Folding an aggregate's stream into its state: the kit every aggregate uses.
//
// An aggregate supplies its state struct (with a `std::uint64_t version` member), its
// EventSet (domain/<aggregate>_events.h) and one function found by argument-dependent
// lookup:
//
//   Status apply(State& state, const Events::Variant& event, const events::EventRecord& rec);
//
// fold_stream() folds a whole stream; load_with_snapshot() folds for a decision on the
// writer thread, continuing from the writer's snapshot of the stream
// (StagedView::snapshot) so a stream's events are read once, not on every command that
// touches it:
//
//   state = snapshot (version v) or State{}          -- a copy: the snapshot is shared
//   apply(state, read_stream(stream, v + 1))         -- nothing, once the snapshot is warm
//   save_snapshot(stream, state) when anything new was folded
//
// The snapshot carries advance_snapshot(), with which the writer folds each command's
// appended events into it as they are staged, so a warm stream is never read again.
//
// `apply` must give the same state whether it folds 1..n at once or 1..k then k+1..n.
// An empty stream is the aggregate's not-found refusal.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <typeindex>

#include "core/result.h"
#include "domain/refusal.h"
#include "events/event_store.h"

namespace docket::domain {

// Corruption unless the stream's creating event comes first and only first: `creates`
// says whether `record` is that event, `version` is the state's version before it.
// `what` names the aggregate ("inquiry").
Status check_creation_order(bool creates, std::uint64_t version, const events::EventRecord& record,
                            std::string_view what);

// Decodes each record with `Events` and applies it; state.version follows the records.
template <typename Events, typename State>
Status apply_records(State& state, std::span<const events::EventRecord> records) {
  for (const events::EventRecord& record : records) {
    auto event = Events::decode(record);
    if (!event.ok()) return event.status();
    if (Status s = apply(state, *event, record); !s.ok()) return s;
    state.version = record.streamVersion;
  }
  return Status::Ok();
}

// The state of a whole stream; `not_found` when it has no events.
template <typename Events, typename State>
Result<State> fold_stream(std::span<const events::EventRecord> records, Refusal not_found) {
  if (records.empty()) return refuse(not_found);
  State state;
  if (Status s = apply_records<Events>(state, records); !s.ok()) return s;
  return state;
}

template <typename Events, typename State>
events::StreamSnapshot snapshot_of(State state);

// StreamSnapshot::advance for an aggregate: the snapshot with `appended` folded in.
template <typename Events, typename State>
Result<events::StreamSnapshot> advance_snapshot(const events::StreamSnapshot& snapshot,
                                                std::span<const events::EventRecord> appended) {
  State state = *static_cast<const State*>(snapshot.state.get());
  if (Status s = apply_records<Events>(state, appended); !s.ok()) return s;
  return snapshot_of<Events>(std::move(state));
}

// A snapshot of `state` that the writer keeps current as commands append to its stream.
template <typename Events, typename State>
events::StreamSnapshot snapshot_of(State state) {
  events::StreamSnapshot snapshot;
  snapshot.version = state.version;
  snapshot.type = std::type_index(typeid(State));
  snapshot.state = std::make_shared<const State>(std::move(state));
  snapshot.advance = &advance_snapshot<Events, State>;
  return snapshot;
}

// The state of `stream` in the staged view. Writer thread only (decisions).
template <typename Events, typename State>
Result<State> load_with_snapshot(const events::StagedView& view, std::string_view stream,
                                 Refusal not_found) {
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
  auto records = view.read_stream(stream, from);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    if (from == 1) return refuse(not_found);
    return state;
  }
  if (Status s = apply_records<Events>(state, std::span<const events::EventRecord>(*records));
      !s.ok()) {
    return s;
  }
  view.save_snapshot(stream, snapshot_of<Events>(state));
  return state;
}

}  // namespace docket::domain
