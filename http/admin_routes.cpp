#include "http/admin_routes.h"

#include <algorithm>

#include "events/event_store.h"
#include "http/api_context.h"
#include "http/query.h"
#include "http/router.h"
#include "projections/projection_engine.h"
#include "projections/projection_status.h"
#include "projections/rebuild_jobs.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Operations";
// Events examined per request when filtering by type over the whole log; the answer's
// nextAfter lets the client continue from where the scan stopped.
constexpr std::size_t kScanBudget = 10'000;
constexpr std::int64_t kMaxLimit = 1000;

constexpr std::string_view kEventsSchema = R"({"type":"object",
"required":["events","nextAfter","head"],"properties":{
"events":{"type":"array","items":{"type":"object","description":"A stored event record (docs/event-log.md); password hashes are redacted"}},
"nextAfter":{"type":"integer","description":"Pass as `after` to read on"},
"head":{"type":"integer"}}})";

constexpr std::string_view kProjectionsSchema = R"({"type":"array","items":{"type":"object",
"properties":{"name":{"type":"string"},"state":{"type":"string"},"checkpoint":{"type":"integer"},
"head":{"type":"integer"},"lag":{"type":"integer"},"rebuilding":{"type":"boolean"}}}})";

// The record as stored, with the value of a "passwordHash" key replaced. Inside a JSON
// string every quote is escaped, so `"passwordHash":"` can only be the key itself;
// Argon2 strings hold no quote or backslash.
std::string redacted(const events::EventRecord& record) {
  constexpr std::string_view kKey = R"("passwordHash":")";
  if (!record.type.starts_with("account.")) return record.json;
  std::string out = record.json;
  const std::size_t at = out.find(kKey);
  if (at == std::string::npos) return out;
  const std::size_t from = at + kKey.size();
  const std::size_t to = out.find('"', from);
  if (to != std::string::npos) out.replace(from, to - from, "[redacted]");
  return out;
}

Response list_events(ApiContext& api, RequestContext& ctx) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  const std::uint64_t after =
      static_cast<std::uint64_t>(q.integer("after", 0, INT64_MAX).value_or(0));
  const std::size_t limit =
      static_cast<std::size_t>(q.integer("limit", 1, kMaxLimit).value_or(100));
  auto stream = q.string("stream", 200);
  auto type = q.string("type", 128);
  if (auto err = q.finish()) return *err;

  const std::uint64_t head = api.store.head();
  std::vector<std::string> found;
  std::uint64_t next_after = after;
  if (stream) {
    // The stream index gives the eventIds; start at the first one after `after`.
    auto ids = api.store.stream_event_ids(*stream, 1, SIZE_MAX);
    if (!ids.ok()) throw unexpected(ids.status(), "reading a stream index");
    auto first = std::upper_bound(ids->begin(), ids->end(), after);
    if (first != ids->end()) {
      const std::uint64_t from_version = static_cast<std::uint64_t>(first - ids->begin()) + 1;
      auto records = api.store.read_stream(*stream, from_version, kScanBudget);
      if (!records.ok()) throw unexpected(records.status(), "reading a stream");
      for (const auto& r : *records) {
        next_after = r.eventId;
        if (!type || r.type == *type) found.push_back(redacted(r));
        if (found.size() == limit) break;
      }
    }
  } else {
    std::size_t examined = 0;
    Status s = api.store.scan(after + 1, head, [&](const events::EventRecord& r) {
      next_after = r.eventId;
      if (!type || r.type == *type) found.push_back(redacted(r));
      return found.size() < limit && ++examined < kScanBudget;
    });
    if (!s.ok()) throw unexpected(s, "reading the log");
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object().key("events").begin_array();
    for (const auto& json : found)
      w.raw(json);
    w.end_array().field("nextAfter", next_after).field("head", head).end_object();
  });
}

Response list_projections(ApiContext& api, projections::RebuildJobs& jobs) {
  const auto statuses = api.engine.status();
  return Response::ok([&](JsonWriter& w) {
    w.begin_array();
    for (const auto& st : statuses) {
      // write_status_json writes one object; add the job flag beside it.
      JsonWriter one;
      projections::write_status_json(one, st);
      std::string text = one.take();
      text.pop_back();  // the closing brace
      text += jobs.running(st.name) ? R"(,"rebuilding":true})" : R"(,"rebuilding":false})";
      w.raw(text);
    }
    w.end_array();
  });
}

Response rebuild(RequestContext& ctx, projections::RebuildJobs& jobs) {
  const std::string name(ctx.param("name"));
  Status s = jobs.start(name);
  if (s.IsNotFound()) {
    return ApiError(404, error_code::kProjectionNotFound, "No projection named " + name);
  }
  if (s.IsFailedPrecondition()) {
    return ApiError(409, error_code::kRebuildInProgress, "A rebuild of " + name + " is running");
  }
  if (!s.ok()) throw unexpected(s, "starting a rebuild");
  return Response::ok(
      [&](JsonWriter& w) {
        w.begin_object().field("name", name).field("state", "rebuilding").end_object();
      },
      202);
}

}  // namespace

void add_admin_routes(Router& router, ApiContext& api, projections::RebuildJobs& jobs) {
  router.get("/api/admin/events", [&api](RequestContext& ctx) { return list_events(api, ctx); },
             {.name = "audit.events",
              .tag = std::string(kTag),
              .summary = "Read the event log in eventId order (after, limit, stream, type)",
              .access = Access::kStaff,
              .permission = auth::Permission::kAuditRead,
              .response_schema = std::string(kEventsSchema)});
  router.get("/api/admin/projections",
             [&api, &jobs](RequestContext&) { return list_projections(api, jobs); },
             {.name = "projections.status",
              .tag = std::string(kTag),
              .summary = "Status of every read model",
              .access = Access::kStaff,
              .permission = auth::Permission::kOperationsManage,
              .response_schema = std::string(kProjectionsSchema)});
  router.post("/api/admin/projections/{name}/rebuild",
              [&jobs](RequestContext& ctx) { return rebuild(ctx, jobs); },
              {.name = "projections.rebuild",
               .tag = std::string(kTag),
               .summary = "Rebuild a read model from the log while the old one keeps serving",
               .access = Access::kStaff,
               .permission = auth::Permission::kOperationsManage});
}

}  // namespace docket::http
