#include "http/agent_routes.h"

#include <array>

#include "core/time_format.h"
#include "domain/agent.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "http/api_context.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/route_kit.h"
#include "projections/reader_pool.h"
#include "projections/work_queue_query.h"

namespace docket::http {
namespace {

using auth::Permission;
using domain::Refusal;
using projections::AgentRow;
using projections::QueueItemRow;

constexpr std::string_view kAgentTag = "Agents";
constexpr std::string_view kQueueTag = "Queue (Admin)";
constexpr std::array<std::string_view, 4> kStatuses = {"available", "busy", "away", "offline"};
constexpr std::int64_t kDefaultMetricsDays = 30;

// ---- views ---------------------------------------------------------------------------

struct MetricsView {
  std::string from;
  std::string to;
  std::int64_t openNow = 0;
  std::int64_t assigned = 0;
  std::int64_t assignedAuto = 0;
  std::int64_t assignedManual = 0;
  std::int64_t assignedTake = 0;
  std::int64_t resolved = 0;
  std::int64_t firstResponses = 0;
  std::optional<double> avgFirstResponseSeconds;
  std::optional<double> p90FirstResponseSeconds;
  std::optional<double> avgResolutionSeconds;
};

struct AgentView {
  AgentRow row;
  std::vector<std::string> skills;
  bool inShift = true;
  std::optional<std::string> nextShiftChangeAt;
  std::optional<std::string> statusSince;
  std::optional<MetricsView> metrics;
};

const Shape<MetricsView>& metrics_shape() {
  static const Shape<MetricsView> shape = [] {
    Shape<MetricsView> s;
    s.field("from", &MetricsView::from, {.format = "date-time"})
        .field("to", &MetricsView::to, {.format = "date-time"})
        .field("openNow", &MetricsView::openNow)
        .field("assigned", &MetricsView::assigned)
        .field("assignedAuto", &MetricsView::assignedAuto)
        .field("assignedManual", &MetricsView::assignedManual)
        .field("assignedTake", &MetricsView::assignedTake)
        .field("resolved", &MetricsView::resolved)
        .field("firstResponses", &MetricsView::firstResponses)
        .field("avgFirstResponseSeconds", &MetricsView::avgFirstResponseSeconds)
        .field("p90FirstResponseSeconds", &MetricsView::p90FirstResponseSeconds)
        .field("avgResolutionSeconds", &MetricsView::avgResolutionSeconds);
    return s;
  }();
  return shape;
}

constexpr std::string_view kShiftSchema =
    R"({"type":["object","null"],"description":"null: always in shift","properties":{)"
    R"("timezone":{"type":"string","example":"Europe/Berlin"},"weekly":{"type":"array",)"
    R"("items":{"type":"object","properties":{"day":{"type":"string","enum":["mon","tue",)"
    R"("wed","thu","fri","sat","sun"]},"start":{"type":"string","example":"09:00"},)"
    R"("end":{"type":"string","example":"17:00"}}}}}})";

const Shape<AgentView>& agent_shape() {
  static const Shape<AgentView> shape = [] {
    Shape<AgentView> s;
    s.computed("accountId", R"({"type":"integer"})",
               [](JsonWriter& w, const AgentView& a) { w.value(a.row.accountId); })
        .computed("name", R"({"type":"string"})",
                  [](JsonWriter& w, const AgentView& a) { w.value(a.row.name); })
        .computed("email", R"({"type":"string","format":"email"})",
                  [](JsonWriter& w, const AgentView& a) { w.value(a.row.email); })
        .computed("role", R"({"type":"string","enum":["agent","admin"]})",
                  [](JsonWriter& w, const AgentView& a) { w.value(a.row.role); })
        .computed("status", R"({"type":"string","enum":["available","busy","away","offline"]})",
                  [](JsonWriter& w, const AgentView& a) { w.value(a.row.status); })
        .field("statusSince", &AgentView::statusSince, {.format = "date-time"})
        .computed("maxOpenItems", R"({"type":"integer"})",
                  [](JsonWriter& w, const AgentView& a) {
                    w.value(static_cast<std::uint64_t>(a.row.maxOpenItems));
                  })
        .computed("openItems", R"({"type":"integer"})",
                  [](JsonWriter& w, const AgentView& a) {
                    w.value(static_cast<std::uint64_t>(a.row.openItems));
                  })
        .field("skills", &AgentView::skills)
        .computed("shift", std::string(kShiftSchema),
                  [](JsonWriter& w, const AgentView& a) {
                    if (a.row.shiftJson) {
                      w.raw(*a.row.shiftJson);
                    } else {
                      w.null();
                    }
                  })
        .field("inShift", &AgentView::inShift)
        .field("nextShiftChangeAt", &AgentView::nextShiftChangeAt, {.format = "date-time"})
        .object("metrics", &AgentView::metrics, metrics_shape());
    return s;
  }();
  return shape;
}

struct QueueItemView {
  QueueItemRow row;
  std::string createdAt;
  double ageSeconds = 0;
};

const Shape<QueueItemView>& queue_item_shape() {
  static const Shape<QueueItemView> shape = [] {
    Shape<QueueItemView> s;
    s.computed("type", R"({"type":"string","enum":["support_request","support_inquiry"]})",
               [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.kind); })
        .computed("id", R"({"type":"integer"})",
                  [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.id); })
        .computed("reference",
                  R"({"type":"string","description":"The ticket number SUP-… (also of a )"
                  R"(form ticket), or else an inquiry's tracking code INQ-…"})",
                  [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.reference); })
        .computed("priority", R"({"type":"string","enum":["low","medium","high","urgent"]})",
                  [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.priority); })
        .computed("category", R"({"type":["string","null"]})",
                  [](JsonWriter& w, const QueueItemView& v) {
                    if (v.row.category.empty()) {
                      w.null();
                    } else {
                      w.value(v.row.category);
                    }
                  })
        .computed("subject", R"({"type":"string"})",
                  [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.subject); })
        .computed("status", R"({"type":"string"})",
                  [](JsonWriter& w, const QueueItemView& v) { w.value(v.row.status); })
        .computed("customerId", R"({"type":["integer","null"]})",
                  [](JsonWriter& w, const QueueItemView& v) {
                    if (v.row.customerId) {
                      w.value(*v.row.customerId);
                    } else {
                      w.null();
                    }
                  })
        .field("createdAt", &QueueItemView::createdAt, {.format = "date-time"})
        .field("ageSeconds", &QueueItemView::ageSeconds);
    return s;
  }();
  return shape;
}

struct StatsView {
  projections::QueueStats stats;
  std::optional<std::string> oldestCreatedAt;
  double oldestWaitingSeconds = 0;
};

const Shape<StatsView>& stats_shape() {
  static const Shape<StatsView> shape = [] {
    Shape<StatsView> s;
    s.computed("depth", R"({"type":"integer"})",
               [](JsonWriter& w, const StatsView& v) { w.value(v.stats.depth); })
        .computed(
            "byPriority",
            R"({"type":"object","additionalProperties":{"type":"integer"},)"
            R"("description":"Waiting items per priority, only those with some"})",
            [](JsonWriter& w, const StatsView& v) { write_counts(w, v.stats.byPriority, "none"); })
        .computed(
            "byCategory",
            R"({"type":"object","additionalProperties":{"type":"integer"},)"
            R"("description":"Waiting items per category; none: inquiries without one"})",
            [](JsonWriter& w, const StatsView& v) { write_counts(w, v.stats.byCategory, "none"); })
        .field("oldestCreatedAt", &StatsView::oldestCreatedAt, {.format = "date-time"})
        .field("oldestWaitingSeconds", &StatsView::oldestWaitingSeconds);
    return s;
  }();
  return shape;
}

struct TakeView {
  QueueItemView item;
  AgentView agent;
};

const Shape<TakeView>& take_shape() {
  static const Shape<TakeView> shape = [] {
    Shape<TakeView> s;
    s.object("item", &TakeView::item, queue_item_shape())
        .object("agent", &TakeView::agent, agent_shape());
    return s;
  }();
  return shape;
}

// ---- contracts -----------------------------------------------------------------------

struct StatusBody {
  std::string status;
};

std::shared_ptr<const BodyContract<StatusBody>> status_contract() {
  auto c = std::make_shared<BodyContract<StatusBody>>();
  c->field(OneOf("status", kStatuses), &StatusBody::status);
  return c;
}

struct PatchBody {
  std::optional<std::int64_t> maxOpenItems;
  std::optional<std::vector<std::string>> skills;
  RawJson shift;  // "null" when absent; {} removes the shift
  std::optional<std::string> status;
};

bool removes_shift(const RawJson& shift) {
  return shift.text == "{}";
}

std::shared_ptr<const BodyContract<PatchBody>> patch_contract(const ApiContext& api) {
  std::vector<std::string> categories;
  for (const auto& c : api.categories)
    categories.push_back(c.category);
  auto c = std::make_shared<BodyContract<PatchBody>>();
  c->field(Integer("maxOpenItems")
               .range(0, domain::kMaxAgentCapacity)
               .describe("Open work items assigned at once (0: takes no work)"),
           &PatchBody::maxOpenItems)
      .field(TextList("skills")
                 .one_of(categories)
                 .items(domain::kMaxAgentSkills)
                 .length(1, 64)
                 .describe("Categories the agent handles; [] means every category"),
             &PatchBody::skills)
      .field(Object("shift").bytes(4096).describe(
                 "{timezone: IANA name, weekly: [{day: mon..sun, start: HH:MM, end: HH:MM}]}; "
                 "{} removes the shift (always in shift). A window whose end is not after its "
                 "start runs past midnight."),
             &PatchBody::shift)
      .field(OneOf("status", kStatuses), &PatchBody::status)
      .at_least(1)
      .check("shift must name a time zone of the tz database and valid windows",
             [](const PatchBody& b, ValidationErrors& errors) {
               if (b.shift.text == "null" || removes_shift(b.shift)) return;
               auto shift = domain::parse_shift_json(b.shift.text);
               if (!shift.ok()) errors.add("shift", "shift", std::string(shift.status().message()));
             })
      .example(R"({"maxOpenItems":8,"skills":["technical","billing"],)"
               R"("shift":{"timezone":"Europe/Berlin","weekly":[{"day":"mon","start":"09:00",)"
               R"("end":"17:00"}]},"status":"available"})");
  return c;
}

struct TakeBody {
  std::optional<std::int64_t> supportRequestId;
  std::optional<std::int64_t> supportInquiryId;
};

std::shared_ptr<const BodyContract<TakeBody>> take_contract() {
  auto c = std::make_shared<BodyContract<TakeBody>>();
  c->field(Id("supportRequestId"), &TakeBody::supportRequestId)
      .field(Id("supportInquiryId"), &TakeBody::supportInquiryId)
      .check(
          "at most one of supportRequestId and supportInquiryId; neither takes the next "
          "item the agent is eligible for",
          [](const TakeBody& b, ValidationErrors& errors) {
            if (b.supportRequestId && b.supportInquiryId) {
              errors.add("supportInquiryId", "exclusive",
                         "send supportRequestId or supportInquiryId, not both");
            }
          })
      .optional_body()
      .example(R"({"supportRequestId":42})");
  return c;
}

struct RangeQuery {
  std::optional<std::string> from;
  std::optional<std::string> to;
};

std::shared_ptr<const QueryContract<RangeQuery>> range_contract() {
  auto q = std::make_shared<QueryContract<RangeQuery>>();
  q->param(Date("from").describe("Metrics from (inclusive): YYYY-MM-DD (midnight UTC) or an "
                                 "ISO-8601 UTC time; default 30 days before `to`"),
           &RangeQuery::from)
      .param(Date("to").describe("Metrics until (exclusive); default now"), &RangeQuery::to);
  return q;
}

struct QueueQuery {
  std::uint32_t page = 1;
  std::uint32_t pageSize = 20;
};

std::shared_ptr<const QueryContract<QueueQuery>> queue_contract() {
  auto q = std::make_shared<QueryContract<QueueQuery>>();
  q->param(Integer("page").range(1, kMaxPage).defaults_to("1"), &QueueQuery::page)
      .param(Integer("pageSize").range(1, 100).defaults_to("20"), &QueueQuery::pageSize);
  return q;
}

// ---- handlers ------------------------------------------------------------------------

std::int64_t bound_ms(const std::optional<std::string>& text, std::int64_t fallback) {
  if (!text) return fallback;
  const std::string iso = text->size() == 10 ? *text + "T00:00:00.000Z" : *text;
  return parse_iso8601(iso).value_or(fallback);
}

AgentView agent_view(ApiContext& api, AgentRow row) {
  AgentView view;
  view.skills = row.skills;
  if (row.statusSinceMs) view.statusSince = format_iso8601(*row.statusSinceMs);
  if (row.shiftJson) {
    const std::int64_t now = api.clock.now_ms();
    if (auto shift = domain::parse_shift_json(*row.shiftJson); shift.ok()) {
      if (auto in = domain::in_shift(*shift, now); in.ok()) view.inShift = *in;
      if (auto next = domain::next_shift_change(*shift, now); next.ok() && *next) {
        view.nextShiftChangeAt = format_iso8601(**next);
      }
    }
  }
  view.row = std::move(row);
  return view;
}

MetricsView metrics_of(projections::WorkQueueQuery& query, const AgentRow& row, std::int64_t from,
                       std::int64_t to) {
  auto m = query.metrics(row.accountId, from, to);
  if (!m.ok()) throw unexpected(m.status(), "reading agent metrics");
  MetricsView v;
  v.from = format_iso8601(from);
  v.to = format_iso8601(to);
  v.openNow = row.openItems;
  v.assignedAuto = static_cast<std::int64_t>(m->assignedAuto);
  v.assignedManual = static_cast<std::int64_t>(m->assignedManual);
  v.assignedTake = static_cast<std::int64_t>(m->assignedTake);
  v.assigned = v.assignedAuto + v.assignedManual + v.assignedTake;
  v.resolved = static_cast<std::int64_t>(m->resolved);
  v.firstResponses = static_cast<std::int64_t>(m->firstResponses);
  v.avgFirstResponseSeconds = m->avgFirstResponseSeconds;
  v.p90FirstResponseSeconds = m->p90FirstResponseSeconds;
  v.avgResolutionSeconds = m->avgResolutionSeconds;
  return v;
}

// The agent as the read model has it; 404 AGENT_NOT_FOUND for anyone but active staff.
AgentView find_agent(ApiContext& api, std::int64_t id,
                     std::optional<std::pair<std::int64_t, std::int64_t>> range = {}) {
  auto lease = read_lease(api);
  projections::WorkQueueQuery query(lease.db());
  auto row = query.agent(id, api.default_capacity);
  if (!row.ok()) {
    if (row.status().IsNotFound()) throw refusal_error(Refusal::kAgentNotFound);
    throw unexpected(row.status(), "reading an agent");
  }
  AgentView view = agent_view(api, *row);
  if (range) view.metrics = metrics_of(query, *row, range->first, range->second);
  return view;
}

std::pair<std::int64_t, std::int64_t> range_of(ApiContext& api, const RangeQuery& q) {
  const std::int64_t to = bound_ms(q.to, api.clock.now_ms());
  const std::int64_t from = bound_ms(q.from, to - kDefaultMetricsDays * 86'400'000);
  if (from >= to) {
    ValidationErrors errors;
    errors.add("from", "range", "from must be before to");
    throw errors.to_api_error();
  }
  return {from, to};
}

QueueItemView item_view(ApiContext& api, QueueItemRow row) {
  QueueItemView v;
  v.createdAt = format_iso8601(row.createdMs);
  v.ageSeconds =
      static_cast<double>(std::max<std::int64_t>(api.clock.now_ms() - row.createdMs, 0)) / 1000.0;
  v.row = std::move(row);
  return v;
}

Reply set_my_status(ApiContext& api, RequestContext& ctx, StatusBody body) {
  const std::int64_t me = ctx.identity.accountId;
  domain::ChangeAgentStatus command{me, *domain::parse_agent_status(body.status), "self",
                                    api.requeue_on_away, api.default_capacity};
  co_await commit_unless(api, ctx, command, Refusal::kAgentStatusUnchanged);
  co_return answer(agent_shape(), find_agent(api, me));
}

Reply patch_agent(ApiContext& api, RequestContext& ctx, PatchBody body) {
  const std::int64_t id = path_id(ctx);
  domain::UpdateAgentProfile command;
  command.accountId = id;
  if (body.maxOpenItems) command.maxOpenItems = static_cast<std::uint32_t>(*body.maxOpenItems);
  command.skills = std::move(body.skills);
  if (removes_shift(body.shift)) {
    command.shift = std::optional<domain::Shift>();
  } else if (body.shift.text != "null") {
    command.shift = std::optional<domain::Shift>(*domain::parse_shift_json(body.shift.text));
  }
  if (body.status) command.status = domain::parse_agent_status(*body.status);
  command.requeueUnreplied = api.requeue_on_away;
  command.defaultCapacity = api.default_capacity;
  co_await commit_unless(api, ctx, command, Refusal::kAgentStatusUnchanged);
  co_return answer(agent_shape(), find_agent(api, id));
}

Response list_agents(ApiContext& api, const RangeQuery& q) {
  const auto [from, to] = range_of(api, q);
  auto lease = read_lease(api);
  projections::WorkQueueQuery query(lease.db());
  auto rows = query.agents(api.default_capacity);
  if (!rows.ok()) throw unexpected(rows.status(), "listing agents");
  std::vector<AgentView> views;
  views.reserve(rows->size());
  for (AgentRow& row : *rows) {
    AgentView view = agent_view(api, row);
    view.metrics = metrics_of(query, view.row, from, to);
    views.push_back(std::move(view));
  }
  return answer_page(agent_shape(), views, 1, static_cast<std::int64_t>(views.size()),
                     views.size());
}

Response list_queue(ApiContext& api, RequestContext& ctx, const QueueQuery& q) {
  auto lease = read_lease(api);
  projections::WorkQueueQuery query(lease.db());
  const bool inquiries = ctx.identity.has(Permission::kSupportInquiriesRead);
  auto rows = query.waiting(q.pageSize, static_cast<std::uint64_t>(q.page - 1) * q.pageSize,
                            api.clock.now_ms(), inquiries);
  if (!rows.ok()) throw unexpected(rows.status(), "reading the queue");
  std::vector<QueueItemView> items;
  for (QueueItemRow& row : *rows)
    items.push_back(item_view(api, std::move(row)));
  auto total = query.waiting_count(inquiries);
  if (!total.ok()) throw unexpected(total.status(), "reading the queue");
  return answer_page(queue_item_shape(), items, q.page, q.pageSize, *total);
}

Response queue_stats(ApiContext& api) {
  auto lease = read_lease(api);
  auto stats = projections::WorkQueueQuery(lease.db()).stats();
  if (!stats.ok()) throw unexpected(stats.status(), "reading the queue");
  StatsView view{std::move(stats).value(), std::nullopt, 0};
  if (view.stats.oldestCreatedMs) {
    view.oldestCreatedAt = format_iso8601(*view.stats.oldestCreatedMs);
    view.oldestWaitingSeconds = static_cast<double>(std::max<std::int64_t>(
                                    api.clock.now_ms() - *view.stats.oldestCreatedMs, 0)) /
                                1000.0;
  }
  return answer(stats_shape(), view);
}

domain::AssignmentTerms take_terms(const ApiContext& api) {
  domain::AssignmentTerms terms;
  terms.reason = "take";
  terms.onlyUnassigned = true;
  terms.checkSkill = true;
  terms.defaultCapacity = api.default_capacity;
  return terms;
}

void need(const RequestContext& ctx, Permission permission) {
  if (!ctx.identity.has(permission)) {
    throw refusal_error(Refusal::kPermissionMissing,
                        std::string("This needs the ") +
                            std::string(auth::permission_name(permission)) + " permission");
  }
}

QueueItemRow find_item(ApiContext& api, std::string_view kind, std::int64_t id) {
  auto lease = read_lease(api);
  auto row = projections::WorkQueueQuery(lease.db()).item(kind, id);
  if (!row.ok()) {
    if (!row.status().IsNotFound()) throw unexpected(row.status(), "reading a queue item");
    throw refusal_error(kind == domain::kItemSupportRequest ? Refusal::kSupportRequestNotFound
                                                            : Refusal::kInquiryNotFound);
  }
  return std::move(row).value();
}

// Takes the item named in the body, or the next one in queue order that the caller may
// update and is skilled for (one taken meanwhile is skipped for the next).
Reply take(ApiContext& api, RequestContext& ctx, TakeBody body) {
  const std::int64_t me = ctx.identity.accountId;
  const bool named = body.supportRequestId || body.supportInquiryId;
  std::vector<std::pair<std::string_view, std::int64_t>> candidates;
  if (body.supportRequestId) {
    need(ctx, Permission::kSupportRequestsUpdate);
    candidates.emplace_back(domain::kItemSupportRequest, *body.supportRequestId);
  } else if (body.supportInquiryId) {
    need(ctx, Permission::kSupportInquiriesUpdate);
    candidates.emplace_back(domain::kItemSupportInquiry, *body.supportInquiryId);
  } else {
    const bool requests = ctx.identity.has(Permission::kSupportRequestsUpdate);
    const bool inquiries = ctx.identity.has(Permission::kSupportInquiriesUpdate);
    if (!requests && !inquiries) need(ctx, Permission::kSupportRequestsUpdate);
    domain::AgentView rule_view;
    rule_view.skills = find_agent(api, me).skills;
    auto lease = read_lease(api);
    auto rows =
        projections::WorkQueueQuery(lease.db()).waiting(200, 0, api.clock.now_ms(), inquiries);
    if (!rows.ok()) throw unexpected(rows.status(), "reading the queue");
    for (const QueueItemRow& row : *rows) {
      const bool kind_ok = row.kind == domain::kItemSupportRequest ? requests : inquiries;
      if (kind_ok && domain::skilled_for(rule_view, row.category)) {
        candidates.emplace_back(row.kind == domain::kItemSupportRequest
                                    ? domain::kItemSupportRequest
                                    : domain::kItemSupportInquiry,
                                row.id);
      }
    }
  }
  for (const auto& [kind, id] : candidates) {
    std::optional<domain::Executed> done;
    if (kind == domain::kItemSupportRequest) {
      domain::AssignSupportRequest command{id, me, std::nullopt, take_terms(api)};
      done = co_await commit_unless(api, ctx, command, Refusal::kQueueItemTaken);
    } else {
      domain::AssignInquiry command{id, me, std::nullopt, take_terms(api)};
      done = co_await commit_unless(api, ctx, command, Refusal::kQueueItemTaken);
    }
    if (!done) {
      if (named) throw refusal_error(Refusal::kQueueItemTaken);
      continue;
    }
    TakeView view{item_view(api, find_item(api, kind, id)), find_agent(api, me)};
    co_return answer(take_shape(), view);
  }
  throw refusal_error(Refusal::kQueueEmpty);
}

}  // namespace

void add_agent_routes(Router& router, ApiContext& api) {
  const RouteError not_found{404, error_code::kAgentNotFound};
  RouteMeta me = route_meta("agents.me", kAgentTag,
                            "The caller's agent profile: status, capacity, open load, skills, "
                            "shift",
                            Access::kStaff, {not_found});
  me.response = schema_of(agent_shape());
  router.get(
      "/api/agents/me",
      [&api](RequestContext& ctx) {
        return answer(agent_shape(), find_agent(api, ctx.identity.accountId));
      },
      std::move(me));
  RouteMeta my_status = route_meta(
      "agents.me.status", kAgentTag,
      "Set the caller's availability (available, busy, away, offline); the same status again "
      "changes nothing",
      Access::kStaff, {not_found});
  my_status.response = schema_of(agent_shape());
  add_route(router, Method::kPatch, "/api/agents/me/status", std::move(my_status),
            status_contract(), [&api](RequestContext& ctx, StatusBody body) {
              return set_my_status(api, ctx, std::move(body));
            });

  auto manage = [](std::string name, std::string summary, std::vector<RouteError> errors) {
    RouteMeta m = staff_route_meta(std::move(name), "Agents (Admin)", std::move(summary),
                                   Permission::kAgentsManage, std::move(errors));
    m.response = schema_of(agent_shape());
    return m;
  };
  RouteMeta list = manage("admin.agents.list",
                          "Every active staff member as an agent, with open load and metrics "
                          "over from/to",
                          {});
  list.paginated = true;
  list.response = std::make_shared<ListShape<AgentView>>(agent_shape());
  add_route(router, Method::kGet, "/api/admin/agents", std::move(list), range_contract(),
            [&api](RequestContext&, RangeQuery q) { return list_agents(api, q); });
  add_route(router, Method::kGet, "/api/admin/agents/{id}",
            manage("admin.agents.get", "One agent with metrics over from/to", {not_found}),
            range_contract(), [&api](RequestContext& ctx, RangeQuery q) {
              return answer(agent_shape(), find_agent(api, path_id(ctx), range_of(api, q)));
            });
  add_route(router, Method::kPatch, "/api/admin/agents/{id}",
            manage("admin.agents.update", "Change an agent's capacity, skills, shift or status",
                   {not_found}),
            patch_contract(api), [&api](RequestContext& ctx, PatchBody body) {
              return patch_agent(api, ctx, std::move(body));
            });

  RouteMeta queue = staff_route_meta("admin.queue.list", kQueueTag,
                                     "Open, unassigned items in queue order (priority, then "
                                     "oldest); inquiries only with SupportInquiries_READ",
                                     Permission::kSupportRequestsRead);
  queue.paginated = true;
  queue.response = std::make_shared<ListShape<QueueItemView>>(queue_item_shape());
  add_route(router, Method::kGet, "/api/admin/queue", std::move(queue), queue_contract(),
            [&api](RequestContext& ctx, QueueQuery q) { return list_queue(api, ctx, q); });
  RouteMeta stats = staff_route_meta("admin.queue.stats", kQueueTag,
                                     "Queue depth per priority and category, oldest waiting age",
                                     Permission::kSupportRequestsRead);
  stats.response = schema_of(stats_shape());
  router.get(
      "/api/admin/queue/stats", [&api](RequestContext&) { return queue_stats(api); },
      std::move(stats));
  RouteMeta take_meta = route_meta(
      "admin.queue.take", kQueueTag,
      "Take a waiting item ({supportRequestId} or {supportInquiryId}) or the next one the "
      "caller is eligible for ({})",
      Access::kStaff,
      {{404, error_code::kSupportRequestNotFound},
       {404, error_code::kSupportInquiryNotFound},
       {409, error_code::kQueueItemTaken},
       {409, error_code::kQueueEmpty},
       {409, error_code::kAgentAtCapacity},
       {409, error_code::kAgentNotEligible}});
  take_meta.response = schema_of(take_shape());
  take_meta.success_status = 200;
  take_meta.any_permission = {Permission::kSupportRequestsUpdate,
                              Permission::kSupportInquiriesUpdate};
  add_route(router, Method::kPost, "/api/admin/queue/take", std::move(take_meta), take_contract(),
            [&api](RequestContext& ctx, TakeBody body) { return take(api, ctx, std::move(body)); });
}

}  // namespace docket::http
