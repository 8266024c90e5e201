#include "http/support_inquiry_routes.h"

#include <memory>

#include <simdjson.h>

#include "core/auth/guest_token.h"
#include "core/auth/otp.h"
#include "core/log.h"
#include "core/time_format.h"
#include "domain/account.h"
#include "domain/support_inquiry.h"
#include "events/event_store.h"
#include "http/api_context.h"
#include "http/json_body.h"
#include "http/query.h"
#include "http/rate_limit.h"
#include "http/router.h"
#include "http/validation.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"
#include "projections/ticket_lookup.h"

namespace docket::http {
namespace {

constexpr std::string_view kPublicTag = "Support Inquiries";
constexpr std::string_view kAdminTag = "Support Inquiries (Admin)";
constexpr std::string_view kLookupTag = "Public";
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kTrackingCandidates = 8;

constexpr std::string_view kMessageSchema = R"({"type":"object","required":["id","senderType",
"senderId","message","createdAt","eventId"],"properties":{"id":{"type":"integer"},
"senderType":{"enum":["visitor","customer","admin","system"]},"senderId":{"type":["integer","null"]},
"message":{"type":"string"},"createdAt":{"type":"string","format":"date-time"},
"eventId":{"type":"integer"}}})";

constexpr std::string_view kInquirySchema = R"({"type":"object","required":["id","trackingCode",
"subject","category","status","customerId","assignedAdminId","supportRequestId","guestName",
"guestEmail","guestPhone","emailVerified","createdAt","updatedAt","closedAt"],"properties":{
"id":{"type":"integer"},"trackingCode":{"type":"string","pattern":"^INQ-[A-HJKMNP-Z2-9]{6}$"},
"subject":{"type":"string"},"category":{"type":["string","null"]},
"status":{"enum":["open","active","waiting","resolved","linked","closed","spam"]},
"customerId":{"type":["integer","null"]},"assignedAdminId":{"type":["integer","null"]},
"supportRequestId":{"type":["integer","null"]},"guestName":{"type":["string","null"]},
"guestEmail":{"type":["string","null"]},"guestPhone":{"type":["string","null"]},
"emailVerified":{"type":"boolean"},"messageCount":{"type":"integer"},
"createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"},
"closedAt":{"type":["string","null"],"format":"date-time"},
"inquiryAccessToken":{"type":"string","pattern":"^si_[A-Za-z0-9_-]{43}$",
"description":"Guests only, only in the answer to the create request"},
"messages":{"type":"array","items":{"type":"object"}}}})";

constexpr std::string_view kCreateSchema = R"({"type":"object","additionalProperties":false,
"required":["subject"],"properties":{"subject":{"type":"string","minLength":1,"maxLength":200},
"category":{"type":["string","null"],"pattern":"^[a-z0-9_-]{1,40}$"},
"message":{"type":["string","null"],"minLength":1,"maxLength":5000},
"guestName":{"type":["string","null"],"maxLength":100},
"guestEmail":{"type":["string","null"],"format":"email"},
"guestPhone":{"type":["string","null"],"pattern":"^[0-9+()./ -]{3,32}$"}}})";
constexpr std::string_view kPostMessageSchema = R"({"type":"object","additionalProperties":false,
"required":["message"],"properties":{"message":{"type":"string","minLength":1,"maxLength":5000}}})";
constexpr std::string_view kIdentifySchema = R"({"type":"object","additionalProperties":false,
"minProperties":1,"properties":{"name":{"type":"string","minLength":1,"maxLength":100},
"email":{"type":"string","format":"email"},"phone":{"type":"string","pattern":"^[0-9+()./ -]{3,32}$"}}})";
constexpr std::string_view kVerifyRequestSchema = R"({"type":"object","additionalProperties":false,
"properties":{"email":{"type":"string","format":"email",
"description":"Defaults to the identified e-mail"}}})";
constexpr std::string_view kVerifyConfirmSchema = R"({"type":"object","additionalProperties":false,
"required":["code"],"properties":{"code":{"type":"string","pattern":"^[0-9]{6}$"}}})";
constexpr std::string_view kVerificationSentSchema = R"({"type":"object","required":["status",
"expiresInSeconds"],"properties":{"status":{"const":"verification_sent"},
"expiresInSeconds":{"type":"integer"}}})";
constexpr std::string_view kStatusSchema = R"({"type":"object","additionalProperties":false,
"required":["status"],"properties":{"status":{"enum":["active","waiting","resolved","closed","spam"]}}})";
constexpr std::string_view kAssignSchema = R"({"type":"object","additionalProperties":false,
"required":["assignedAdminId"],"properties":{"assignedAdminId":{"type":["integer","null"]}}})";
constexpr std::string_view kLinkSchema = R"({"type":"object","additionalProperties":false,
"properties":{"supportRequestId":{"type":["integer","null"],
"description":"An existing request of the inquiry's customer; absent or null: create one"}}})";
constexpr std::string_view kTicketSchema = R"({"type":"object","required":["reference","kind",
"status","createdAt","updatedAt"],"properties":{"reference":{"type":"string"},
"kind":{"enum":["inquiry","support_request"]},"status":{"type":"string"},
"createdAt":{"type":"string"},"updatedAt":{"type":"string"},
"closedAt":{"type":["string","null"]},"resolvedAt":{"type":["string","null"]}}})";

constexpr std::string_view kSettableStatuses[] = {domain::kInquiryActive, domain::kInquiryWaiting,
                                                  domain::kInquiryResolved, domain::kInquiryClosed,
                                                  domain::kInquirySpam};
constexpr std::string_view kSortFields[] = {"createdAt", "updatedAt"};

// The domain errors each kind of route can answer with (for the OpenAPI document).
const RouteError kNotFoundError{404, error_code::kSupportInquiryNotFound};
const RouteError kDeniedError{403, error_code::kSupportInquiryAccessDenied};
const RouteError kTokenError{403, error_code::kSupportInquiryTokenInvalid};
const RouteError kClosedError{400, error_code::kSupportInquiryClosed};

std::vector<RouteError> public_errors(std::initializer_list<RouteError> more = {}) {
  std::vector<RouteError> errors{kNotFoundError, kDeniedError, kTokenError};
  errors.insert(errors.end(), more.begin(), more.end());
  return errors;
}

std::vector<RouteError> admin_errors(std::initializer_list<RouteError> more = {}) {
  std::vector<RouteError> errors{kNotFoundError};
  errors.insert(errors.end(), more.begin(), more.end());
  return errors;
}

ApiError not_found() {
  return ApiError(404, error_code::kSupportInquiryNotFound, "Support inquiry not found");
}
ApiError access_denied() {
  return ApiError(403, error_code::kSupportInquiryAccessDenied,
                  "Log in or use the access link of this inquiry");
}
ApiError closed() {
  return ApiError(400, error_code::kSupportInquiryClosed,
                  "The inquiry is closed and accepts no messages or changes");
}
ApiError verification_invalid() {
  return ApiError(400, error_code::kSupportInquiryEmailVerificationInvalid,
                  "The code is wrong or expired; request a new code");
}

void write_message(JsonWriter& w, const projections::SupportInquiryMessageRow& m) {
  w.begin_object().field("id", m.id).field("senderType", m.senderType);
  w.field("senderId", m.senderId).field("message", m.message);
  w.field("createdAt", m.createdAt).field("eventId", m.eventId).end_object();
}

// Writes the inquiry object and leaves it open, so callers can add fields; they close it.
void write_inquiry(JsonWriter& w, const projections::SupportInquiryRow& i, bool with_messages) {
  w.begin_object().field("id", i.id).field("trackingCode", i.trackingCode);
  w.field("subject", i.subject).field("category", i.category).field("status", i.status);
  w.field("customerId", i.customerId).field("assignedAdminId", i.assignedAdminId);
  w.field("supportRequestId", i.supportRequestId).field("guestName", i.guestName);
  w.field("guestEmail", i.guestEmail).field("guestPhone", i.guestPhone);
  w.field("emailVerified", i.emailVerified).field("messageCount", i.messageCount);
  w.field("createdAt", i.createdAt).field("updatedAt", i.updatedAt).field("closedAt", i.closedAt);
  if (with_messages) {
    w.key("messages").begin_array();
    for (const auto& m : i.messages)
      write_message(w, m);
    w.end_array();
  }
}

Response show(const projections::SupportInquiryRow& row, int status = 200) {
  return Response::ok(
      [&](JsonWriter& w) {
        write_inquiry(w, row, true);
        w.end_object();
      },
      status);
}

Result<projections::SupportInquiryRow> find(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  return projections::SupportInquiryQuery(lease.db()).find(id);
}

// The inquiry as the read model has it, for an answer after a command.
projections::SupportInquiryRow reread(ApiContext& api, std::int64_t id, std::string_view what) {
  auto row = find(api, id);
  if (!row.ok()) throw unexpected(row.status(), what);
  return std::move(row).value();
}

// Whether the caller of a public route may use inquiry `id`; throws the refusal.
// A guest token grants its own inquiry; a customer their own (also one linked to them
// by a verified e-mail); staff use the admin routes.
void check_access(ApiContext& api, const RequestContext& ctx, std::int64_t id) {
  const auth::Identity& who = ctx.identity;
  if (who.is_guest()) {
    if (who.inquiryId != id) throw access_denied();
    return;
  }
  if (!who.is_customer()) throw access_denied();
  auto lease = read_lease(api);
  auto owner = projections::SupportInquiryQuery(lease.db()).customer_of(id);
  if (!owner.ok()) {
    if (owner.status().IsNotFound()) throw not_found();
    throw unexpected(owner.status(), "reading a support inquiry");
  }
  if (*owner != who.accountId) throw access_denied();
}

std::int64_t path_id(const RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) throw *err;
  return id;
}

simdjson::dom::object json_body(const RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) throw *err;
  return body;
}

// Phone numbers as people type them: digits, spaces and + ( ) . / -, 3 to 32 characters.
std::optional<std::string> phone(BodyValidator& v, std::string_view field) {
  auto value =
      v.string(field, {.presence = Presence::kOptional, .min_length = 3, .max_length = 32});
  if (value && value->find_first_not_of("0123456789+()./- ") != std::string::npos) {
    v.fail(field, rule::kFormat, std::string(field) + " must be a phone number");
    return std::nullopt;
  }
  return value;
}

// Maps a refused inquiry command to the API's answer; storage failures are 500/503.
ApiError command_error(const Status& s, std::string_view what) {
  if (s.IsNotFound()) return not_found();
  if (s.IsFailedPrecondition()) {
    if (s.message() == domain::kCustomerRequiredMessage) {
      return ApiError(400, error_code::kSupportInquirySupportRequestRequired,
                      "Creating a support request needs a verified customer on the inquiry");
    }
    return closed();
  }
  if (s.IsInvalidArgument()) {
    if (s.message() == domain::kLinkInvalidMessage) {
      return ApiError(400, error_code::kSupportInquiryLinkInvalid,
                      "The support request does not exist or belongs to another customer, or "
                      "the inquiry has no customer or is already linked");
    }
    ValidationErrors errors;
    errors.add("assignedAdminId", rule::kEnum, s.message());
    return errors.to_api_error();
  }
  return unexpected(s, what);
}

template <typename Decide>
events::AppendResult run(ApiContext& api, std::string_view what, Decide&& decide) {
  auto appended = api.store.execute(std::forward<Decide>(decide));
  if (!appended.ok()) throw command_error(appended.status(), what);
  return *appended;
}

// ---- public / customer routes -------------------------------------------------------

Response create(ApiContext& api, const InquiryOptions& options, RequestContext& ctx) {
  const auth::Identity& who = ctx.identity;
  if (who.is_staff()) throw access_denied();
  auto body = json_body(ctx);
  BodyValidator v(body);
  domain::CreateSupportInquiry command;
  auto subject = v.string("subject", {.min_length = 1, .max_length = 200});
  command.category = v.string("category", {.presence = Presence::kOptional, .max_length = 40});
  if (command.category && (command.category->empty() ||
                           command.category->find_first_not_of(
                               "abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)) {
    v.fail("category", rule::kFormat, "category must be lower-case letters, digits, _ or -");
  }
  command.message = v.string("message", {.presence = Presence::kOptional,
                                         .min_length = 1,
                                         .max_length = kMaxMessageChars,
                                         .allow_line_breaks = true});
  command.guestName =
      v.string("guestName", {.presence = Presence::kOptional, .min_length = 1, .max_length = 100});
  command.guestEmail = v.email("guestEmail", Presence::kOptional);
  command.guestPhone = phone(v, "guestPhone");
  if (auto err = v.finish()) return *err;
  command.subject = *subject;
  command.greeting = options.greeting;
  for (std::size_t n = 0; n < kTrackingCandidates; ++n)
    command.trackingCandidates.push_back(domain::generate_tracking_code());

  std::string token;  // guests only; shown once, stored as its hash
  if (who.is_customer()) {
    command.customerId = who.accountId;
  } else {
    token = auth::generate_guest_token();
    command.tokenHash = auth::guest_token_hash(token);
    command.tokenExpiresAt = api.clock.now_ms() + options.token_ttl_ms;
  }
  const domain::CommandMeta meta = command_meta(ctx);
  std::int64_t id = 0;
  run(api, "creating a support inquiry",
      [&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto req = domain::decide_create_inquiry(view, command, meta);
        if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
        return req;
      });
  const auto row = reread(api, id, "reading a created support inquiry");
  return Response::created([&](JsonWriter& w) {
    write_inquiry(w, row, true);
    if (!token.empty()) w.field("inquiryAccessToken", token);
    w.end_object();
  });
}

// The customer's own inquiries, or (admin) every inquiry with the staff filters and search.
Response list(ApiContext& api, RequestContext& ctx, bool admin) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  const PageRequest page = q.page(20, projections::kMaxSupportInquiryPageSize);
  projections::SupportInquiryListRequest request;
  request.sortBy = q.sort_by(kSortFields, "createdAt");
  request.ascending = q.sort_order() == SortOrder::kAsc;
  request.status = q.enumeration("status", domain::kInquiryStatuses);
  request.category = q.string("category", 40);
  if (admin) {
    request.customerId = q.integer("customerId", 1, kMaxId);
    request.supportRequestId = q.integer("supportRequestId", 1, kMaxId);
    request.assignedAdminId = q.assignee("assignedAdminId", request.unassigned);
    request.search = q.string("search", 200);
  } else {
    request.customerId = ctx.identity.accountId;
  }
  if (auto err = q.finish()) return *err;
  request.page = static_cast<std::uint32_t>(page.page);
  request.pageSize = static_cast<std::uint32_t>(page.page_size);
  auto lease = read_lease(api);
  auto result = projections::SupportInquiryQuery(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), "listing support inquiries");
  return Response::list(
      [&](JsonWriter& w) {
        for (const auto& row : result->items) {
          write_inquiry(w, row, false);
          w.end_object();
        }
      },
      Pagination{page.page, page.page_size, static_cast<std::int64_t>(result->total)});
}

Response detail(ApiContext& api, RequestContext& ctx, bool admin, bool messages_only) {
  const std::int64_t id = path_id(ctx);
  if (!admin) check_access(api, ctx, id);
  auto row = find(api, id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) return not_found();
    throw unexpected(row.status(), "reading a support inquiry");
  }
  if (messages_only) {
    return Response::ok([&](JsonWriter& w) {
      w.begin_array();
      for (const auto& m : row->messages)
        write_message(w, m);
      w.end_array();
    });
  }
  return show(*row);
}

// A message from the visitor, the customer or staff; answers with the message.
Response post_message(ApiContext& api, RequestContext& ctx, bool admin) {
  const std::int64_t id = path_id(ctx);
  if (!admin) check_access(api, ctx, id);
  auto body = json_body(ctx);
  BodyValidator v(body);
  auto text = v.string(
      "message", {.min_length = 1, .max_length = kMaxMessageChars, .allow_line_breaks = true});
  if (auto err = v.finish()) return *err;
  const auth::Identity& who = ctx.identity;
  domain::PostInquiryMessage command;
  command.inquiryId = id;
  command.message = *text;
  if (admin) {
    command.senderType = "admin";
    command.senderId = who.accountId;
  } else if (who.is_customer()) {
    command.senderType = "customer";
    command.senderId = who.accountId;
  } else {
    command.senderType = "visitor";
  }
  const domain::CommandMeta meta = command_meta(ctx);
  projections::SupportInquiryMessageRow message;
  const auto appended = run(api, "posting an inquiry message",
                            [&](const events::StagedView& view) -> Result<events::AppendRequest> {
                              auto req = domain::decide_post_inquiry_message(view, command, meta);
                              if (req.ok()) {
                                message.id = static_cast<std::int64_t>(req->ids.front().id);
                                message.createdAt = format_iso8601(view.now_ms());
                              }
                              return req;
                            });
  // The message is the append's first event (a status change may follow it).
  message.senderType = command.senderType;
  message.senderId = command.senderId;
  message.message = command.message;
  message.eventId = appended.firstEventId;
  return Response::created([&](JsonWriter& w) { write_message(w, message); });
}

Response identify(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  auto body = json_body(ctx);
  BodyValidator v(body);
  domain::IdentifyInquiryContact command;
  command.inquiryId = id;
  command.name =
      v.string("name", {.presence = Presence::kOptional, .min_length = 1, .max_length = 100});
  command.email = v.email("email", Presence::kOptional);
  command.phone = phone(v, "phone");
  if (body.size() == 0) v.fail("body", rule::kRequired, "send at least one of name, email, phone");
  if (auto err = v.finish()) return *err;
  const domain::CommandMeta meta = command_meta(ctx);
  // Contact data only: the answer is the same whether or not the e-mail has an account.
  run(api, "identifying an inquiry's contact", [&](const events::StagedView& view) {
    return domain::decide_identify_inquiry_contact(view, command, meta);
  });
  return show(reread(api, id, "reading an identified support inquiry"));
}

// Queues the code by e-mail. The same work happens for every address — the answer does
// not depend on whether it belongs to a customer (that is only looked at on confirm).
Response request_verification(ApiContext& api, const InquiryOptions& options, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  auto body = json_body(ctx);
  BodyValidator v(body);
  auto email = v.email("email", Presence::kOptional);
  if (auto err = v.finish()) return *err;
  // The read model gives the default address and the tracking code for the mail (the
  // code never changes), so the writer only decides.
  auto row = find(api, id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) return not_found();
    throw unexpected(row.status(), "reading a support inquiry");
  }
  if (!email) {
    if (!row->guestEmail) {
      ValidationErrors errors;
      errors.add("email", rule::kRequired, "identify an e-mail first or send one");
      return errors.to_api_error();
    }
    email = row->guestEmail;
  }
  const std::string code = auth::generate_otp_code();
  domain::RequestInquiryVerification command;
  command.inquiryId = id;
  command.email = *email;
  command.codeSalt = auth::new_otp_salt("inquiry-" + std::to_string(id));
  command.codeHash = auth::otp_hash(code, command.codeSalt);
  command.expiresAt = api.clock.now_ms() + options.otp_ttl_ms;
  const domain::CommandMeta meta = command_meta(ctx);
  const std::string& tracking = row->trackingCode;
  run(api, "requesting an inquiry e-mail verification", [&](const events::StagedView& view) {
    return domain::decide_request_inquiry_verification(view, command, meta);
  });
  // The code goes to the outbox only (never the log): a crash before this line loses
  // the mail, and the visitor asks for a new code.
  if (api.send_mail) {
    const std::uint64_t minutes = static_cast<std::uint64_t>(options.otp_ttl_ms / 60'000);
    scheduler::OutgoingMail mail;
    mail.kind = "support_inquiry.verification_code";
    mail.to_address = *email;
    mail.subject = "Your verification code";
    mail.body = "Hello,\n\nUse this code to verify your e-mail address for inquiry " + tracking +
                ":\n\n    " + code + "\n\nThe code expires in " + std::to_string(minutes) +
                " minutes. If you did not ask for it, ignore this message.\n";
    mail.dedupe_key = "support_inquiry.verification_code:" + command.codeHash;
    api.send_mail(mail);
  }
  return Response::ok(
      [&](JsonWriter& w) {
        w.begin_object().field("status", "verification_sent");
        w.field("expiresInSeconds", options.otp_ttl_ms / 1000).end_object();
      },
      202);
}

Response confirm_verification(ApiContext& api, const InquiryOptions& options, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  auto body = json_body(ctx);
  BodyValidator v(body);
  auto code = v.string("code", {.min_length = 1, .max_length = 32});
  if (auto err = v.finish()) return *err;
  domain::ConfirmInquiryVerification command;
  command.inquiryId = id;
  command.code = *code;
  command.maxAttempts = options.otp_max_attempts;
  const domain::CommandMeta meta = command_meta(ctx);
  bool verified = false;
  auto appended = api.store.execute([&](const events::StagedView& view) {
    return domain::decide_confirm_inquiry_verification(view, command, meta, verified);
  });
  if (!appended.ok()) {
    if (appended.status().IsInvalidArgument()) return verification_invalid();
    throw command_error(appended.status(), "confirming an inquiry e-mail verification");
  }
  if (!verified) return verification_invalid();  // the wrong attempt was counted
  return show(reread(api, id, "reading a verified support inquiry"));
}

// ---- admin routes -------------------------------------------------------------------

Response assign(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  auto body = json_body(ctx);
  BodyValidator v(body);
  const NullableId assignee = v.nullable_id("assignedAdminId", Presence::kRequired);
  if (auto err = v.finish()) return *err;
  const domain::AssignInquiry command{id, assignee.value};
  const domain::CommandMeta meta = command_meta(ctx);
  run(api, "assigning a support inquiry", [&](const events::StagedView& view) {
    return domain::decide_assign_inquiry(view, command, meta);
  });
  return show(reread(api, id, "reading an assigned support inquiry"));
}

Response set_status(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  auto body = json_body(ctx);
  BodyValidator v(body);
  auto status = v.enumeration("status", kSettableStatuses, Presence::kRequired);
  if (auto err = v.finish()) return *err;
  const domain::SetInquiryStatus command{id, *status};
  const domain::CommandMeta meta = command_meta(ctx);
  auto appended = api.store.execute([&](const events::StagedView& view) {
    return domain::decide_set_inquiry_status(view, command, meta);
  });
  if (!appended.ok()) {
    const Status& s = appended.status();
    if (s.IsInvalidArgument()) {
      // Refused: the status it was refused from, as the read model has it now.
      const std::string from = reread(api, id, "reading a support inquiry").status;
      if (!domain::inquiry_accepts_messages(from)) return closed();
      return ApiError(409, error_code::kInvalidStatusTransition,
                      "A " + from + " inquiry cannot become " + *status);
    }
    throw command_error(s, "changing a support inquiry's status");
  }
  return show(reread(api, id, "reading a support inquiry"));
}

Response link(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  auto body = json_body(ctx);
  BodyValidator v(body);
  const NullableId target = v.nullable_id("supportRequestId", Presence::kOptional);
  if (auto err = v.finish()) return *err;
  domain::LinkInquiryToSupportRequest command;
  command.inquiryId = id;
  command.supportRequestId = target.value;
  const domain::CommandMeta meta = command_meta(ctx);
  // A created request takes the inquiry's category (which never changes) when it is a
  // support request category, else the last configured one (by default "general").
  auto row = find(api, id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) return not_found();
    throw unexpected(row.status(), "reading a support inquiry");
  }
  const domain::CategoryPriority* chosen = &api.categories.back();
  for (const auto& c : api.categories) {
    if (row->category && c.category == *row->category) chosen = &c;
  }
  command.category = chosen->category;
  command.priority = chosen->priority;
  run(api, "linking a support inquiry", [&](const events::StagedView& view) {
    return domain::decide_link_inquiry(view, command, meta);
  });
  return show(reread(api, id, "reading a linked support inquiry"));
}

Response revoke_token(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  const domain::RevokeInquiryToken command{id, "admin"};
  const domain::CommandMeta meta = command_meta(ctx);
  auto appended = api.store.execute([&](const events::StagedView& view) {
    return domain::decide_revoke_inquiry_token(view, command, meta);
  });
  // Revoking twice (or an inquiry without a guest token) leaves nothing to do: success.
  if (!appended.ok() && !appended.status().IsFailedPrecondition()) {
    throw command_error(appended.status(), "revoking an inquiry token");
  }
  return show(reread(api, id, "reading a support inquiry"));
}

// ---- public lookup --------------------------------------------------------------------

Response lookup(ApiContext& api, RequestContext& ctx) {
  // Every failure — malformed reference, no e-mail, no match — answers the same.
  const ApiError nothing(404, error_code::kNotFound,
                         "No ticket matches this reference and e-mail address");
  const std::string_view reference = ctx.param("code");
  QueryParams params;
  if (QueryParams::parse(ctx.request().query, params)) return nothing;
  auto email = params.get("email");
  if (reference.empty() || reference.size() > 40 || !email) return nothing;
  const std::string address = domain::normalize_email(*email);
  if (!is_valid_email(address)) return nothing;
  auto lease = read_lease(api);
  auto found = projections::lookup_ticket(lease.db(), reference, address);
  if (!found.ok()) throw unexpected(found.status(), "looking up a ticket");
  if (!*found) return nothing;
  const projections::TicketStatus& t = **found;
  return Response::ok([&](JsonWriter& w) {
    w.begin_object().field("reference", t.reference).field("kind", t.kind);
    w.field("status", t.status).field("createdAt", t.createdAt).field("updatedAt", t.updatedAt);
    w.field("closedAt", t.closedAt).field("resolvedAt", t.resolvedAt).end_object();
  });
}

RouteMeta public_route(std::string name, std::string summary, std::vector<RouteError> errors,
                       std::string_view rate_group = {}, std::string_view request_schema = {},
                       std::string_view response_schema = kInquirySchema) {
  return {.name = std::move(name),
          .tag = std::string(kPublicTag),
          .summary = std::move(summary),
          .access = Access::kOptional,
          .rate_group = std::string(rate_group),
          .request_schema = std::string(request_schema),
          .response_schema = std::string(response_schema),
          .errors = std::move(errors)};
}

RouteMeta admin_route(std::string name, std::string summary, auth::Permission permission,
                      std::vector<RouteError> errors, std::string_view request_schema = {},
                      std::string_view response_schema = kInquirySchema) {
  return {.name = std::move(name),
          .tag = std::string(kAdminTag),
          .summary = std::move(summary),
          .access = Access::kStaff,
          .permission = permission,
          .request_schema = std::string(request_schema),
          .response_schema = std::string(response_schema),
          .errors = std::move(errors)};
}

}  // namespace

GuestTokenResolver make_guest_token_resolver(ApiContext& api) {
  return [&api](std::string_view token) -> std::optional<std::int64_t> {
    auto lease = read_lease(api);
    auto inquiry = projections::SupportInquiryQuery(lease.db())
                       .token_inquiry(auth::guest_token_hash(token), api.clock.now_ms());
    if (!inquiry.ok()) throw unexpected(inquiry.status(), "resolving a guest token");
    return *inquiry;
  };
}

void add_support_inquiry_routes(Router& router, ApiContext& api, InquiryOptions options) {
  using auth::Permission;
  auto opts = std::make_shared<const InquiryOptions>(std::move(options));
  const std::string_view base = "/api/support-inquiries";
  const std::string item = std::string(base) + "/{id}";
  router.post(
      std::string(base), [&api, opts](RequestContext& ctx) { return create(api, *opts, ctx); },
      public_route("inquiries.create",
                   "Open an inquiry (guest or customer); guests get their access token once",
                   {kDeniedError, kTokenError}, rate_group::kPublicCreate, kCreateSchema));
  RouteMeta own = public_route("inquiries.list", "The signed-in customer's own inquiries", {});
  own.access = Access::kCustomer;
  router.get(
      std::string(base), [&api](RequestContext& ctx) { return list(api, ctx, false); },
      std::move(own));
  router.get(
      item, [&api](RequestContext& ctx) { return detail(api, ctx, false, false); },
      public_route("inquiries.get", "One inquiry with its messages (owner or guest token)",
                   public_errors()));
  router.get(
      item + "/messages", [&api](RequestContext& ctx) { return detail(api, ctx, false, true); },
      public_route("inquiries.messages.list", "The inquiry's messages, oldest first",
                   public_errors(), {}, {}, R"({"type":"array","items":{"type":"object"}})"));
  router.post(
      item + "/messages", [&api](RequestContext& ctx) { return post_message(api, ctx, false); },
      public_route("inquiries.messages.create",
                   "Post a visitor or customer message; closed and spam refuse",
                   public_errors({kClosedError}), rate_group::kInquiryWrite, kPostMessageSchema,
                   kMessageSchema));
  router.patch(
      item + "/identify", [&api](RequestContext& ctx) { return identify(api, ctx); },
      public_route("inquiries.identify",
                   "Leave contact data (stored as given, never proves identity)",
                   public_errors({kClosedError}), rate_group::kInquiryWrite, kIdentifySchema));
  RouteMeta verify_request = public_route(
      "inquiries.verify_email.request", "E-mail a one-time code; the same answer for every address",
      public_errors({kClosedError}), rate_group::kInquiryVerify, kVerifyRequestSchema,
      kVerificationSentSchema);
  verify_request.success_status = 202;  // the mail is queued
  router.post(
      item + "/verify-email/request",
      [&api, opts](RequestContext& ctx) { return request_verification(api, *opts, ctx); },
      std::move(verify_request));
  router.post(
      item + "/verify-email/confirm",
      [&api, opts](RequestContext& ctx) { return confirm_verification(api, *opts, ctx); },
      public_route(
          "inquiries.verify_email.confirm",
          "Confirm the code: verifies the e-mail and links its customer",
          public_errors({kClosedError, {400, error_code::kSupportInquiryEmailVerificationInvalid}}),
          rate_group::kInquiryVerify, kVerifyConfirmSchema));

  const std::string admin = "/api/admin/support-inquiries";
  const std::string admin_item = admin + "/{id}";
  router.get(
      admin, [&api](RequestContext& ctx) { return list(api, ctx, true); },
      admin_route("admin.inquiries.list",
                  "Inquiries: filters, search over tracking code, subject and contact, "
                  "sort, pagination",
                  Permission::kSupportInquiriesRead, {}));
  router.get(
      admin_item, [&api](RequestContext& ctx) { return detail(api, ctx, true, false); },
      admin_route("admin.inquiries.get", "One inquiry with messages and contact data",
                  Permission::kSupportInquiriesRead, admin_errors()));
  router.post(
      admin_item + "/messages",
      [&api](RequestContext& ctx) { return post_message(api, ctx, true); },
      admin_route("admin.inquiries.messages.create", "Staff reply; closed and spam refuse",
                  Permission::kSupportInquiriesUpdate, admin_errors({kClosedError}),
                  kPostMessageSchema, kMessageSchema));
  router.patch(
      admin_item + "/assign", [&api](RequestContext& ctx) { return assign(api, ctx); },
      admin_route("admin.inquiries.assign",
                  "Assign to an active staff member, or unassign with null",
                  Permission::kSupportInquiriesUpdate, admin_errors(), kAssignSchema));
  router.patch(
      admin_item + "/status", [&api](RequestContext& ctx) { return set_status(api, ctx); },
      admin_route("admin.inquiries.status", "Change the status (lifecycle table)",
                  Permission::kSupportInquiriesUpdate,
                  admin_errors({kClosedError, {409, error_code::kInvalidStatusTransition}}),
                  kStatusSchema));
  router.post(
      admin_item + "/link-support-request", [&api](RequestContext& ctx) { return link(api, ctx); },
      admin_route("admin.inquiries.link",
                  "Link to the customer's support request, or create one from the "
                  "inquiry's messages",
                  Permission::kSupportInquiriesUpdate,
                  admin_errors({kClosedError,
                                {400, error_code::kSupportInquiryLinkInvalid},
                                {400, error_code::kSupportInquirySupportRequestRequired}}),
                  kLinkSchema));
  router.post(
      admin_item + "/revoke-token", [&api](RequestContext& ctx) { return revoke_token(api, ctx); },
      admin_route("admin.inquiries.revoke_token", "Revoke the guest access token (idempotent)",
                  Permission::kSupportInquiriesUpdate, admin_errors()));

  router.get("/api/support/ticket/{code}", [&api](RequestContext& ctx) { return lookup(api, ctx); },
             {.name = "support.ticket.lookup",
              .tag = std::string(kLookupTag),
              .summary = "Status of an inquiry or support request by its reference and the "
                         "e-mail it was filed under (?email=)",
              .access = Access::kPublic,
              .rate_group = std::string(rate_group::kPublicLookup),
              .response_schema = std::string(kTicketSchema)});
}

}  // namespace docket::http
