#include "domain/journey.h"

#include <fmt/format.h>

#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"

namespace docket::domain {

std::string journey_stream(std::int64_t id) {
  return fmt::format("journey-{}", id);
}

Status apply(Journey& j, const JourneyEvent::Variant& event, const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<JourneyCreated>(event), j.version,
                                      record, "journey");
      !s.ok()) {
    return s;
  }
  auto corrupt = [&](std::string_view what) {
    return Status::Corruption(
        fmt::format("event {} ({}) of {}: {}", record.eventId, record.type, record.stream, what));
  };
  Status status;
  std::visit(events::Overloaded{
                 [&](const JourneyCreated& e) {
                   j.id = e.journeyId;
                   j.record = e.journey;
                   j.createdAt = record.occurredAt;
                 },
                 [&](const JourneyUpdated& e) { j.record = e.journey; },
                 [&](const JourneyVersionAdded& e) {
                   if (e.version != static_cast<std::int64_t>(j.versions.size()) + 1) {
                     status = corrupt("versions out of order");
                     return;
                   }
                   j.versions.push_back({e.definition, e.valid, false, record.occurredAt});
                 },
                 [&](const JourneyVersionPublished& e) {
                   if (e.version < 1 || e.version > static_cast<std::int64_t>(j.versions.size())) {
                     status = corrupt("publishes a version that was never added");
                     return;
                   }
                   j.versions[static_cast<std::size_t>(e.version) - 1].published = true;
                   j.currentVersion = e.version;
                 },
                 [&](const JourneyArchived&) { j.archived = true; },
             },
             event);
  j.updatedAt = record.occurredAt;
  return status;
}

Result<Journey> load_journey(const events::StagedView& view, std::int64_t id) {
  return load_with_snapshot<JourneyEvent, Journey>(view, journey_stream(id),
                                                   Refusal::kJourneyNotFound);
}

bool journey_serves(std::string_view journey_channel, std::string_view channel) {
  return journey_channel == "any" || journey_channel == channel;
}

std::vector<JourneyProblem> journey_problems(JsonView definition, std::string_view channel,
                                             const JourneyRules& rules) {
  const ParsedJourney parsed = parse_journey(definition);
  std::vector<JourneyProblem> problems = validate_journey(parsed, rules);
  if (channel == "widget") {
    for (const JourneyNode& n : parsed.graph.nodes) {
      if (n.type == NodeType::kEnd && n.create == "support_request") {
        problems.push_back({n.id, "end_create_channel",
                            "a widget journey serves guests, who cannot create support "
                            "requests: create support_inquiry"});
      }
    }
  }
  return problems;
}

namespace {

// A journey that may change: it exists and is not archived.
Result<Journey> live_journey(const events::StagedView& view, std::int64_t id) {
  auto j = load_journey(view, id);
  if (!j.ok()) return j.status();
  if (j->archived) return refuse(Refusal::kJourneyArchived);
  return j;
}

// Refused kJourneyInvalid naming the first problem (the routes report them all).
Status check_definition(std::string_view text, std::string_view channel,
                        const JourneyRules& rules) {
  JsonDocument document;
  auto root = document.parse(text);
  if (!root.ok()) return refuse(Refusal::kJourneyInvalid, "The definition is not JSON");
  auto problems = journey_problems(*root, channel, rules);
  if (problems.empty()) return Status::Ok();
  const JourneyProblem& first = problems.front();
  return refuse(
      Refusal::kJourneyInvalid,
      fmt::format(
          "The journey is not valid: {}{}{} ({}){}", first.nodeId, first.nodeId.empty() ? "" : ": ",
          first.message, first.rule,
          problems.size() > 1 ? fmt::format(", and {} more problems", problems.size() - 1) : ""));
}

events::StreamAppend& stream_of(events::AppendRequest& req, const Journey& j) {
  return open_stream(req, journey_stream(j.id), j.version);
}

}  // namespace

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateJourney& c,
                                     const CommandMeta& meta) {
  auto req = start_append(meta);
  auto id = claim_next_id(view, req, kJourneySequence);
  if (!id.ok()) return id.status();
  add_event(open_stream(req, journey_stream(*id), events::kNoStream),
            JourneyCreated{*id, c.journey});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateJourney& c,
                                     const CommandMeta& meta) {
  auto j = live_journey(view, c.journeyId);
  if (!j.ok()) return j.status();
  JourneyRecord record = j->record;
  if (c.name) record.name = *c.name;
  if (c.description) record.description = *c.description;
  if (c.channel) record.channel = *c.channel;
  if (c.category) record.category = *c.category;
  if (record.channel != j->record.channel && j->currentVersion) {
    const JourneyVersion& current = j->versions[static_cast<std::size_t>(*j->currentVersion) - 1];
    if (Status s = check_definition(current.definition.text, record.channel, c.rules); !s.ok()) {
      return s;
    }
  }
  auto req = start_append(meta);
  add_event(stream_of(req, *j), JourneyUpdated{c.journeyId, std::move(record)});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const AddJourneyVersion& c,
                                     const CommandMeta& meta) {
  auto j = live_journey(view, c.journeyId);
  if (!j.ok()) return j.status();
  if (j->versions.size() >= kMaxJourneyVersions) {
    return refuse(Refusal::kJourneyInvalid,
                  fmt::format("A journey keeps at most {} versions", kMaxJourneyVersions));
  }
  JsonDocument document;
  auto root = document.parse(c.definition);
  if (!root.ok()) return refuse(Refusal::kJourneyInvalid, "The definition is not JSON");
  const bool valid = journey_problems(*root, j->record.channel, c.rules).empty();
  if (c.publish) {
    if (Status s = check_definition(c.definition, j->record.channel, c.rules); !s.ok()) return s;
  }
  const auto version = static_cast<std::int64_t>(j->versions.size()) + 1;
  auto req = start_append(meta);
  auto& stream = stream_of(req, *j);
  add_event(stream, JourneyVersionAdded{c.journeyId, version, RawJson{root->minified()}, valid});
  if (c.publish) add_event(stream, JourneyVersionPublished{c.journeyId, version});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const PublishJourneyVersion& c,
                                     const CommandMeta& meta) {
  auto j = live_journey(view, c.journeyId);
  if (!j.ok()) return j.status();
  if (c.version < 1 || c.version > static_cast<std::int64_t>(j->versions.size())) {
    return refuse(Refusal::kJourneyVersionNotFound);
  }
  if (j->currentVersion == c.version) {
    return refuse(Refusal::kJourneyUnchanged, "This version is already the current one");
  }
  const JourneyVersion& v = j->versions[static_cast<std::size_t>(c.version) - 1];
  if (Status s = check_definition(v.definition.text, j->record.channel, c.rules); !s.ok()) {
    return s;
  }
  auto req = start_append(meta);
  add_event(stream_of(req, *j), JourneyVersionPublished{c.journeyId, c.version});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const ArchiveJourney& c,
                                     const CommandMeta& meta) {
  auto j = live_journey(view, c.journeyId);
  if (!j.ok()) return j.status();
  auto req = start_append(meta);
  add_event(stream_of(req, *j), JourneyArchived{c.journeyId});
  return req;
}

}  // namespace docket::domain
