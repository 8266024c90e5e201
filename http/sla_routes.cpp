#include "http/sla_routes.h"

#include "core/json_view.h"
#include "core/time_format.h"
#include "domain/business_time.h"
#include "domain/sla.h"
#include "http/api_context.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/route_kit.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using auth::Permission;
using domain::Refusal;
using projections::SlaBreachRow;
using projections::SlaCalendarRow;
using projections::SlaPolicyRow;
using projections::SlaView;

constexpr std::string_view kTag = "SLA (Admin)";
constexpr std::string_view kKinds[] = {"support_request", "support_inquiry"};

// ---- shapes --------------------------------------------------------------------------

const Shape<SlaBreachRow>& breach_shape() {
  static const Shape<SlaBreachRow> shape = [] {
    using B = SlaBreachRow;
    Shape<B> s;
    s.field("target", &B::target, {.values = {"firstResponse", "resolution", "nextResponse"}})
        .field("dueAt", &B::dueAt, {.format = "date-time"})
        .field("breachedAt", &B::breachedAt,
               {.format = "date-time", .description = "When the breach was recorded"})
        .field("escalatedFrom", &B::escalatedFrom)
        .field("escalatedTo", &B::escalatedTo)
        .field("note", &B::note);
    return s;
  }();
  return shape;
}

const std::vector<std::string_view> kStatusValues = {"ok",  "warning", "critical", "breached",
                                                     "met", "paused",  "stopped"};

struct CalendarView {
  SlaCalendarRow row;
  RawJson weekly;
  RawJson holidays;
};

const Shape<CalendarView>& calendar_shape() {
  static const Shape<CalendarView> shape = [] {
    Shape<CalendarView> s;
    s.computed("id", R"({"type":"integer"})",
               [](JsonWriter& w, const CalendarView& v) { w.value(v.row.id); })
        .computed("name", R"({"type":"string"})",
                  [](JsonWriter& w, const CalendarView& v) { w.value(v.row.name); })
        .computed("timezone", R"({"type":"string","example":"Europe/Berlin"})",
                  [](JsonWriter& w, const CalendarView& v) { w.value(v.row.timezone); })
        .field("weekly", &CalendarView::weekly,
               {.schema = R"({"type":"array","items":{"type":"object","properties":{)"
                          R"("day":{"type":"string","enum":["mon","tue","wed","thu","fri","sat",)"
                          R"("sun"]},"start":{"type":"string","example":"09:00"},"end":)"
                          R"({"type":"string","example":"17:00"}}}})"})
        .field("holidays", &CalendarView::holidays,
               {.schema = R"({"type":"array","items":{"type":"object","properties":{)"
                          R"("date":{"type":"string","format":"date"},"recurring":)"
                          R"({"type":"boolean"}}}})"})
        .computed("version", R"({"type":"integer"})",
                  [](JsonWriter& w, const CalendarView& v) { w.value(v.row.version); })
        .computed("createdAt", R"({"type":"string","format":"date-time"})",
                  [](JsonWriter& w, const CalendarView& v) { w.value(v.row.createdAt); })
        .computed("updatedAt", R"({"type":"string","format":"date-time"})",
                  [](JsonWriter& w, const CalendarView& v) { w.value(v.row.updatedAt); });
    return s;
  }();
  return shape;
}

constexpr std::string_view kTargetSchema =
    R"({"type":"object","properties":{"firstResponseMinutes":{"type":"integer"},)"
    R"("resolutionMinutes":{"type":"integer"},"nextResponseMinutes":{"type":["integer","null"]}}})";

// The schema of a policy's targets (kept for the process: shapes borrow it).
std::string_view targets_schema() {
  static const std::string schema = [] {
    std::string out = R"({"type":"object","properties":{)";
    const char* sep = "";
    for (const char* priority : {"low", "medium", "high", "urgent"}) {
      out += sep;
      out += "\"" + std::string(priority) + "\":" + std::string(kTargetSchema);
      sep = ",";
    }
    return out + "}}";
  }();
  return schema;
}

struct PolicyView {
  SlaPolicyRow row;
  RawJson appliesTo;
  RawJson categories;
  RawJson targets;
  RawJson pauseStatuses;
};

const Shape<PolicyView>& policy_shape() {
  static const Shape<PolicyView> shape = [] {
    Shape<PolicyView> s;
    s.computed("id", R"({"type":"integer"})",
               [](JsonWriter& w, const PolicyView& v) { w.value(v.row.id); })
        .computed("name", R"({"type":"string"})",
                  [](JsonWriter& w, const PolicyView& v) { w.value(v.row.name); })
        .computed("calendarId", R"({"type":["integer","null"],"description":"null: 24x7"})",
                  [](JsonWriter& w, const PolicyView& v) {
                    if (v.row.calendarId) {
                      w.value(*v.row.calendarId);
                    } else {
                      w.null();
                    }
                  })
        .field("appliesTo", &PolicyView::appliesTo,
               {.schema = R"({"type":"array","items":{"type":"string","enum":)"
                          R"(["support_request","support_inquiry"]}})"})
        .field("categories", &PolicyView::categories,
               {.schema = R"({"type":["array","null"],"items":{"type":"string"}})"})
        .field("targets", &PolicyView::targets, {.schema = targets_schema()})
        .field("pauseStatuses", &PolicyView::pauseStatuses,
               {.schema = R"({"type":"array","items":{"type":"string"}})"})
        .computed("version",
                  R"({"type":"integer","description":"Items record the version )"
                  R"(they started under"})",
                  [](JsonWriter& w, const PolicyView& v) { w.value(v.row.version); })
        .computed("createdAt", R"({"type":"string","format":"date-time"})",
                  [](JsonWriter& w, const PolicyView& v) { w.value(v.row.createdAt); })
        .computed("updatedAt", R"({"type":"string","format":"date-time"})",
                  [](JsonWriter& w, const PolicyView& v) { w.value(v.row.updatedAt); });
    return s;
  }();
  return shape;
}

struct CalendarDeleted {
  std::int64_t id = 0;
  bool deleted = true;
};

const Shape<CalendarDeleted>& calendar_deleted_shape() {
  static const Shape<CalendarDeleted> shape = [] {
    Shape<CalendarDeleted> s;
    s.field("id", &CalendarDeleted::id).field("deleted", &CalendarDeleted::deleted);
    return s;
  }();
  return shape;
}

CalendarView calendar_view(SlaCalendarRow row) {
  CalendarView v{std::move(row), {}, {}};
  v.weekly.text = v.row.weekly;
  v.holidays.text = v.row.holidays;
  return v;
}

PolicyView policy_view(SlaPolicyRow row) {
  PolicyView v{std::move(row), {}, {}, {}, {}};
  v.appliesTo.text = v.row.appliesTo;
  v.categories.text = v.row.categories.value_or("null");
  v.targets.text = v.row.targets;
  v.pauseStatuses.text = v.row.pauseStatuses;
  return v;
}

// ---- bodies --------------------------------------------------------------------------

// A holiday as the API takes it (recurring optional).
struct HolidayInput {
  std::string date;
  std::optional<bool> recurring;
  static constexpr auto fields() {
    return std::tuple{events::field("date", &HolidayInput::date),
                      events::field("recurring", &HolidayInput::recurring)};
  }
};

// Reads `json` into `out` with the event payload rules (strict types, named paths).
template <typename T>
bool read_json(const std::string& json, std::string_view name, T& out, ValidationErrors& errors) {
  JsonDocument document;
  auto root = document.parse(json);
  events::payload_detail::ReadFailure failure;
  if (!root.ok() || !events::payload_detail::read(*root, out, std::string(name), failure)) {
    errors.add(std::string(name), "schema",
               failure.path.empty() ? std::string(name) + " is not valid"
                                    : failure.path + " " + failure.what);
    return false;
  }
  return true;
}

struct CalendarBody {
  std::optional<std::string> name;
  std::optional<std::string> timezone;
  RawJson weekly;    // "null" when absent
  RawJson holidays;  // "null" when absent
};

// The weekly periods and holidays a body sends (each none when absent); false after
// recording what is wrong.
struct CalendarParts {
  std::optional<std::vector<domain::ShiftWindowRecord>> weekly;
  std::optional<std::vector<domain::SlaHolidayRecord>> holidays;
};

bool decode_calendar(const CalendarBody& b, CalendarParts& parts, ValidationErrors& errors) {
  bool ok = true;
  if (b.weekly.text != "null") {
    std::vector<domain::ShiftWindowRecord> weekly;
    if (read_json(b.weekly.text, "weekly", weekly, errors)) {
      parts.weekly = std::move(weekly);
    } else {
      ok = false;
    }
  }
  if (b.holidays.text != "null") {
    std::vector<HolidayInput> holidays;
    if (read_json(b.holidays.text, "holidays", holidays, errors)) {
      std::vector<domain::SlaHolidayRecord> records;
      for (HolidayInput& h : holidays)
        records.push_back({std::move(h.date), h.recurring.value_or(false)});
      parts.holidays = std::move(records);
    } else {
      ok = false;
    }
  }
  return ok;
}

std::shared_ptr<const BodyContract<CalendarBody>> calendar_contract(bool create) {
  // POST needs these; PATCH any of the fields.
  auto required = [create](FieldRule rule) { return create ? rule.must_send() : rule; };
  auto c = std::make_shared<BodyContract<CalendarBody>>();
  c->field(required(Text("name").length(1, 200)), &CalendarBody::name)
      .field(required(
                 Text("timezone").length(1, 64).describe("An IANA time zone, e.g. Europe/Berlin")),
             &CalendarBody::timezone)
      .field(required(JsonArray("weekly").bytes(16384))
                 .describe(
                     "[{day: mon..sun, start: HH:MM, end: HH:MM}]: any number of periods a day; a "
                     "period whose end is not after its start runs past midnight"),
             &CalendarBody::weekly)
      .field(JsonArray("holidays")
                 .bytes(32768)
                 .describe("[{date: YYYY-MM-DD, recurring?: bool}]: no business time on "
                           "those dates (every year when recurring)"),
             &CalendarBody::holidays)
      .check("weekly and holidays must have the documented form.",
             [](const CalendarBody& b, ValidationErrors& errors) {
               CalendarParts parts;
               decode_calendar(b, parts, errors);
             });
  if (create) {
    c->example(R"({"name":"Berlin office","timezone":"Europe/Berlin","weekly":[{"day":"mon",)"
               R"("start":"09:00","end":"12:30"},{"day":"mon","start":"13:30","end":"18:00"}],)"
               R"("holidays":[{"date":"2026-12-25","recurring":true}]})");
  } else {
    c->at_least(1);
  }
  return c;
}

struct PolicyBody {
  std::optional<std::string> name;
  std::optional<std::int64_t> calendarId;  // null and absent alike: see sent()
  std::optional<std::vector<std::string>> appliesTo;
  std::optional<std::vector<std::string>> categories;  // null and absent alike: see sent()
  RawJson targets;                                     // "null" when absent
  std::optional<std::vector<std::string>> pauseStatuses;
};

struct PolicyParts {
  std::optional<domain::SlaTargetsRecord> targets;
};

bool decode_policy(const PolicyBody& b, PolicyParts& parts, ValidationErrors& errors) {
  bool ok = true;
  if (b.targets.text != "null") {
    domain::SlaTargetsRecord targets;
    if (read_json(b.targets.text, "targets", targets, errors)) {
      parts.targets = targets;
    } else {
      ok = false;
    }
  }
  return ok;
}

// Whether the request body has member `name` (null included): PATCH tells "set to null"
// from "leave as it is" by it.
bool sent(const RequestContext& ctx, std::string_view name) {
  JsonDocument document;
  auto root = document.parse(ctx.request().body);
  return root.ok() && root->kind() == JsonView::Kind::kObject && root->member(name).has_value();
}

std::shared_ptr<const BodyContract<PolicyBody>> policy_contract(bool create) {
  std::vector<std::string> pausable(std::begin(domain::kSlaPausableStatuses),
                                    std::end(domain::kSlaPausableStatuses));
  auto required = [create](FieldRule rule) { return create ? rule.must_send() : rule; };
  auto c = std::make_shared<BodyContract<PolicyBody>>();
  c->field(required(Text("name").length(1, 200)), &PolicyBody::name)
      .field(IdOrNull("calendarId").describe("A calendar's id; null: the built-in 24x7"),
             &PolicyBody::calendarId)
      .field(required(TextList("appliesTo")
                          .one_of({std::string(kKinds[0]), std::string(kKinds[1])})
                          .items(2)
                          .describe("The work kinds the policy covers")),
             &PolicyBody::appliesTo)
      .field(TextList("categories")
                 .items(50)
                 .length(1, 64)
                 .describe("Only items in these categories (more specific than a policy "
                           "without categories); null or absent: every category"),
             &PolicyBody::categories)
      .field(required(Object("targets").bytes(4096).describe(
                 "{low, medium, high, urgent} (all four): each {firstResponseMinutes, "
                 "resolutionMinutes, nextResponseMinutes?} in business minutes (1 - 527040)")),
             &PolicyBody::targets)
      .field(TextList("pauseStatuses")
                 .one_of(pausable)
                 .items(pausable.size())
                 .describe("Statuses during which the clocks pause (default: resolved, "
                           "waiting)"),
             &PolicyBody::pauseStatuses)
      .check("targets must have the documented form.",
             [](const PolicyBody& b, ValidationErrors& errors) {
               PolicyParts parts;
               decode_policy(b, parts, errors);
             });
  constexpr std::string_view kTargets =
      R"("targets":{"low":{"firstResponseMinutes":480,"resolutionMinutes":4800},)"
      R"("medium":{"firstResponseMinutes":240,"resolutionMinutes":2880},)"
      R"("high":{"firstResponseMinutes":60,"resolutionMinutes":960,)"
      R"("nextResponseMinutes":120},"urgent":{"firstResponseMinutes":30,)"
      R"("resolutionMinutes":240,"nextResponseMinutes":60}})";
  if (create) {
    c->example(
        std::string(R"({"name":"Business hours","calendarId":1,"appliesTo":["support_request"],)") +
        std::string(kTargets) + "}");
  } else {
    c->at_least(1);
    c->example("{" + std::string(kTargets) + "}");
  }
  return c;
}

// ---- handlers ------------------------------------------------------------------------

CalendarView find_calendar(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  auto row = projections::SlaQuery(lease.db()).calendar(id);
  if (!row.ok()) throw unexpected(row.status(), "reading an SLA calendar");
  if (!*row) throw refusal_error(Refusal::kSlaCalendarNotFound);
  return calendar_view(std::move(**row));
}

PolicyView find_policy(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  auto row = projections::SlaQuery(lease.db()).policy(id);
  if (!row.ok()) throw unexpected(row.status(), "reading an SLA policy");
  if (!*row) throw refusal_error(Refusal::kSlaPolicyNotFound);
  return policy_view(std::move(**row));
}

// The parts the contract's check has accepted.
CalendarParts calendar_parts(const CalendarBody& body) {
  CalendarParts parts;
  ValidationErrors errors;
  decode_calendar(body, parts, errors);
  return parts;
}

PolicyParts policy_parts(const PolicyBody& body) {
  PolicyParts parts;
  ValidationErrors errors;
  decode_policy(body, parts, errors);
  return parts;
}

Reply create_calendar(ApiContext& api, RequestContext& ctx, CalendarBody body) {
  CalendarParts parts = calendar_parts(body);
  domain::CreateSlaCalendar command;
  command.calendar.name = *body.name;
  command.calendar.timezone = *body.timezone;
  command.calendar.weekly = std::move(*parts.weekly);
  if (parts.holidays) command.calendar.holidays = std::move(*parts.holidays);
  const auto executed = co_await commit(api, ctx, command);
  co_return answer(calendar_shape(), find_calendar(api, executed.id(domain::kSlaCalendarSequence)),
                   201);
}

Reply update_calendar(ApiContext& api, RequestContext& ctx, CalendarBody body) {
  CalendarParts parts = calendar_parts(body);
  domain::UpdateSlaCalendar command;
  command.calendarId = path_id(ctx);
  command.name = std::move(body.name);
  command.timezone = std::move(body.timezone);
  command.weekly = std::move(parts.weekly);
  command.holidays = std::move(parts.holidays);
  co_await commit(api, ctx, command);
  co_return answer(calendar_shape(), find_calendar(api, command.calendarId));
}

Reply delete_calendar(ApiContext& api, RequestContext& ctx) {
  const domain::DeleteSlaCalendar command{path_id(ctx)};
  co_await commit(api, ctx, command);
  co_return answer(calendar_deleted_shape(), CalendarDeleted{command.calendarId, true});
}

Reply create_policy(ApiContext& api, RequestContext& ctx, PolicyBody body) {
  PolicyParts parts = policy_parts(body);
  domain::CreateSlaPolicy command;
  command.policy.name = *body.name;
  command.policy.calendarId = body.calendarId;
  command.policy.appliesTo = *body.appliesTo;
  command.policy.categories = std::move(body.categories);
  command.policy.targets = *parts.targets;
  command.policy.pauseStatuses = body.pauseStatuses.value_or(domain::default_pause_statuses());
  const auto executed = co_await commit(api, ctx, command);
  co_return answer(policy_shape(), find_policy(api, executed.id(domain::kSlaPolicySequence)), 201);
}

Reply update_policy(ApiContext& api, RequestContext& ctx, PolicyBody body) {
  PolicyParts parts = policy_parts(body);
  domain::UpdateSlaPolicy command;
  command.policyId = path_id(ctx);
  command.name = std::move(body.name);
  if (sent(ctx, "calendarId")) command.calendarId = body.calendarId;
  command.appliesTo = std::move(body.appliesTo);
  if (sent(ctx, "categories")) command.categories = std::move(body.categories);
  command.targets = parts.targets;
  command.pauseStatuses = std::move(body.pauseStatuses);
  co_await commit(api, ctx, command);
  co_return answer(policy_shape(), find_policy(api, command.policyId));
}

template <typename View, typename Row, typename Read, typename Convert>
Response list_all(ApiContext& api, const Shape<View>& shape, Read&& read, Convert&& convert,
                  std::string_view what) {
  auto lease = read_lease(api);
  projections::SlaQuery query(lease.db());
  Result<std::vector<Row>> rows = read(query);
  if (!rows.ok()) throw unexpected(rows.status(), what);
  std::vector<View> views;
  for (Row& row : *rows)
    views.push_back(convert(std::move(row)));
  return answer_page(shape, views, 1,
                     static_cast<std::int64_t>(std::max<std::size_t>(1, views.size())),
                     views.size());
}

// ---- business time -----------------------------------------------------------------------

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMaxBusinessSpanDays = 62;

struct BusinessTimeQuery {
  std::optional<std::int64_t> calendarId;
  std::optional<std::string> from;
  std::optional<std::string> to;
};

std::shared_ptr<const QueryContract<BusinessTimeQuery>> business_time_contract() {
  auto q = std::make_shared<QueryContract<BusinessTimeQuery>>();
  q->param(Id("calendarId").describe("The calendar; absent: the built-in 24x7"),
           &BusinessTimeQuery::calendarId)
      .param(Date("from").describe("From (inclusive): YYYY-MM-DD (midnight UTC) or an ISO-8601 "
                                   "UTC time; default now"),
             &BusinessTimeQuery::from)
      .param(Date("to").describe("Until (exclusive); default 7 days after from; at most 62 days "
                                 "after it"),
             &BusinessTimeQuery::to);
  return q;
}

std::int64_t instant_of(const std::optional<std::string>& text, std::int64_t fallback) {
  if (!text) return fallback;
  return parse_iso8601(text->size() == 10 ? *text + "T00:00:00.000Z" : *text).value_or(fallback);
}

Response business_time(ApiContext& api, const BusinessTimeQuery& q) {
  const std::int64_t from = instant_of(q.from, api.clock.now_ms());
  const std::int64_t to = instant_of(q.to, from + 7 * kDayMs);
  if (to <= from || to - from > kMaxBusinessSpanDays * kDayMs) {
    ValidationErrors errors;
    errors.add("to", "range",
               fmt::format("to must be after from, by at most {} days", kMaxBusinessSpanDays));
    throw errors.to_api_error();
  }
  domain::BusinessCalendar calendar{"UTC", {}, {}, true};
  if (q.calendarId) {
    auto lease = read_lease(api);
    auto found = projections::SlaQuery(lease.db()).business_calendar(*q.calendarId);
    if (!found.ok()) throw unexpected(found.status(), "reading an SLA calendar");
    if (!*found) throw refusal_error(Refusal::kSlaCalendarNotFound);
    calendar = std::move(**found);
  }
  auto intervals = domain::business_intervals(calendar, from, to);
  if (!intervals.ok()) throw unexpected(intervals.status(), "counting business time");
  std::int64_t total = 0;
  for (const domain::BusinessInterval& i : *intervals)
    total += i.end - i.begin;
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    if (q.calendarId) {
      w.field("calendarId", *q.calendarId);
    } else {
      w.key("calendarId").null();
    }
    w.field("timezone", calendar.timezone)
        .field("from", format_iso8601(from))
        .field("to", format_iso8601(to))
        .field("businessSeconds", total / 1000);
    w.key("intervals").begin_array();
    for (const domain::BusinessInterval& i : *intervals) {
      w.begin_object()
          .field("start", format_iso8601(i.begin))
          .field("end", format_iso8601(i.end))
          .end_object();
    }
    w.end_array().end_object();
  });
}

constexpr std::string_view kBusinessTimeSchema =
    R"({"type":"object","properties":{"calendarId":{"type":["integer","null"]},)"
    R"("timezone":{"type":"string"},"from":{"type":"string","format":"date-time"},)"
    R"("to":{"type":"string","format":"date-time"},"businessSeconds":{"type":"integer"},)"
    R"("intervals":{"type":"array","description":"The business time in [from, to), in time )"
    R"(order, touching periods joined","items":{"type":"object","properties":{"start":)"
    R"({"type":"string","format":"date-time"},"end":{"type":"string","format":"date-time"}}}}}})";

}  // namespace

const Shape<SlaView>& sla_shape() {
  static const Shape<SlaView> shape = [] {
    using V = SlaView;
    Shape<V> s;
    s.field("policyId", &V::policyId)
        .field("policyVersion", &V::policyVersion)
        .field("firstResponseDueAt", &V::firstResponseDueAt, {.format = "date-time"})
        .field("resolutionDueAt", &V::resolutionDueAt, {.format = "date-time"})
        .field("nextResponseDueAt", &V::nextResponseDueAt,
               {.format = "date-time",
                .description = "While a customer message awaits a staff reply (policies with "
                               "nextResponseMinutes)"})
        .field("firstResponseStatus", &V::firstResponseStatus, {.values = kStatusValues})
        .field("resolutionStatus", &V::resolutionStatus, {.values = kStatusValues})
        .field("nextResponseStatus", &V::nextResponseStatus, {.values = kStatusValues})
        .field("firstResponseWarningAt", &V::firstResponseWarningAt,
               {.format = "date-time",
                .description = "When half the target's business time is used up (yellow)"})
        .field("firstResponseCriticalAt", &V::firstResponseCriticalAt,
               {.format = "date-time",
                .description = "When a fifth of the target's business time is left (red)"})
        .field("resolutionWarningAt", &V::resolutionWarningAt, {.format = "date-time"})
        .field("resolutionCriticalAt", &V::resolutionCriticalAt, {.format = "date-time"})
        .field("nextResponseWarningAt", &V::nextResponseWarningAt, {.format = "date-time"})
        .field("nextResponseCriticalAt", &V::nextResponseCriticalAt, {.format = "date-time"})
        .field("calendarId", &V::calendarId,
               {.description = "The business calendar the clock counts by (its policy's); "
                               "null: 24x7. GET /api/admin/sla/business-time gives its hours"})
        .field("paused", &V::paused)
        .array("breaches", &V::breaches, breach_shape());
    return s;
  }();
  return shape;
}

void add_sla_routes(Router& router, ApiContext& api) {
  auto meta = [](std::string name, std::string summary, std::vector<RouteError> errors) {
    return staff_route_meta(std::move(name), kTag, std::move(summary),
                            Permission::kOperationsManage, std::move(errors));
  };
  const RouteError calendar_missing{404, error_code::kSlaCalendarNotFound};
  const RouteError policy_missing{404, error_code::kSlaPolicyNotFound};

  RouteMeta hours = route_meta("admin.sla.businessTime", kTag,
                               "The business hours of a calendar over a span, for counting SLA "
                               "clocks down (any staff who reads requests or inquiries)",
                               Access::kStaff, {calendar_missing});
  hours.any_permission = {Permission::kSupportRequestsRead, Permission::kSupportInquiriesRead,
                          Permission::kOperationsManage};
  hours.response = std::make_shared<SchemaText>(std::string(kBusinessTimeSchema));
  add_route(router, Method::kGet, "/api/admin/sla/business-time", std::move(hours),
            business_time_contract(),
            [&api](RequestContext&, BusinessTimeQuery q) { return business_time(api, q); });

  RouteMeta list_calendars = meta("admin.sla.calendars.list",
                                  "Business-hours calendars (calendarId null is the built-in "
                                  "24x7)",
                                  {});
  list_calendars.paginated = true;
  list_calendars.response = std::make_shared<ListShape<CalendarView>>(calendar_shape());
  router.get(
      "/api/admin/sla/calendars",
      [&api](RequestContext&) {
        return list_all<CalendarView, SlaCalendarRow>(
            api, calendar_shape(), [](projections::SlaQuery& q) { return q.calendars(); },
            calendar_view, "listing SLA calendars");
      },
      std::move(list_calendars));
  RouteMeta create_cal = meta("admin.sla.calendars.create", "Create a calendar", {});
  create_cal.response = schema_of(calendar_shape());
  add_route(router, Method::kPost, "/api/admin/sla/calendars", std::move(create_cal),
            calendar_contract(true), [&api](RequestContext& ctx, CalendarBody body) {
              return create_calendar(api, ctx, std::move(body));
            });
  RouteMeta get_cal = meta("admin.sla.calendars.get", "One calendar", {calendar_missing});
  get_cal.response = schema_of(calendar_shape());
  router.get(
      "/api/admin/sla/calendars/{id}",
      [&api](RequestContext& ctx) {
        return answer(calendar_shape(), find_calendar(api, path_id(ctx)));
      },
      std::move(get_cal));
  RouteMeta patch_cal = meta("admin.sla.calendars.update",
                             "Change a calendar: items created afterwards count by the new "
                             "version",
                             {calendar_missing});
  patch_cal.response = schema_of(calendar_shape());
  add_route(router, Method::kPatch, "/api/admin/sla/calendars/{id}", std::move(patch_cal),
            calendar_contract(false), [&api](RequestContext& ctx, CalendarBody body) {
              return update_calendar(api, ctx, std::move(body));
            });
  RouteMeta delete_cal = meta("admin.sla.calendars.delete",
                              "Delete a calendar no policy uses (items keep the version they "
                              "started with)",
                              {calendar_missing, {409, error_code::kSlaCalendarInUse}});
  delete_cal.response = schema_of(calendar_deleted_shape());
  add_route(router, Method::kDelete, "/api/admin/sla/calendars/{id}", std::move(delete_cal),
            no_body(), [&api](RequestContext& ctx, NoBody) { return delete_calendar(api, ctx); });

  RouteMeta list_policies = meta("admin.sla.policies.list", "SLA policies", {});
  list_policies.paginated = true;
  list_policies.response = std::make_shared<ListShape<PolicyView>>(policy_shape());
  router.get(
      "/api/admin/sla/policies",
      [&api](RequestContext&) {
        return list_all<PolicyView, SlaPolicyRow>(
            api, policy_shape(), [](projections::SlaQuery& q) { return q.policies(); }, policy_view,
            "listing SLA policies");
      },
      std::move(list_policies));
  RouteMeta create_pol =
      meta("admin.sla.policies.create", "Create a policy (it applies to items created afterwards)",
           {calendar_missing});
  create_pol.response = schema_of(policy_shape());
  add_route(router, Method::kPost, "/api/admin/sla/policies", std::move(create_pol),
            policy_contract(true), [&api](RequestContext& ctx, PolicyBody body) {
              return create_policy(api, ctx, std::move(body));
            });
  RouteMeta get_pol = meta("admin.sla.policies.get", "One policy", {policy_missing});
  get_pol.response = schema_of(policy_shape());
  router.get(
      "/api/admin/sla/policies/{id}",
      [&api](RequestContext& ctx) {
        return answer(policy_shape(), find_policy(api, path_id(ctx)));
      },
      std::move(get_pol));
  RouteMeta patch_pol = meta("admin.sla.policies.update",
                             "Change a policy: a new version for items created afterwards; "
                             "items keep the version they started with",
                             {policy_missing, calendar_missing});
  patch_pol.response = schema_of(policy_shape());
  add_route(router, Method::kPatch, "/api/admin/sla/policies/{id}", std::move(patch_pol),
            policy_contract(false), [&api](RequestContext& ctx, PolicyBody body) {
              return update_policy(api, ctx, std::move(body));
            });
}

}  // namespace docket::http
