#include "http/admin_routes.h"

#include <algorithm>

#include "events/event_store.h"
#include "events/log_verifier.h"
#include "http/api_context.h"
#include "http/endpoint.h"
#include "http/operations_routes.h"
#include "http/route_kit.h"
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

// A page of the log.
struct EventsPage {
  std::vector<std::string> events;  // stored records, password hashes redacted
  std::uint64_t nextAfter = 0;
  std::uint64_t head = 0;
};

const Shape<EventsPage>& events_shape() {
  static const Shape<EventsPage> shape = [] {
    Shape<EventsPage> s;
    s.computed("events",
               R"({"type":"array","items":{"type":"object","description":"A stored event )"
               R"(record (docs/event-log.md); password hashes are redacted"}})",
               [](JsonWriter& w, const EventsPage& p) {
                 w.begin_array();
                 for (const std::string& json : p.events)
                   w.raw(json);
                 w.end_array();
               })
        .field("nextAfter", &EventsPage::nextAfter, {.description = "Pass as `after` to read on"})
        .field("head", &EventsPage::head);
    return s;
  }();
  return shape;
}

// The result of checking the whole log's hash chain (events/log_verifier.h).
struct ChainCheck {
  bool ok = false;
  std::uint64_t head = 0;
  std::uint64_t eventsChecked = 0;
  std::uint64_t badEventId = 0;
  std::string reason;
};

const Shape<ChainCheck>& chain_check_shape() {
  static const Shape<ChainCheck> shape = [] {
    Shape<ChainCheck> s;
    s.field("ok", &ChainCheck::ok, {.description = "Every record up to head checked out"})
        .field("head", &ChainCheck::head, {.description = "The head the check read up to"})
        .field("eventsChecked", &ChainCheck::eventsChecked)
        .field("badEventId", &ChainCheck::badEventId,
               {.description = "The first damaged event; 0 when ok"})
        .field("reason", &ChainCheck::reason,
               {.description = "What is wrong with it; empty when ok"});
    return s;
  }();
  return shape;
}

// Reads every record (the same check as `docket events verify`). A damaged log is an
// answer, not an error; a log that cannot be read is.
Response verify_chain(ApiContext& api) {
  const events::VerifyReport report = events::verify_log(api.store);
  if (!report.ok() && !report.status.IsCorruption()) {
    throw unexpected(report.status, "verifying the log");
  }
  return answer(chain_check_shape(), ChainCheck{.ok = report.ok(),
                                                .head = report.head,
                                                .eventsChecked = report.events_checked,
                                                .badEventId = report.bad_event_id,
                                                .reason = report.reason});
}

struct ProjectionView {
  projections::ProjectionStatus status;
  bool rebuilding = false;
};

const Shape<ProjectionView>& projection_view_shape() {
  static const Shape<ProjectionView> shape = [] {
    Shape<ProjectionView> s;
    s.include(&ProjectionView::status, projection_status_shape())
        .field("rebuilding", &ProjectionView::rebuilding);
    return s;
  }();
  return shape;
}

struct RebuildStarted {
  std::string name;
  std::string state = "rebuilding";
};

const Shape<RebuildStarted>& rebuild_shape() {
  static const Shape<RebuildStarted> shape = [] {
    Shape<RebuildStarted> s;
    s.field("name", &RebuildStarted::name)
        .field("state", &RebuildStarted::state, {.values = {"rebuilding"}});
    return s;
  }();
  return shape;
}

struct EventsQuery {
  std::int64_t after = 0;
  std::int64_t limit = 100;
  std::optional<std::string> stream;
  std::optional<std::string> type;
};

std::shared_ptr<const QueryContract<EventsQuery>> events_contract() {
  auto q = std::make_shared<QueryContract<EventsQuery>>();
  q->param(Integer("after")
               .range(0, INT64_MAX)
               .defaults_to("0")
               .describe("Events with a larger eventId"),
           &EventsQuery::after)
      .param(Integer("limit").range(1, kMaxLimit).defaults_to("100"), &EventsQuery::limit)
      .param(Text("stream").length(1, 200), &EventsQuery::stream)
      .param(Text("type").length(1, 128), &EventsQuery::type);
  return q;
}

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

Response list_events(ApiContext& api, const EventsQuery& q) {
  const auto after = static_cast<std::uint64_t>(q.after);
  const auto limit = static_cast<std::size_t>(q.limit);
  const std::optional<std::string>& stream = q.stream;
  const std::optional<std::string>& type = q.type;
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
  return answer(events_shape(), EventsPage{std::move(found), next_after, head});
}

Response list_projections(ApiContext& api, projections::RebuildJobs& jobs) {
  std::vector<ProjectionView> views;
  for (auto& st : api.engine.status()) {
    const bool running = jobs.running(st.name);
    views.push_back({std::move(st), running});
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_array();
    for (const ProjectionView& v : views)
      projection_view_shape().write(w, v);
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
  return answer(rebuild_shape(), RebuildStarted{name}, 202);
}

}  // namespace

void add_admin_routes(Router& router, ApiContext& api, projections::RebuildJobs& jobs) {
  RouteMeta events = staff_route_meta(
      "audit.events", kTag, "Read the event log in eventId order (after, limit, stream, type)",
      auth::Permission::kAuditRead);
  events.response = schema_of(events_shape());
  add_route(router, Method::kGet, "/api/admin/events", std::move(events), events_contract(),
            [&api](RequestContext&, EventsQuery q) { return list_events(api, q); });
  RouteMeta verify = staff_route_meta(
      "audit.verify", kTag,
      "Check the log's hash chain from the first event to the head (as docket events verify)",
      auth::Permission::kAuditRead);
  verify.response = schema_of(chain_check_shape());
  verify.blocking = true;  // reads the whole log
  router.get(
      "/api/admin/events/verify", [&api](RequestContext&) { return verify_chain(api); },
      std::move(verify));
  RouteMeta status = staff_route_meta("projections.status", kTag, "Status of every read model",
                                      auth::Permission::kOperationsManage);
  status.response = std::make_shared<ListShape<ProjectionView>>(projection_view_shape());
  router.get(
      "/api/admin/projections",
      [&api, &jobs](RequestContext&) { return list_projections(api, jobs); }, std::move(status));
  RouteMeta start = staff_route_meta(
      "projections.rebuild", kTag,
      "Rebuild a read model from the log while the old one keeps serving",
      auth::Permission::kOperationsManage,
      {{404, error_code::kProjectionNotFound}, {409, error_code::kRebuildInProgress}});
  start.success_status = 202;
  start.response = schema_of(rebuild_shape());
  add_route(router, Method::kPost, "/api/admin/projections/{name}/rebuild", std::move(start),
            no_body(), [&jobs](RequestContext& ctx, NoBody) { return rebuild(ctx, jobs); });
}

}  // namespace docket::http
