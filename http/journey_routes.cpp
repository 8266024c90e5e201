#include "http/journey_routes.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "core/auth/guest_token.h"
#include "core/json_view.h"
#include "core/json_writer.h"
#include "core/utf8.h"
#include "domain/journey.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/rate_limit.h"
#include "http/route_kit.h"
#include "projections/journey_query.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"

namespace docket::http {
namespace {

using domain::JourneyProblem;
using domain::Refusal;
using projections::JourneyRow;
using projections::JourneyVersionRow;

constexpr std::string_view kAdminTag = "Journeys (Admin)";
constexpr std::string_view kPublicTag = "Journeys";
constexpr std::size_t kMaxSubjectChars = 200;
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kTrackingCandidates = 8;
constexpr std::size_t kGraphCacheEntries = 256;

const RouteError kNotFoundError{404, error_code::kJourneyNotFound};
const RouteError kVersionError{404, error_code::kJourneyVersionNotFound};
const RouteError kInvalidError{400, error_code::kJourneyInvalid};
const RouteError kArchivedError{409, error_code::kJourneyArchived};
const RouteError kAnswersError{400, error_code::kJourneyAnswersInvalid};

// ---- problems ---------------------------------------------------------------------------

std::string problems_json(const std::vector<JourneyProblem>& problems, std::string_view prefix) {
  JsonWriter w;
  w.begin_array();
  for (const JourneyProblem& p : problems) {
    w.begin_object()
        .field("field",
               p.nodeId.empty() ? std::string(prefix) : std::string(prefix) + ".nodes." + p.nodeId)
        .field("nodeId", p.nodeId)
        .field("rule", p.rule)
        .field("message", p.message)
        .end_object();
  }
  w.end_array();
  return w.take();
}

ApiError journey_invalid(const std::vector<JourneyProblem>& problems) {
  return ApiError(400, error_code::kJourneyInvalid,
                  fmt::format("The journey definition has {} problem{}", problems.size(),
                              problems.size() == 1 ? "" : "s"),
                  problems_json(problems, "definition"));
}

ApiError answers_invalid(const std::vector<JourneyProblem>& problems) {
  JsonWriter w;
  w.begin_array();
  for (const JourneyProblem& p : problems) {
    w.begin_object()
        .field("field", p.nodeId.empty() ? std::string("answers") : "answers." + p.nodeId)
        .field("nodeId", p.nodeId)
        .field("rule", p.rule)
        .field("message", p.message)
        .end_object();
  }
  w.end_array();
  return ApiError(
      400, error_code::kJourneyAnswersInvalid,
      problems.size() == 1 ? problems.front().message : "The answers do not fit the journey",
      w.take());
}

domain::JourneyRules rules_of(const ApiContext& api) {
  domain::JourneyRules rules;
  for (const auto& c : api.categories)
    rules.requestCategories.push_back(c.category);
  return rules;
}

std::vector<JourneyProblem> problems_of(std::string_view definition, std::string_view channel,
                                        const domain::JourneyRules& rules) {
  JsonDocument document;
  auto root = document.parse(definition);
  if (!root.ok()) return {{"", "definition_invalid", "the definition is not JSON"}};
  return domain::journey_problems(*root, channel, rules);
}

// ---- parsed versions, cached (a published version never changes) -----------------------

struct ParsedVersion {
  domain::JourneyGraph graph;
  std::map<std::string, std::string, std::less<>> nodeJson;  // id → the node as stored
};

class GraphCache {
 public:
  std::shared_ptr<const ParsedVersion> get(std::int64_t id, std::int64_t version,
                                           std::string_view definition) {
    const std::pair key{id, version};
    {
      std::lock_guard lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    auto parsed = std::make_shared<ParsedVersion>();
    JsonDocument document;
    auto root = document.parse(definition);
    if (root.ok()) {
      parsed->graph = domain::parse_journey(*root).graph;
      if (auto nodes = root->member("nodes")) {
        for (auto [key_id, node] : nodes->members())
          parsed->nodeJson.emplace(std::string(key_id), node.minified());
        for (JsonView node : nodes->elements()) {
          if (auto nid = node.member("id"); nid && nid->string()) {
            parsed->nodeJson.emplace(std::string(*nid->string()), node.minified());
          }
        }
      }
    }
    std::lock_guard lock(mu_);
    if (cache_.size() >= kGraphCacheEntries) cache_.clear();
    cache_.emplace(key, parsed);
    return parsed;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::shared_ptr<const ParsedVersion>> cache_;
};

// ---- shapes -----------------------------------------------------------------------------

const std::vector<std::string_view> kChannels = {std::begin(domain::kJourneyChannels),
                                                 std::end(domain::kJourneyChannels)};

const Shape<JourneyRow>& journey_shape() {
  static const Shape<JourneyRow> shape = [] {
    using R = JourneyRow;
    Shape<R> s;
    s.field("id", &R::id)
        .field("name", &R::name)
        .field("description", &R::description)
        .field("channel", &R::channel,
               {.values = kChannels,
                .description = "portal: signed-in customers; widget: guests; any: both"})
        .field("category", &R::category)
        .field("archived", &R::archived)
        .field("currentVersion", &R::currentVersion,
               {.description = "The version customers walk (the last published); null before "
                               "the first is published"})
        .field("versionCount", &R::versionCount)
        .field("createdAt", &R::createdAt, {.format = "date-time"})
        .field("updatedAt", &R::updatedAt, {.format = "date-time"});
    return s;
  }();
  return shape;
}

const Shape<JourneyProblem>& problem_shape() {
  static const Shape<JourneyProblem> shape = [] {
    Shape<JourneyProblem> s;
    s.field("nodeId", &JourneyProblem::nodeId, {.description = "\"\": the whole definition"})
        .field("rule", &JourneyProblem::rule)
        .field("message", &JourneyProblem::message);
    return s;
  }();
  return shape;
}

struct VersionView {
  JourneyVersionRow row;
  RawJson definition;  // "null" in lists
  std::vector<JourneyProblem> problems;
};

const Shape<VersionView>& version_shape() {
  static const Shape<VersionView> shape = [] {
    Shape<VersionView> s;
    s.computed("version", R"({"type":"integer"})",
               [](JsonWriter& w, const VersionView& v) { w.value(v.row.version); })
        .computed("valid", R"({"type":"boolean"})",
                  [](JsonWriter& w, const VersionView& v) { w.value(v.row.valid); })
        .computed("published", R"({"type":"boolean","description":"Published at least once"})",
                  [](JsonWriter& w, const VersionView& v) { w.value(v.row.published); })
        .computed("createdAt", R"({"type":"string","format":"date-time"})",
                  [](JsonWriter& w, const VersionView& v) { w.value(v.row.createdAt); })
        .computed("publishedAt", R"({"type":["string","null"],"format":"date-time"})",
                  [](JsonWriter& w, const VersionView& v) {
                    if (v.row.publishedAt) {
                      w.value(*v.row.publishedAt);
                    } else {
                      w.null();
                    }
                  })
        .field("definition", &VersionView::definition,
               {.schema = R"({"type":["object","null"],"description":"{startNode, nodes}"})"})
        .array("problems", &VersionView::problems, problem_shape());
    return s;
  }();
  return shape;
}

struct JourneyDetail {
  JourneyRow journey;
  std::vector<VersionView> versions;
};

const Shape<JourneyDetail>& journey_detail_shape() {
  static const Shape<JourneyDetail> shape = [] {
    Shape<JourneyDetail> s;
    s.include(&JourneyDetail::journey, journey_shape())
        .array("versions", &JourneyDetail::versions, version_shape());
    return s;
  }();
  return shape;
}

struct ValidationAnswer {
  bool valid = false;
  std::vector<JourneyProblem> problems;
};

const Shape<ValidationAnswer>& validation_shape() {
  static const Shape<ValidationAnswer> shape = [] {
    Shape<ValidationAnswer> s;
    s.field("valid", &ValidationAnswer::valid)
        .array("problems", &ValidationAnswer::problems, problem_shape());
    return s;
  }();
  return shape;
}

// What customers get of a journey: its current graph.
struct PublicJourney {
  JourneyRow row;
  RawJson definition;
};

const Shape<PublicJourney>& public_shape() {
  static const Shape<PublicJourney> shape = [] {
    Shape<PublicJourney> s;
    s.computed("id", R"({"type":"integer"})",
               [](JsonWriter& w, const PublicJourney& j) { w.value(j.row.id); })
        .computed("name", R"({"type":"string"})",
                  [](JsonWriter& w, const PublicJourney& j) { w.value(j.row.name); })
        .computed("description", R"({"type":["string","null"]})",
                  [](JsonWriter& w, const PublicJourney& j) {
                    if (j.row.description) {
                      w.value(*j.row.description);
                    } else {
                      w.null();
                    }
                  })
        .computed("category", R"({"type":["string","null"]})",
                  [](JsonWriter& w, const PublicJourney& j) {
                    if (j.row.category) {
                      w.value(*j.row.category);
                    } else {
                      w.null();
                    }
                  })
        .computed("version", R"({"type":"integer","description":"Send it back with the answers"})",
                  [](JsonWriter& w, const PublicJourney& j) { w.value(*j.row.currentVersion); })
        .field("definition", &PublicJourney::definition,
               {.schema = R"({"type":["object","null"],"description":"{startNode, nodes} )"
                          R"((docs/journeys.md); null in lists"})"});
    return s;
  }();
  return shape;
}

struct EndView {
  std::string create;
  std::string category;
  std::optional<std::string> priority;
  std::string subject;
};

struct Evaluation {
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  bool complete = false;
  RawJson next;  // the node to ask, as the definition has it
  // Its id: in the object form of `nodes` the node itself carries none.
  std::optional<std::string> nextNodeId;
  std::optional<EndView> end;
  std::vector<std::string> path;
};

const Shape<EndView>& end_shape() {
  static const Shape<EndView> shape = [] {
    Shape<EndView> s;
    s.field("create", &EndView::create, {.values = {"support_request", "support_inquiry"}})
        .field("category", &EndView::category)
        .field("priority", &EndView::priority)
        .field("subject", &EndView::subject,
               {.description = "The subject the submitted item will have"});
    return s;
  }();
  return shape;
}

const Shape<Evaluation>& evaluation_shape() {
  static const Shape<Evaluation> shape = [] {
    Shape<Evaluation> s;
    s.field("journeyId", &Evaluation::journeyId)
        .field("version", &Evaluation::version)
        .field("complete", &Evaluation::complete,
               {.description = "The answers reach an end node: submit them"})
        .field("next", &Evaluation::next,
               {.schema = R"({"type":["object","null"],"description":"The next question, as )"
                          R"(the definition has it; null when complete"})"})
        .field("nextNodeId", &Evaluation::nextNodeId,
               {.description = "The id of `next`: the key its answer goes under; null when "
                               "complete"})
        .object("end", &Evaluation::end, end_shape())
        .field("path", &Evaluation::path,
               {.description = "The node ids walked, start first (conditions included)"});
    return s;
  }();
  return shape;
}

struct Submitted {
  std::string kind;
  std::int64_t id = 0;
  std::optional<std::string> ticketNumber;
  std::optional<std::string> trackingCode;
  std::optional<std::string> inquiryAccessToken;
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
};

const Shape<Submitted>& submitted_shape() {
  static const Shape<Submitted> shape = [] {
    Shape<Submitted> s;
    s.field("kind", &Submitted::kind, {.values = {"support_request", "support_inquiry"}})
        .field("id", &Submitted::id)
        .field("ticketNumber", &Submitted::ticketNumber,
               {.description = "Support requests", .omit_empty = true})
        .field("trackingCode", &Submitted::trackingCode,
               {.description = "Support inquiries", .omit_empty = true})
        .field("inquiryAccessToken", &Submitted::inquiryAccessToken,
               {.pattern = "^si_[A-Za-z0-9_-]{43}$",
                .description = "Guests only, shown once (as when opening an inquiry)",
                .omit_empty = true})
        .field("journeyId", &Submitted::journeyId)
        .field("version", &Submitted::version);
    return s;
  }();
  return shape;
}

// ---- bodies -----------------------------------------------------------------------------

struct CreateBody {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> channel;
  std::optional<std::string> category;
};

std::shared_ptr<const BodyContract<CreateBody>> create_contract() {
  auto c = std::make_shared<BodyContract<CreateBody>>();
  c->field(Text("name").length(1, 200), &CreateBody::name)
      .field(Text("description").length(0, 2000).with_line_breaks(), &CreateBody::description)
      .field(OneOf("channel", kChannels)
                 .describe("portal: signed-in customers; widget: guests; any (default): both"),
             &CreateBody::channel)
      .field(Text("category")
                 .length(1, 40)
                 .chars("a-z0-9_-")
                 .describe("A label clients choose journeys by (GET /api/journeys?category=)"),
             &CreateBody::category);
  c->example(R"({"name":"Order help","channel":"portal","category":"orders"})");
  return c;
}

struct UpdateBody {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> channel;
  std::optional<std::string> category;
};

std::shared_ptr<const BodyContract<UpdateBody>> update_contract() {
  auto c = std::make_shared<BodyContract<UpdateBody>>();
  c->field(Text("name").length(1, 200), &UpdateBody::name)
      .field(Text("description").length(0, 2000).with_line_breaks(), &UpdateBody::description)
      .field(OneOf("channel", kChannels), &UpdateBody::channel)
      .field(Text("category").length(1, 40).chars("a-z0-9_-"), &UpdateBody::category)
      .at_least(1);
  return c;
}

struct VersionBody {
  RawJson definition;
  std::optional<bool> publish;
};

FieldRule definition_rule() {
  return Object("definition")
      .bytes(domain::kMaxJourneyDefinitionBytes)
      .describe("{startNode, nodes}: the question graph (docs/journeys.md)");
}

constexpr std::string_view kExampleDefinition =
    R"({"startNode":"node-1","nodes":{"node-1":{"id":"node-1","type":"question",)"
    R"("questionType":"single_choice","question":"What do you need help with?",)"
    R"("options":[{"label":"Order Issue","value":"order_issue"}],)"
    R"("nextNodeMap":{"order_issue":"node-2"}},"node-2":{"id":"node-2","type":"end",)"
    R"("create":"support_request","category":"general","subject":"Help with: {{node-1}}"}}})";

std::shared_ptr<const BodyContract<VersionBody>> version_contract() {
  auto c = std::make_shared<BodyContract<VersionBody>>();
  c->field(definition_rule(), &VersionBody::definition)
      .field(Boolean("publish").describe(
                 "Publish it now (it must be valid: else 400 JOURNEY_INVALID and nothing is "
                 "saved); false or absent: save a draft, problems included"),
             &VersionBody::publish);
  c->example("{\"definition\":" + std::string(kExampleDefinition) + ",\"publish\":true}");
  return c;
}

struct ValidateBody {
  RawJson definition;
  std::optional<std::string> channel;
};

std::shared_ptr<const BodyContract<ValidateBody>> validate_contract() {
  auto c = std::make_shared<BodyContract<ValidateBody>>();
  c->field(definition_rule(), &ValidateBody::definition)
      .field(OneOf("channel", kChannels).describe("Check for this channel (default any)"),
             &ValidateBody::channel);
  c->example("{\"definition\":" + std::string(kExampleDefinition) + "}");
  return c;
}

struct AnswersBody {
  std::optional<std::int64_t> version;
  RawJson answers;
};

std::shared_ptr<const BodyContract<AnswersBody>> answers_contract() {
  auto c = std::make_shared<BodyContract<AnswersBody>>();
  c->field(
       Integer("version")
           .range(1, 1'000'000)
           .describe(
               "The version the client walks (GET /api/journeys/{id}); absent: the current one"),
       &AnswersBody::version)
      .field(Object("answers").bytes(64 * 1024).describe(
                 "{nodeId: answer}: a string, a list of strings (multiple choice), "
                 "an attachment id or a list of them (image upload); null, \"\" or [] "
                 "skips an optional question"),
             &AnswersBody::answers);
  c->example(R"({"version":1,"answers":{"node-1":"order_issue"}})");
  return c;
}

struct ListQuery {
  std::optional<std::string> category;
};

std::shared_ptr<const QueryContract<ListQuery>> list_contract() {
  auto q = std::make_shared<QueryContract<ListQuery>>();
  q->param(Text("category").length(1, 40), &ListQuery::category);
  return q;
}

// ---- reading ----------------------------------------------------------------------------

JourneyRow find_journey(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  auto row = projections::JourneyQuery(lease.db()).find(id);
  if (!row.ok()) throw unexpected(row.status(), "reading a journey");
  if (!*row) throw refusal_error(Refusal::kJourneyNotFound);
  return std::move(**row);
}

JourneyVersionRow find_version(ApiContext& api, std::int64_t id, std::int64_t version) {
  auto lease = read_lease(api);
  auto row = projections::JourneyQuery(lease.db()).version(id, version);
  if (!row.ok()) throw unexpected(row.status(), "reading a journey version");
  if (!*row) throw refusal_error(Refusal::kJourneyVersionNotFound);
  return std::move(**row);
}

JourneyDetail detail_of(ApiContext& api, std::int64_t id) {
  JourneyDetail detail{find_journey(api, id), {}};
  auto lease = read_lease(api);
  auto versions = projections::JourneyQuery(lease.db()).versions(id);
  if (!versions.ok()) throw unexpected(versions.status(), "reading journey versions");
  for (JourneyVersionRow& v : *versions)
    detail.versions.push_back({std::move(v), RawJson{}, {}});
  return detail;
}

VersionView version_view(ApiContext& api, const JourneyRow& journey, JourneyVersionRow row) {
  VersionView view{std::move(row), RawJson{}, {}};
  view.definition.text = view.row.definition;
  // Checked now: the channel and the configured categories may have changed since.
  view.problems = problems_of(view.row.definition, journey.channel, rules_of(api));
  view.row.valid = view.problems.empty();
  return view;
}

// The channel the caller walks journeys in.
std::string_view channel_of(const RequestContext& ctx) {
  return ctx.identity.is_customer() ? "portal" : "widget";
}

// A journey the caller may walk, at `version` (absent: the current one): published, not
// archived and serving the caller's channel; else 404.
std::pair<JourneyRow, JourneyVersionRow> walkable(ApiContext& api, const RequestContext& ctx,
                                                  std::int64_t id,
                                                  std::optional<std::int64_t> version) {
  JourneyRow journey = find_journey(api, id);
  if (journey.archived || !journey.currentVersion ||
      (!ctx.identity.is_staff() && !domain::journey_serves(journey.channel, channel_of(ctx)))) {
    throw refusal_error(Refusal::kJourneyNotFound);
  }
  JourneyVersionRow row = find_version(api, id, version.value_or(*journey.currentVersion));
  if (!row.published) throw refusal_error(Refusal::kJourneyVersionNotFound);
  return {std::move(journey), std::move(row)};
}

struct Walked {
  JourneyRow journey;
  std::int64_t version = 0;
  std::shared_ptr<const ParsedVersion> parsed;
  domain::JourneyWalk walk;
};

Walked walk(ApiContext& api, GraphCache& cache, const RequestContext& ctx, std::int64_t id,
            const AnswersBody& body) {
  auto [journey, row] = walkable(api, ctx, id, body.version);
  Walked w{std::move(journey), row.version, cache.get(id, row.version, row.definition), {}};
  JsonDocument document;
  auto answers = document.parse(body.answers.text);
  if (!answers.ok()) throw ApiError::validation("answers must be a JSON object");
  w.walk = domain::walk_journey(w.parsed->graph, *answers);
  if (!w.walk.problems.empty()) throw answers_invalid(w.walk.problems);
  return w;
}

// ---- handlers ---------------------------------------------------------------------------

Reply create_journey(ApiContext& api, RequestContext& ctx, CreateBody body) {
  domain::CreateJourney command;
  command.journey = {std::move(body.name), std::move(body.description),
                     body.channel.value_or("any"), std::move(body.category)};
  const auto executed = co_await commit(api, ctx, command);
  co_return answer(journey_detail_shape(), detail_of(api, executed.id(domain::kJourneySequence)),
                   201);
}

Reply update_journey(ApiContext& api, RequestContext& ctx, UpdateBody body) {
  domain::UpdateJourney command;
  command.journeyId = path_id(ctx);
  command.name = std::move(body.name);
  if (body.description) command.description = std::move(body.description);
  command.channel = std::move(body.channel);
  if (body.category) command.category = std::move(body.category);
  command.rules = rules_of(api);
  co_await commit(api, ctx, command);
  co_return answer(journey_detail_shape(), detail_of(api, command.journeyId));
}

Reply add_version(ApiContext& api, RequestContext& ctx, VersionBody body) {
  const std::int64_t id = path_id(ctx);
  const JourneyRow journey = find_journey(api, id);
  if (journey.archived) throw refusal_error(Refusal::kJourneyArchived);
  const bool publish = body.publish.value_or(false);
  auto problems = problems_of(body.definition.text, journey.channel, rules_of(api));
  if (publish && !problems.empty()) throw journey_invalid(problems);
  domain::AddJourneyVersion command{id, std::move(body.definition.text), publish, rules_of(api)};
  co_await commit(api, ctx, command);
  auto lease = read_lease(api);
  auto versions = projections::JourneyQuery(lease.db()).versions(id);
  if (!versions.ok() || versions->empty()) throw unexpected(versions.status(), "reading versions");
  JourneyVersionRow latest = find_version(api, id, versions->back().version);
  co_return answer(version_shape(), version_view(api, journey, std::move(latest)), 201);
}

Reply publish_version(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  const std::int64_t version = path_id(ctx, "version");
  const JourneyRow journey = find_journey(api, id);
  const JourneyVersionRow row = find_version(api, id, version);
  if (auto problems = problems_of(row.definition, journey.channel, rules_of(api));
      !problems.empty() && !journey.archived) {
    throw journey_invalid(problems);
  }
  // (A named command: GCC 12 mishandles a temporary with a destructor in co_await.)
  const domain::PublishJourneyVersion command{id, version, rules_of(api)};
  co_await commit(api, ctx, command);
  co_return answer(journey_detail_shape(), detail_of(api, id));
}

Reply archive_journey(ApiContext& api, RequestContext& ctx) {
  const domain::ArchiveJourney command{path_id(ctx)};
  co_await commit(api, ctx, command);
  co_return answer(journey_detail_shape(), detail_of(api, command.journeyId));
}

Response list_public(ApiContext& api, RequestContext& ctx, ListQuery query) {
  auto lease = read_lease(api);
  projections::JourneyListRequest request;
  request.activeOnly = true;
  if (!ctx.identity.is_staff()) request.channel = std::string(channel_of(ctx));
  request.category = std::move(query.category);
  auto rows = projections::JourneyQuery(lease.db()).list(request);
  if (!rows.ok()) throw unexpected(rows.status(), "listing journeys");
  std::vector<PublicJourney> items;
  for (JourneyRow& row : *rows)
    items.push_back({std::move(row), RawJson{}});
  return answer_page(public_shape(), items, 1,
                     static_cast<std::int64_t>(std::max<std::size_t>(1, items.size())),
                     items.size());
}

Response get_public(ApiContext& api, RequestContext& ctx) {
  auto [journey, row] = walkable(api, ctx, path_id(ctx), std::nullopt);
  PublicJourney view{std::move(journey), RawJson{std::move(row.definition)}};
  return answer(public_shape(), view);
}

std::string priority_of(const ApiContext& api, const domain::JourneyNode& end) {
  if (end.priority) return *end.priority;
  for (const auto& c : api.categories) {
    if (c.category == end.category) return c.priority;
  }
  return "medium";
}

Response evaluate(ApiContext& api, GraphCache& cache, RequestContext& ctx, AnswersBody body) {
  const std::int64_t id = path_id(ctx);
  Walked w = walk(api, cache, ctx, id, body);
  Evaluation e;
  e.journeyId = id;
  e.version = w.version;
  for (const domain::JourneyNode* n : w.walk.path)
    e.path.push_back(n->id);
  if (w.walk.next) {
    e.nextNodeId = w.walk.next->id;
    auto it = w.parsed->nodeJson.find(w.walk.next->id);
    if (it != w.parsed->nodeJson.end()) e.next.text = it->second;
  }
  if (const domain::JourneyNode* end = w.walk.end) {
    e.complete = true;
    e.end = EndView{end->create, end->category, priority_of(api, *end),
                    domain::journey_subject(w.walk, w.journey.name, kMaxSubjectChars)};
  }
  return answer(evaluation_shape(), e);
}

Reply submit(ApiContext& api, GraphCache& cache, const InquiryOptions& options, RequestContext& ctx,
             AnswersBody body) {
  const auth::Identity& who = ctx.identity;
  if (who.is_staff()) throw ApiError::forbidden("Staff do not submit journeys");
  const std::int64_t id = path_id(ctx);
  Walked w = walk(api, cache, ctx, id, body);
  const domain::JourneyNode* end = w.walk.end;
  if (!end) {
    throw answers_invalid({{w.walk.next->id, "answer_required",
                            "The journey is not finished: this question needs an answer"}});
  }
  const domain::JourneyRunRecord run{id, w.version, RawJson{domain::path_answers_json(w.walk)}};
  const std::string subject = domain::journey_subject(w.walk, w.journey.name, kMaxSubjectChars);
  std::string message = std::string(utf8_prefix(domain::journey_summary(w.walk), kMaxMessageChars));
  if (message.empty()) message = subject;
  // Image answers: the files go on the created item's first message.
  std::vector<std::string> files;
  for (const domain::JourneyStep& step : w.walk.answered) {
    if (step.node->questionType != domain::QuestionType::kImageUpload) continue;
    files.insert(files.end(), step.values.begin(), step.values.end());
  }
  Submitted out;
  out.kind = end->create;
  out.journeyId = id;
  out.version = w.version;
  if (end->create == "support_request") {
    if (!who.is_customer()) {
      throw ApiError::unauthorized("This journey ends in a support request: sign in as a customer");
    }
    domain::CreateSupportRequest command;
    command.customerId = who.accountId;
    command.subject = subject;
    command.category = end->category;
    command.priority = priority_of(api, *end);
    command.message = std::move(message);
    command.journey = run;
    command.attachmentIds = std::move(files);
    const auto executed = co_await commit(api, ctx, command);
    out.id = executed.id(domain::kSupportRequestSequence);
    out.ticketNumber = domain::ticket_number(out.id, executed.appended.occurredAt);
  } else {
    domain::CreateSupportInquiry command;
    command.subject = subject;
    command.category = end->category;
    command.priority = priority_of(api, *end);
    command.message = std::move(message);
    command.greeting = options.greeting;
    command.journey = run;
    for (std::size_t n = 0; n < kTrackingCandidates; ++n)
      command.trackingCandidates.push_back(domain::generate_tracking_code());
    command.attachmentIds = std::move(files);
    command.attachmentPoster = who.is_customer() ? domain::Uploader{"customer", who.accountId}
                               : who.is_guest()  ? domain::Uploader{"guest", who.inquiryId}
                                                 : domain::Uploader{"anonymous", std::nullopt};
    if (who.is_customer()) {
      command.customerId = who.accountId;
    } else {  // a guest (anonymous, or holding another inquiry's token): a new token
      out.inquiryAccessToken = auth::generate_guest_token();
      command.tokenHash = auth::guest_token_hash(*out.inquiryAccessToken);
      command.tokenExpiresAt = api.clock.now_ms() + options.token_ttl_ms;
    }
    const auto executed = co_await commit(api, ctx, command);
    out.id = executed.id(domain::kSupportInquirySequence);
    auto lease = read_lease(api);
    auto row = projections::SupportInquiryQuery(lease.db()).find(out.id);
    if (!row.ok()) throw unexpected(row.status(), "reading the created inquiry");
    out.trackingCode = row->trackingCode;
  }
  co_return answer(submitted_shape(), out, 201);
}

RouteMeta admin_meta(std::string name, std::string summary, std::vector<RouteError> errors) {
  return staff_route_meta(std::move(name), kAdminTag, std::move(summary),
                          auth::Permission::kOperationsManage, std::move(errors));
}

RouteMeta public_meta(std::string name, std::string summary, std::vector<RouteError> errors,
                      std::string_view rate_group = {}) {
  RouteMeta meta = route_meta(std::move(name), kPublicTag, std::move(summary), Access::kOptional,
                              std::move(errors));
  meta.rate_group = std::string(rate_group);
  return meta;
}

}  // namespace

void add_journey_routes(Router& router, ApiContext& api, InquiryOptions inquiries) {
  auto cache = std::make_shared<GraphCache>();
  auto options = std::make_shared<const InquiryOptions>(std::move(inquiries));
  const std::string admin = "/api/admin/journeys";
  const std::string admin_item = admin + "/{id}";

  RouteMeta list = admin_meta("admin.journeys.list", "Every journey, archived ones included", {});
  list.paginated = true;
  list.response = std::make_shared<ListShape<JourneyRow>>(journey_shape());
  router.get(
      admin,
      [&api](RequestContext&) {
        auto lease = read_lease(api);
        auto rows = projections::JourneyQuery(lease.db()).list({});
        if (!rows.ok()) throw unexpected(rows.status(), "listing journeys");
        return answer_page(journey_shape(), *rows, 1,
                           static_cast<std::int64_t>(std::max<std::size_t>(1, rows->size())),
                           rows->size());
      },
      std::move(list));
  RouteMeta create = admin_meta("admin.journeys.create", "Create a journey (no version yet)", {});
  create.response = schema_of(journey_detail_shape());
  add_route(router, Method::kPost, admin, std::move(create), create_contract(),
            [&api](RequestContext& ctx, CreateBody body) {
              return create_journey(api, ctx, std::move(body));
            });
  RouteMeta validate = admin_meta("admin.journeys.validate",
                                  "Check a definition without saving it (for editors)", {});
  validate.response = schema_of(validation_shape());
  validate.success_status = 200;
  add_route(router, Method::kPost, admin + "/validate", std::move(validate), validate_contract(),
            [&api](RequestContext&, ValidateBody body) {
              ValidationAnswer out;
              out.problems =
                  problems_of(body.definition.text, body.channel.value_or("any"), rules_of(api));
              out.valid = out.problems.empty();
              return answer(validation_shape(), out);
            });
  RouteMeta get =
      admin_meta("admin.journeys.get", "One journey with its versions", {kNotFoundError});
  get.response = schema_of(journey_detail_shape());
  router.get(
      admin_item,
      [&api](RequestContext& ctx) {
        return answer(journey_detail_shape(), detail_of(api, path_id(ctx)));
      },
      std::move(get));
  RouteMeta patch =
      admin_meta("admin.journeys.update", "Rename, describe, or change the channel or category",
                 {kNotFoundError, kArchivedError, kInvalidError});
  patch.response = schema_of(journey_detail_shape());
  add_route(router, Method::kPatch, admin_item, std::move(patch), update_contract(),
            [&api](RequestContext& ctx, UpdateBody body) {
              return update_journey(api, ctx, std::move(body));
            });
  RouteMeta add = admin_meta("admin.journeys.versions.create",
                             "Add a definition version: a draft, or published at once",
                             {kNotFoundError, kArchivedError, kInvalidError});
  add.response = schema_of(version_shape());
  add.success_status = 201;
  add_route(router, Method::kPost, admin_item + "/versions", std::move(add), version_contract(),
            [&api](RequestContext& ctx, VersionBody body) {
              return add_version(api, ctx, std::move(body));
            });
  RouteMeta version =
      admin_meta("admin.journeys.versions.get", "One version with its definition and problems",
                 {kNotFoundError, kVersionError});
  version.response = schema_of(version_shape());
  router.get(
      admin_item + "/versions/{version}",
      [&api](RequestContext& ctx) {
        const JourneyRow journey = find_journey(api, path_id(ctx));
        return answer(
            version_shape(),
            version_view(api, journey, find_version(api, journey.id, path_id(ctx, "version"))));
      },
      std::move(version));
  RouteMeta publish = admin_meta(
      "admin.journeys.versions.publish",
      "Make a valid version the current one (runs in flight keep "
      "theirs)",
      {kNotFoundError, kVersionError, kInvalidError, kArchivedError, {409, error_code::kConflict}});
  publish.response = schema_of(journey_detail_shape());
  publish.success_status = 200;
  add_route(router, Method::kPost, admin_item + "/versions/{version}/publish", std::move(publish),
            no_body(), [&api](RequestContext& ctx, NoBody) { return publish_version(api, ctx); });
  RouteMeta archive =
      admin_meta("admin.journeys.archive", "Archive: customers no longer see it (final)",
                 {kNotFoundError, kArchivedError});
  archive.response = schema_of(journey_detail_shape());
  archive.success_status = 200;
  add_route(router, Method::kPost, admin_item + "/archive", std::move(archive), no_body(),
            [&api](RequestContext& ctx, NoBody) { return archive_journey(api, ctx); });

  const std::string base = "/api/journeys";
  const std::string item = base + "/{id}";
  RouteMeta active = public_meta("journeys.list",
                                 "The active journeys for the caller (customers: portal and "
                                 "any; guests: widget and any)",
                                 {});
  active.paginated = true;
  active.response = std::make_shared<ListShape<PublicJourney>>(public_shape());
  add_route(
      router, Method::kGet, base, std::move(active), list_contract(),
      [&api](RequestContext& ctx, ListQuery q) { return list_public(api, ctx, std::move(q)); });
  RouteMeta one =
      public_meta("journeys.get", "A journey's current graph", {kNotFoundError, kVersionError});
  one.response = schema_of(public_shape());
  router.get(
      item, [&api](RequestContext& ctx) { return get_public(api, ctx); }, std::move(one));
  RouteMeta eval = public_meta("journeys.evaluate",
                               "Where the answers lead: the next question, or the end reached",
                               {kNotFoundError, kVersionError, kAnswersError});
  eval.response = schema_of(evaluation_shape());
  eval.success_status = 200;
  add_route(router, Method::kPost, item + "/evaluate", std::move(eval), answers_contract(),
            [&api, cache](RequestContext& ctx, AnswersBody body) {
              return evaluate(api, *cache, ctx, std::move(body));
            });
  RouteMeta submit_meta = public_meta(
      "journeys.submit",
      "Submit the answers: the server walks them and creates the end node's support request "
      "(customers) or inquiry (guests get its access token)",
      {kNotFoundError, kVersionError, kAnswersError, {409, error_code::kAttachmentInUse}},
      rate_group::kPublicCreate);
  submit_meta.response = schema_of(submitted_shape());
  submit_meta.success_status = 201;
  submit_meta.rerun_on_replay = false;  // a guest's answer holds the new token
  add_route(router, Method::kPost, item + "/submit", std::move(submit_meta), answers_contract(),
            [&api, cache, options](RequestContext& ctx, AnswersBody body) {
              return submit(api, *cache, *options, ctx, std::move(body));
            });
}

}  // namespace docket::http
