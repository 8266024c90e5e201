#include "http/support_ticket_routes.h"

#include <cmath>
#include <map>
#include <utility>

#include "core/auth/guest_token.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "core/utf8.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/rate_limit.h"
#include "http/route_kit.h"
#include "projections/reader_pool.h"
#include "projections/stats_query.h"
#include "projections/support_inquiry_query.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Support Tickets (seed 001)";
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kMaxSubjectChars = 120;
constexpr std::size_t kTrackingCandidates = 8;
constexpr std::string_view kCreatedMessage = "Support ticket created successfully";

// Seed 001's subjects, which are Docket's categories, and its priority rule.
constexpr std::string_view kSubjects[] = {"technical", "billing", "feature", "account", "general"};

std::string seed_priority(std::string_view subject) {
  if (subject == "technical") return "high";
  if (subject == "billing" || subject == "account") return "medium";
  return "low";
}

// ---- the request ------------------------------------------------------------------------

// Seed 001's CreateSupportTicketRequest, field for field.
struct TicketBody {
  std::string name;
  std::string email;
  std::string subject;
  std::string message;
  std::optional<std::string> userId;  // never trusted: the JWT decides
  std::optional<std::string> timestamp;
  std::optional<std::string> userAgent;
  std::optional<std::string> url;
};

std::shared_ptr<const BodyContract<TicketBody>> ticket_contract() {
  auto c = std::make_shared<BodyContract<TicketBody>>();
  c->field(Text("name").length(1, 100).describe("The contact name"), &TicketBody::name)
      .field(Email("email").describe("Contact data only: nothing is linked or looked up by it"),
             &TicketBody::email)
      .field(OneOf("subject", kSubjects)
                 .describe("Seed 001's subject, which is the category; it sets the priority "
                           "(technical: high; billing, account: medium; feature, general: low)"),
             &TicketBody::subject)
      .field(Text("message").length(1, kMaxMessageChars).with_line_breaks(), &TicketBody::message)
      .field(Text("userId").length(1, 100).describe(
                 "Ignored: a customer is who the bearer token proves, never what the body says"),
             &TicketBody::userId)
      .field(Date("timestamp").describe("The client's time of submission (kept as metadata)"),
             &TicketBody::timestamp)
      .field(Text("userAgent").length(1, 500).describe("Kept as metadata for staff"),
             &TicketBody::userAgent)
      .field(Text("url").length(1, 2000).describe("The page the form was on (metadata)"),
             &TicketBody::url);
  return c;
}

// The item's subject: the message's first line, cut to a line's length.
std::string subject_of(const TicketBody& body) {
  std::string_view first = body.message;
  first = first.substr(0, first.find_first_of("\r\n"));
  return std::string(utf8_prefix(first, kMaxSubjectChars));
}

// What the form sent beyond the item's own fields, for staff.
RawJson form_metadata(const TicketBody& body) {
  JsonWriter w;
  w.begin_object().key("form").begin_object();
  w.field("name", body.name).field("email", body.email);
  if (body.timestamp) w.field("timestamp", *body.timestamp);
  if (body.userAgent) w.field("userAgent", *body.userAgent);
  if (body.url) w.field("url", *body.url);
  w.end_object().end_object();
  return RawJson{w.take()};
}

// ---- the answer -------------------------------------------------------------------------

// Seed 001's fields in seed 001's order; guests also get their conversation's tracking
// code and token.
struct FormTicket {
  std::string id;  // the item's stream name: unique, and says which kind it is
  std::string ticketNumber;
  std::string name;
  std::string email;
  std::string subject;
  std::string message;
  std::string status = "open";
  std::string priority;
  std::string submittedAt;
  std::optional<std::string> userId;
  std::optional<std::string> trackingCode;
  std::optional<std::string> inquiryAccessToken;
};

const Shape<FormTicket>& form_ticket_shape() {
  static const Shape<FormTicket> shape = [] {
    using T = FormTicket;
    Shape<T> s;
    s.field("id", &T::id,
            {.description = "Seed 001's id: the item's stream name, support_request-<id> or "
                            "support_inquiry-<id>"})
        .field("ticketNumber", &T::ticketNumber, {.pattern = "^SUP-[0-9]{4}-[0-9]{6,}$"})
        .field("name", &T::name)
        .field("email", &T::email)
        .field("subject", &T::subject,
               {.values = {"technical", "billing", "feature", "account", "general"}})
        .field("message", &T::message)
        .field("status", &T::status)
        .field("priority", &T::priority, {.values = {"low", "medium", "high", "urgent"}})
        .field("submittedAt", &T::submittedAt, {.format = "date-time"})
        .field(
            "userId", &T::userId,
            {.description = "The signed-in customer's id; absent for a guest", .omit_empty = true})
        .field("trackingCode", &T::trackingCode,
               {.description = "Guests: the inquiry's tracking code", .omit_empty = true})
        .field("inquiryAccessToken", &T::inquiryAccessToken,
               {.pattern = "^si_[A-Za-z0-9_-]{43}$",
                .description = "Guests only, shown once: the bearer token of the conversation",
                .omit_empty = true});
    return s;
  }();
  return shape;
}

// Seed 001's envelope: {success, data, message, timestamp}.
std::string created_content() {
  JsonWriter w;
  w.begin_object().key("application/json").begin_object().key("schema").begin_object();
  w.field("type", "object");
  w.key("required").begin_array().value("success").value("data").value("message");
  w.value("timestamp").end_array();
  w.key("properties").begin_object();
  w.key("success").begin_object().field("type", "boolean").end_object();
  w.key("data");
  form_ticket_shape().write_schema(w);
  w.key("message").begin_object().field("type", "string").end_object();
  w.key("timestamp").begin_object().field("type", "string").field("format", "date-time");
  w.end_object().end_object().end_object().end_object().end_object();
  return w.take();
}

Response created(const FormTicket& ticket, UnixMillis now) {
  JsonWriter w;
  w.begin_object().field("success", true).key("data");
  form_ticket_shape().write(w, ticket);
  w.field("message", kCreatedMessage).field("timestamp", format_iso8601(now)).end_object();
  return Response::raw(201, "application/json", w.take());
}

Reply create_ticket(ApiContext& api, const InquiryOptions& options, RequestContext& ctx,
                    TicketBody body) {
  const auth::Identity& who = ctx.identity;
  if (who.is_staff()) throw ApiError::forbidden("Staff do not file tickets through the form");
  FormTicket out;
  out.priority = seed_priority(body.subject);
  // A category configured with its own priority keeps it (DOCKET_SUPPORT_CATEGORIES).
  for (const domain::CategoryPriority& c : api.categories) {
    if (c.category == body.subject) out.priority = c.priority;
  }
  if (who.is_customer()) {
    domain::CreateSupportRequest command;
    command.customerId = who.accountId;
    command.subject = subject_of(body);
    command.category = body.subject;
    command.priority = out.priority;
    command.message = body.message;
    command.metadata = form_metadata(body);
    command.source = "form";
    const auto executed = co_await commit(api, ctx, command);
    const std::int64_t id = executed.id(domain::kSupportRequestSequence);
    out.id = domain::support_request_stream(id);
    out.ticketNumber = domain::ticket_number(id, executed.appended.occurredAt);
    out.submittedAt = format_iso8601(executed.appended.occurredAt);
    out.userId = std::to_string(who.accountId);
  } else {  // anyone else files a guest conversation: a new inquiry and its token
    domain::CreateSupportInquiry command;
    command.subject = subject_of(body);
    command.category = body.subject;
    command.priority = out.priority;
    command.message = body.message;
    command.guestName = body.name;
    command.guestEmail = body.email;
    command.greeting = options.greeting;
    command.formTicket = true;
    for (std::size_t n = 0; n < kTrackingCandidates; ++n)
      command.trackingCandidates.push_back(domain::generate_tracking_code());
    command.attachmentPoster = domain::Uploader{"anonymous", std::nullopt};
    out.inquiryAccessToken = auth::generate_guest_token();
    command.tokenHash = auth::guest_token_hash(*out.inquiryAccessToken);
    command.tokenExpiresAt = api.clock.now_ms() + options.token_ttl_ms;
    const auto executed = co_await commit(api, ctx, command);
    const std::int64_t id = executed.id(domain::kSupportInquirySequence);
    auto lease = read_lease(api);
    auto row = projections::SupportInquiryQuery(lease.db()).find(id);
    if (!row.ok()) throw unexpected(row.status(), "reading the created form ticket");
    out.id = domain::support_inquiry_stream(id);
    out.ticketNumber = row->ticketNumber.value_or("");
    out.trackingCode = row->trackingCode;
    out.submittedAt = format_iso8601(executed.appended.occurredAt);
  }
  out.name = std::move(body.name);
  out.email = std::move(body.email);
  out.subject = std::move(body.subject);
  out.message = std::move(body.message);
  co_return created(out, api.clock.now_ms());
}

// ---- statistics -------------------------------------------------------------------------

using Counts = std::vector<std::pair<std::string, std::uint64_t>>;

struct SeedStats {
  CreatedRange range;
  projections::SupportStats requests;
  projections::InquiryStats inquiries;
};

// The counts of both kinds under one name each, in first-seen order.
Counts merged(const Counts& a, const Counts& b, bool drop_empty_names) {
  Counts out;
  std::map<std::string, std::size_t, std::less<>> at;
  for (const Counts* counts : {&a, &b}) {
    for (const auto& [name, n] : *counts) {
      if (drop_empty_names && name.empty()) continue;
      auto [it, fresh] = at.try_emplace(name, out.size());
      if (fresh) out.emplace_back(name, 0);
      out[it->second].second += n;
    }
  }
  return out;
}

// The mean first response over both kinds, weighted by how many were answered.
std::optional<double> mean_response(const SeedStats& s) {
  const double n = static_cast<double>(s.requests.responded + s.inquiries.responded);
  if (n == 0) return std::nullopt;
  const double total =
      s.requests.firstResponseAvgSeconds.value_or(0) * static_cast<double>(s.requests.responded) +
      s.inquiries.firstResponseAvgSeconds.value_or(0) * static_cast<double>(s.inquiries.responded);
  return std::round(total / n * 10.0) / 10.0;
}

const Shape<SeedStats>& seed_stats_shape() {
  static const Shape<SeedStats> shape = [] {
    constexpr std::string_view kCounts =
        R"({"type":"object","additionalProperties":{"type":"integer","minimum":0}})";
    constexpr std::string_view kNumber = R"({"type":["number","null"]})";
    constexpr std::string_view kDate = R"({"type":["string","null"]})";
    Shape<SeedStats> s;
    s.computed(
         "from", std::string(kDate),
         [](JsonWriter& w, const SeedStats& v) { shape_detail::write_value(w, v.range.from); })
        .computed(
            "to", std::string(kDate),
            [](JsonWriter& w, const SeedStats& v) { shape_detail::write_value(w, v.range.to); })
        .computed("totalTickets", R"({"type":"integer","description":"Requests and inquiries"})",
                  [](JsonWriter& w, const SeedStats& v) {
                    w.value(v.requests.total + v.inquiries.total);
                  })
        .computed("byStatus", std::string(kCounts),
                  [](JsonWriter& w, const SeedStats& v) {
                    write_counts(w, merged(v.requests.byStatus, v.inquiries.byStatus, false));
                  })
        .computed("priorityDistribution", std::string(kCounts),
                  [](JsonWriter& w, const SeedStats& v) {
                    write_counts(w, merged(v.requests.byPriority, v.inquiries.byPriority, false));
                  })
        .computed("subjectBreakdown", std::string(kCounts),
                  [](JsonWriter& w, const SeedStats& v) {
                    write_counts(w, merged(v.requests.byCategory, v.inquiries.byCategory, true));
                  })
        .computed("averageResponseTimeSeconds", std::string(kNumber),
                  [](JsonWriter& w, const SeedStats& v) {
                    shape_detail::write_value(w, mean_response(v));
                  })
        .computed("averageResponseTimeHours", std::string(kNumber),
                  [](JsonWriter& w, const SeedStats& v) {
                    const auto seconds = mean_response(v);
                    shape_detail::write_value(
                        w, seconds ? std::optional<double>(std::round(*seconds / 36.0) / 100.0)
                                   : std::nullopt);
                  })
        .computed("averageResolutionTimeSeconds", std::string(kNumber),
                  [](JsonWriter& w, const SeedStats& v) {
                    shape_detail::write_value(w, v.requests.resolutionAvgSeconds);
                  })
        .computed("resolvedPerDay",
                  R"({"type":"array","description":"Support requests resolved per UTC day",)"
                  R"("items":{"type":"object","required":["date","count"],"properties":{)"
                  R"("date":{"type":"string","format":"date"},"count":{"type":"integer"}}}})",
                  [](JsonWriter& w, const SeedStats& v) {
                    w.begin_array();
                    for (const auto& [day, n] : v.requests.resolvedPerDay)
                      w.begin_object().field("date", day).field("count", n).end_object();
                    w.end_array();
                  })
        .computed("supportRequests", std::string(kCounts),
                  [](JsonWriter& w, const SeedStats& v) { write_counts(w, v.requests.byStatus); })
        .computed("supportInquiries", std::string(kCounts),
                  [](JsonWriter& w, const SeedStats& v) { write_counts(w, v.inquiries.byStatus); });
    return s;
  }();
  return shape;
}

Response seed_stats(ApiContext& api, CreatedRange range) {
  auto lease = read_lease(api);
  projections::StatsQuery query(lease.db());
  auto requests = query.compute(range.from, range.to);
  if (!requests.ok()) throw unexpected(requests.status(), "computing request statistics");
  auto inquiries = query.inquiries(range.from, range.to);
  if (!inquiries.ok()) throw unexpected(inquiries.status(), "computing inquiry statistics");
  const SeedStats stats{std::move(range), std::move(requests).value(),
                        std::move(inquiries).value()};
  return answer(seed_stats_shape(), stats);
}

}  // namespace

void add_support_ticket_routes(Router& router, ApiContext& api, InquiryOptions inquiries) {
  auto options = std::make_shared<const InquiryOptions>(std::move(inquiries));

  RouteMeta create = route_meta(
      "support.ticket.create", kTag,
      "Seed 001's ticket form: a signed-in customer files a support request, anyone else a "
      "form ticket (a guest inquiry with a SUP number and its access token)",
      Access::kOptional);
  create.rate_group = std::string(rate_group::kPublicTicket);
  create.raw_response_content = created_content();
  create.success_status = 201;
  create.rerun_on_replay = false;  // a form ticket's answer holds the new token
  add_route(router, Method::kPost, "/api/support/ticket", std::move(create), ticket_contract(),
            [&api, options](RequestContext& ctx, TicketBody body) {
              return create_ticket(api, *options, ctx, std::move(body));
            });

  RouteMeta stats = staff_route_meta(
      "support.stats", kTag,
      "Seed 001's statistics over support requests and inquiries created in [from, to)",
      auth::Permission::kAnalyticsRead);
  stats.rate_group = std::string(rate_group::kSupportStats);
  stats.response = schema_of(seed_stats_shape());
  add_route(
      router, Method::kGet, "/api/support/stats", std::move(stats), created_range_contract(),
      [&api](RequestContext&, CreatedRange range) { return seed_stats(api, std::move(range)); });
}

}  // namespace docket::http
