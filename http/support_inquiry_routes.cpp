#include "http/support_inquiry_routes.h"

#include <memory>

#include "core/auth/guest_token.h"
#include "core/auth/otp.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/support_inquiry.h"
#include "http/api_context.h"
#include "http/attachment_routes.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/journey_routes.h"
#include "http/query.h"
#include "http/rate_limit.h"
#include "http/route_kit.h"
#include "http/satisfaction.h"
#include "http/sla_routes.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"
#include "projections/ticket_lookup.h"

namespace docket::http {
namespace {

using domain::Refusal;
using projections::MessageRow;
using projections::SupportInquiryRow;

constexpr std::string_view kPublicTag = "Support Inquiries";
constexpr std::string_view kAdminTag = "Support Inquiries (Admin)";
constexpr std::string_view kLookupTag = "Public";
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kTrackingCandidates = 8;
constexpr std::string_view kPhoneChars = "0-9+()./ -";

// ---- response shapes ------------------------------------------------------------------

const Shape<MessageRow>& message_shape() {
  static const Shape<MessageRow> shape = [] {
    Shape<MessageRow> s;
    s.field("id", &MessageRow::id)
        .field("senderType", &MessageRow::senderType,
               {.values = {"visitor", "customer", "admin", "system"}})
        .field("senderId", &MessageRow::senderId)
        .field("message", &MessageRow::message)
        .field("createdAt", &MessageRow::createdAt, {.format = "date-time"})
        .field("eventId", &MessageRow::eventId,
               {.description = "The log event that added the message (websocket deltas "
                               "carry the same id)"})
        .field("attachments", &MessageRow::attachments, {.schema = kMessageAttachmentsSchema});
    return s;
  }();
  return shape;
}

// The inquiry as lists show it.
const Shape<SupportInquiryRow>& inquiry_shape() {
  static const Shape<SupportInquiryRow> shape = [] {
    using R = SupportInquiryRow;
    Shape<R> s;
    s.field("id", &R::id)
        .field("trackingCode", &R::trackingCode, {.pattern = "^INQ-[A-HJKMNP-Z2-9]{6}$"})
        .field("subject", &R::subject)
        .field("category", &R::category)
        .field(
            "status", &R::status,
            {.values = {std::begin(domain::kInquiryStatuses), std::end(domain::kInquiryStatuses)}})
        .field("customerId", &R::customerId)
        .field("assignedAdminId", &R::assignedAdminId)
        .field("supportRequestId", &R::supportRequestId)
        .field("guestName", &R::guestName)
        .field("guestEmail", &R::guestEmail)
        .field("guestPhone", &R::guestPhone)
        .field("emailVerified", &R::emailVerified)
        .field("messageCount", &R::messageCount)
        .field("createdAt", &R::createdAt, {.format = "date-time"})
        .field("updatedAt", &R::updatedAt, {.format = "date-time"})
        .field("closedAt", &R::closedAt, {.format = "date-time"})
        .field("priority", &R::priority,
               {.values = {std::begin(domain::kPriorities), std::end(domain::kPriorities)}})
        .field("ticketNumber", &R::ticketNumber,
               {.pattern = "^SUP-[0-9]{4}-[0-9]{6,}$",
                .description = "Form tickets (seed 001's POST /api/support/ticket) only"})
        .field("source", &R::source,
               {.description = "\"form\": opened through seed 001's ticket form"})
        .object("satisfaction", &R::satisfaction, satisfaction_shape())
        .object("sla", &R::sla, sla_shape(), true);  // staff responses only (docs/sla.md)
    return s;
  }();
  return shape;
}

// One inquiry with its thread.
const Shape<SupportInquiryRow>& inquiry_detail_shape() {
  static const Shape<SupportInquiryRow> shape = [] {
    Shape<SupportInquiryRow> s = inquiry_shape();
    s.array("messages", &SupportInquiryRow::messages, message_shape())
        .field("journey", &SupportInquiryRow::journey,
               {.description = "The intake journey that created it: {id, version, answers} "
                               "(answers on the path walked); null otherwise",
                .schema = kJourneyRunSchema});
    return s;
  }();
  return shape;
}

// The answer to a create: the inquiry and, for a guest, the access token (shown once).
struct CreatedInquiry {
  SupportInquiryRow inquiry;
  std::optional<std::string> inquiryAccessToken;
};

const Shape<CreatedInquiry>& created_shape() {
  static const Shape<CreatedInquiry> shape = [] {
    Shape<CreatedInquiry> s;
    s.include(&CreatedInquiry::inquiry, inquiry_detail_shape())
        .field("inquiryAccessToken", &CreatedInquiry::inquiryAccessToken,
               {.pattern = "^si_[A-Za-z0-9_-]{43}$",
                .description = "Guests only, only in the answer to the create request",
                .omit_empty = true});
    return s;
  }();
  return shape;
}

struct VerificationSent {
  std::string status = "verification_sent";
  std::int64_t expiresInSeconds = 0;
};

const Shape<VerificationSent>& verification_sent_shape() {
  static const Shape<VerificationSent> shape = [] {
    Shape<VerificationSent> s;
    s.field("status", &VerificationSent::status, {.values = {"verification_sent"}})
        .field("expiresInSeconds", &VerificationSent::expiresInSeconds);
    return s;
  }();
  return shape;
}

const Shape<projections::TicketStatus>& ticket_shape() {
  static const Shape<projections::TicketStatus> shape = [] {
    using T = projections::TicketStatus;
    Shape<T> s;
    s.field("reference", &T::reference)
        .field("kind", &T::kind, {.values = {"inquiry", "support_request"}})
        .field("status", &T::status)
        .field("priority", &T::priority, {.values = {"low", "medium", "high", "urgent"}})
        .field("createdAt", &T::createdAt, {.format = "date-time"})
        .field("updatedAt", &T::updatedAt, {.format = "date-time"})
        .field("closedAt", &T::closedAt, {.format = "date-time"})
        .field("resolvedAt", &T::resolvedAt, {.format = "date-time"})
        .field("emailMatched", &T::emailMatched,
               {.description = "The e-mail given is the one the ticket was filed under"})
        .field("subject", &T::subject,
               {.description = "Only when emailMatched", .omit_empty = true})
        .field("category", &T::category,
               {.description = "Only when emailMatched", .omit_empty = true});
    return s;
  }();
  return shape;
}

// ---- request contracts ----------------------------------------------------------------

FieldRule message_rule() {
  return Text("message").length(1, kMaxMessageChars).with_line_breaks();
}

// The body of POST /api/support-inquiries; the command adds who and the token.
struct CreateBody {
  std::string subject;
  std::optional<std::string> category;
  std::optional<std::string> message;
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;
  std::optional<std::string> guestPhone;
};

std::shared_ptr<const BodyContract<CreateBody>> create_contract() {
  auto c = std::make_shared<BodyContract<CreateBody>>();
  c->field(Text("subject").length(1, 200), &CreateBody::subject)
      .field(Text("category").length(1, 40).chars("a-z0-9_-"), &CreateBody::category)
      .field(message_rule().describe("The visitor's first message"), &CreateBody::message)
      .field(Text("guestName").length(1, 100), &CreateBody::guestName)
      .field(Email("guestEmail").describe("Contact data only: never proves identity"),
             &CreateBody::guestEmail)
      .field(Text("guestPhone").length(3, 32).chars(kPhoneChars), &CreateBody::guestPhone);
  return c;
}

struct MessageBody {
  std::string message;
  std::optional<std::vector<std::string>> attachmentIds;
};

std::shared_ptr<const BodyContract<MessageBody>> message_contract() {
  auto c = std::make_shared<BodyContract<MessageBody>>();
  c->field(message_rule(), &MessageBody::message)
      .field(attachment_ids_rule(), &MessageBody::attachmentIds);
  return c;
}

std::shared_ptr<const BodyContract<domain::IdentifyInquiryContact>> identify_contract() {
  using B = domain::IdentifyInquiryContact;
  auto c = std::make_shared<BodyContract<B>>();
  c->field(Text("name").length(1, 100), &B::name)
      .field(Email("email").describe("Contact data only: never proves identity"), &B::email)
      .field(Text("phone").length(3, 32).chars(kPhoneChars), &B::phone)
      .at_least(1);
  return c;
}

struct VerifyRequestBody {
  std::optional<std::string> email;
};

std::shared_ptr<const BodyContract<VerifyRequestBody>> verify_request_contract() {
  auto c = std::make_shared<BodyContract<VerifyRequestBody>>();
  c->field(Email("email").describe("Defaults to the identified e-mail; one of the two is "
                                   "required (VALIDATION_ERROR on email otherwise)"),
           &VerifyRequestBody::email);
  return c;
}

struct VerifyConfirmBody {
  std::string code;
};

std::shared_ptr<const BodyContract<VerifyConfirmBody>> verify_confirm_contract() {
  auto c = std::make_shared<BodyContract<VerifyConfirmBody>>();
  c->field(Text("code").length(6, 6).chars("0-9").describe("The six digits of the mail"),
           &VerifyConfirmBody::code);
  return c;
}

constexpr std::string_view kSettableStatuses[] = {domain::kInquiryActive, domain::kInquiryWaiting,
                                                  domain::kInquiryResolved, domain::kInquiryClosed,
                                                  domain::kInquirySpam};

std::shared_ptr<const BodyContract<domain::SetInquiryStatus>> status_contract() {
  auto c = std::make_shared<BodyContract<domain::SetInquiryStatus>>();
  c->field(OneOf("status", kSettableStatuses), &domain::SetInquiryStatus::status);
  return c;
}

std::shared_ptr<const BodyContract<domain::AssignInquiry>> assign_contract() {
  auto c = std::make_shared<BodyContract<domain::AssignInquiry>>();
  c->field(
      IdOrNull("assignedAdminId").must_send().describe("An active staff member; null unassigns"),
      &domain::AssignInquiry::assignedAdminId);
  c->field(Boolean("force").describe(
               "Assign even when the agent already has maxOpenItems open items (default false)"),
           &domain::AssignInquiry::force);
  return c;
}

std::shared_ptr<const BodyContract<domain::LinkInquiryToSupportRequest>> link_contract() {
  auto c = std::make_shared<BodyContract<domain::LinkInquiryToSupportRequest>>();
  c->field(IdOrNull("supportRequestId")
               .describe("An existing request of the inquiry's customer; absent or null: "
                         "create one from the inquiry's messages"),
           &domain::LinkInquiryToSupportRequest::supportRequestId);
  return c;
}

using ListQuery = projections::SupportInquiryListRequest;

std::shared_ptr<const QueryContract<ListQuery>> list_contract(bool admin) {
  auto q = std::make_shared<QueryContract<ListQuery>>();
  if (admin) {
    add_paging(*q, {"createdAt", "updatedAt", "dueAt"}, projections::kMaxSupportInquiryPageSize);
  } else {
    add_paging(*q, {"createdAt", "updatedAt"}, projections::kMaxSupportInquiryPageSize);
  }
  q->param(OneOf("status", domain::kInquiryStatuses), &ListQuery::status)
      .param(Text("category").length(1, 40), &ListQuery::category);
  if (admin) {
    q->param(Id("customerId"), &ListQuery::customerId)
        .param(Id("supportRequestId"), &ListQuery::supportRequestId)
        .param(OneOf("slaStatus", {"breached", "critical", "warning", "ok", "met", "paused"})
                   .describe("Inquiries with an SLA target in this status now (docs/sla.md); "
                             "sortBy=dueAt orders by the next deadline"),
               &ListQuery::slaStatus);
    add_assignee_filter(*q);
    q->param(Text("search").length(1, 200).describe(
                 "Tracking code, subject, guest e-mail, name or phone: a case-insensitive "
                 "substring"),
             &ListQuery::search);
  }
  return q;
}

struct LookupQuery {
  std::optional<std::string> email;
};

std::shared_ptr<const QueryContract<LookupQuery>> lookup_contract() {
  auto q = std::make_shared<QueryContract<LookupQuery>>();
  q->param(Text("email").length(1, 254).describe(
               "The e-mail the ticket was filed under: with it, the answer adds the subject "
               "and category; without it, with another or with one that is no address, "
               "the answer is the same status, priority and timestamps"),
           &LookupQuery::email);
  return q;
}

// ---- helpers ----------------------------------------------------------------------------

ApiError not_found() {
  return refusal_error(Refusal::kInquiryNotFound);
}
ApiError access_denied() {
  return refusal_error(Refusal::kInquiryAccessDenied);
}

// The inquiry as the read model has it, for an answer.
// Staff see the SLA.
SupportInquiryRow find_row(ApiContext& api, std::int64_t id, bool staff = false) {
  auto lease = read_lease(api);
  auto row = projections::SupportInquiryQuery(lease.db()).find(id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) throw not_found();
    throw unexpected(row.status(), "reading a support inquiry");
  }
  if (staff) stamp_sla(*row, api.clock.now_ms());
  return std::move(row).value();
}

Response show(ApiContext& api, std::int64_t id, bool staff = false) {
  return answer(inquiry_detail_shape(), find_row(api, id, staff));
}

// Whether the caller of a public route takes part in inquiry `id` (domain/access.h);
// throws the refusal. Staff use the admin routes; anonymous callers have no inquiry.
void check_access(ApiContext& api, const RequestContext& ctx, std::int64_t id) {
  const auth::Identity& who = ctx.identity;
  std::optional<std::int64_t> owner;
  if (who.is_customer()) {  // a guest's grant is in its identity; others need no read
    auto lease = read_lease(api);
    auto found = projections::SupportInquiryQuery(lease.db()).customer_of(id);
    if (!found.ok()) {
      if (found.status().IsNotFound()) throw not_found();
      throw unexpected(found.status(), "reading a support inquiry");
    }
    owner = *found;
  }
  if (auto refusal = domain::inquiry_participant_refusal(who, id, owner)) {
    throw refusal_error(*refusal);
  }
}

// ---- public / customer routes -------------------------------------------------------

Reply create(ApiContext& api, const InquiryOptions& options, RequestContext& ctx, CreateBody body) {
  const auth::Identity& who = ctx.identity;
  if (who.is_staff()) throw access_denied();
  domain::CreateSupportInquiry command;
  command.subject = std::move(body.subject);
  command.category = std::move(body.category);
  // The queue priority: the category's, as a support request of that category would
  // get it; medium for an inquiry without a known category.
  for (const auto& c : api.categories) {
    if (command.category && c.category == *command.category) command.priority = c.priority;
  }
  command.message = std::move(body.message);
  command.guestName = std::move(body.guestName);
  command.guestEmail = std::move(body.guestEmail);
  command.guestPhone = std::move(body.guestPhone);
  command.greeting = options.greeting;
  for (std::size_t n = 0; n < kTrackingCandidates; ++n)
    command.trackingCandidates.push_back(domain::generate_tracking_code());

  CreatedInquiry created;
  if (who.is_customer()) {
    command.customerId = who.accountId;
  } else {  // a guest: the token is shown once, stored as its hash
    created.inquiryAccessToken = auth::generate_guest_token();
    command.tokenHash = auth::guest_token_hash(*created.inquiryAccessToken);
    command.tokenExpiresAt = api.clock.now_ms() + options.token_ttl_ms;
  }
  const auto executed = co_await commit(api, ctx, command);
  created.inquiry = find_row(api, executed.id(domain::kSupportInquirySequence));
  co_return answer(created_shape(), created, 201);
}

// The visitor or the inquiry's customer rates it once it has ended.
Reply rate(ApiContext& api, RequestContext& ctx, RatingBody body) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  const auth::Identity& who = ctx.identity;
  domain::RateInquiry command{id,
                              who.is_customer() ? "customer" : "visitor",
                              who.is_customer() ? std::optional(who.accountId) : std::nullopt,
                              body.rating,
                              std::move(body.comment),
                              api.csat_window_ms};
  co_await commit(api, ctx, command);
  co_return answer(inquiry_detail_shape(), find_row(api, id), 201);
}

// The customer's own inquiries, or (admin) every inquiry with the staff filters.
Response list(ApiContext& api, RequestContext& ctx, ListQuery request, bool admin) {
  if (!admin) request.customerId = ctx.identity.accountId;
  request.nowMs = api.clock.now_ms();
  auto lease = read_lease(api);
  auto result = projections::SupportInquiryQuery(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), "listing support inquiries");
  if (admin) {
    for (SupportInquiryRow& row : result->items)
      stamp_sla(row, request.nowMs);
  }
  return answer_page(inquiry_shape(), result->items, request.page, request.pageSize, result->total);
}

Response detail(ApiContext& api, RequestContext& ctx, bool admin) {
  const std::int64_t id = path_id(ctx);
  if (!admin) check_access(api, ctx, id);
  return show(api, id, admin);
}

Response messages(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  const SupportInquiryRow row = find_row(api, id);
  return Response::ok([&](JsonWriter& w) {
    w.begin_array();
    for (const MessageRow& m : row.messages)
      message_shape().write(w, m);
    w.end_array();
  });
}

// A message from the visitor, the customer or staff; answers with the message.
Reply post_message(ApiContext& api, RequestContext& ctx, MessageBody body, bool admin) {
  const std::int64_t id = path_id(ctx);
  if (!admin) check_access(api, ctx, id);
  const auth::Identity& who = ctx.identity;
  domain::PostInquiryMessage command;
  command.inquiryId = id;
  command.message = std::move(body.message);
  command.attachmentIds = body.attachmentIds.value_or(std::vector<std::string>{});
  RawJson attachments = message_attachments_view(api, command.attachmentIds);
  if (admin) {
    command.senderType = "admin";
    command.senderId = who.accountId;
  } else if (who.is_customer()) {
    command.senderType = "customer";
    command.senderId = who.accountId;
  } else {
    command.senderType = "visitor";
  }
  // Answered from what was committed: no read model is read, so the answer need not
  // wait for them (a later GET still sees the message: http/read_fence.h).
  const auto executed = co_await commit_durable(api, ctx, command);
  // The message is the append's first event (a status change may follow it).
  const MessageRow message{executed.id(domain::kSupportInquiryMessageSequence),
                           command.senderType,
                           command.senderId,
                           command.message,
                           format_iso8601(executed.appended.occurredAt),
                           executed.appended.firstEventId,
                           std::move(attachments)};
  co_return answer(message_shape(), message, 201);
}

Reply identify(ApiContext& api, RequestContext& ctx, domain::IdentifyInquiryContact command) {
  command.inquiryId = path_id(ctx);
  check_access(api, ctx, command.inquiryId);
  // Contact data only: the answer is the same whether or not the e-mail has an account.
  co_await commit(api, ctx, command);
  co_return show(api, command.inquiryId);
}

// Queues the code by e-mail. The same work happens for every address — the answer does
// not depend on whether it belongs to a customer (that is only looked at on confirm).
Reply request_verification(ApiContext& api, const InquiryOptions& options, RequestContext& ctx,
                           VerifyRequestBody body) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  // The read model gives the default address and the tracking code for the mail (the
  // code never changes), so the writer only decides.
  const SupportInquiryRow row = find_row(api, id);
  if (!body.email) {
    if (!row.guestEmail) {
      ValidationErrors errors;
      errors.add("email", rule::kRequired, "identify an e-mail first or send one");
      co_return errors.to_api_error();
    }
    body.email = row.guestEmail;
  }
  const std::string code = auth::generate_otp_code();
  domain::RequestInquiryVerification command;
  command.inquiryId = id;
  command.email = *body.email;
  command.codeSalt = auth::new_otp_salt("inquiry-" + std::to_string(id));
  command.codeHash = auth::otp_hash(code, command.codeSalt);
  command.expiresAt = api.clock.now_ms() + options.otp_ttl_ms;
  co_await commit(api, ctx, command);
  // The code goes to the outbox only (never the log): a crash before this line loses
  // the mail, and the visitor asks for a new code.
  if (api.send_mail) {
    const std::uint64_t minutes = static_cast<std::uint64_t>(options.otp_ttl_ms / 60'000);
    OutgoingMail mail;
    mail.kind = "support_inquiry.verification_code";
    mail.to_address = command.email;
    mail.subject = "Your verification code";
    mail.body = "Hello,\n\nUse this code to verify your e-mail address for inquiry " +
                row.trackingCode + ":\n\n    " + code + "\n\nThe code expires in " +
                std::to_string(minutes) +
                " minutes. If you did not ask for it, ignore this message.\n";
    mail.dedupe_key = "support_inquiry.verification_code:" + command.codeHash;
    api.send_mail(mail);
  }
  co_return answer(verification_sent_shape(),
                   VerificationSent{"verification_sent", options.otp_ttl_ms / 1000}, 202);
}

Reply confirm_verification(ApiContext& api, const InquiryOptions& options, RequestContext& ctx,
                           VerifyConfirmBody body) {
  const std::int64_t id = path_id(ctx);
  check_access(api, ctx, id);
  const domain::ConfirmInquiryVerification command{id, std::move(body.code),
                                                   options.otp_max_attempts};
  const auto executed = co_await commit(api, ctx, command);
  // A wrong code was recorded (the attempts count) and is answered as invalid.
  if (!executed.appended_type(domain::InquiryEmailVerified::kType)) {
    co_return refusal_error(Refusal::kInquiryVerificationInvalid);
  }
  co_return show(api, id);
}

// ---- admin routes -------------------------------------------------------------------

template <typename Command>
Reply change(ApiContext& api, RequestContext& ctx, Command command) {
  command.inquiryId = path_id(ctx);
  co_await commit(api, ctx, command);
  co_return show(api, command.inquiryId, true);
}

Reply link(ApiContext& api, RequestContext& ctx, domain::LinkInquiryToSupportRequest command) {
  command.inquiryId = path_id(ctx);
  // A created request takes the inquiry's category (which never changes) when it is a
  // support request category, else the last configured one (by default "general").
  const SupportInquiryRow row = find_row(api, command.inquiryId);
  const domain::CategoryPriority* chosen = &api.categories.back();
  for (const auto& c : api.categories) {
    if (row.category && c.category == *row.category) chosen = &c;
  }
  command.category = chosen->category;
  command.priority = chosen->priority;
  co_await commit(api, ctx, command);
  co_return show(api, command.inquiryId, true);
}

Reply revoke_token(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  // Revoking twice (or an inquiry without a guest token) leaves nothing to do: success.
  const domain::RevokeInquiryToken command{id, "admin"};
  co_await commit_unless(api, ctx, command, Refusal::kInquiryNoLiveToken);
  co_return show(api, id, true);
}

// ---- public lookup --------------------------------------------------------------------

// Every failure to match — an unknown reference, no e-mail, another e-mail, text that
// is no address — answers the same 404, so the lookup tells nobody which references
// exist. (A query the contract refuses — an unknown parameter, control characters — is
// a VALIDATION_ERROR like anywhere else: it says nothing about any ticket.)
Response lookup(ApiContext& api, RequestContext& ctx, LookupQuery query) {
  const ApiError nothing(404, error_code::kNotFound, "No ticket has this reference");
  const std::string_view reference = ctx.param("code");
  if (reference.empty() || reference.size() > 40) return nothing;
  // An e-mail that is no address matches nothing: the same answer as a wrong one.
  std::string address = query.email ? domain::normalize_email(*query.email) : std::string();
  if (!is_valid_email(address)) address.clear();
  auto lease = read_lease(api);
  auto found = projections::lookup_ticket(lease.db(), reference, address);
  if (!found.ok()) throw unexpected(found.status(), "looking up a ticket");
  if (!*found) return nothing;
  return answer(ticket_shape(), **found);
}

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

RouteMeta public_route(std::string name, std::string summary, std::vector<RouteError> errors,
                       std::string_view rate_group = {}) {
  RouteMeta meta = route_meta(std::move(name), kPublicTag, std::move(summary), Access::kOptional,
                              std::move(errors));
  meta.rate_group = std::string(rate_group);
  meta.response = schema_of(inquiry_detail_shape());
  return meta;
}

RouteMeta admin_route(std::string name, std::string summary, auth::Permission permission,
                      std::vector<RouteError> errors) {
  RouteMeta meta = staff_route_meta(std::move(name), kAdminTag, std::move(summary), permission,
                                    std::move(errors));
  meta.response = schema_of(inquiry_detail_shape());
  return meta;
}

}  // namespace

projections::GuestTokenResolver make_guest_token_resolver(ApiContext& api) {
  return [&api](std::string_view token) -> Result<std::optional<std::int64_t>> {
    auto lease = api.readers.lease();
    if (!lease.ok()) return lease.status();
    return projections::SupportInquiryQuery(lease->db())
        .token_inquiry(auth::guest_token_hash(token), api.clock.now_ms());
  };
}

void add_support_inquiry_routes(Router& router, ApiContext& api, InquiryOptions options) {
  using auth::Permission;
  auto opts = std::make_shared<const InquiryOptions>(std::move(options));
  const std::string base = "/api/support-inquiries";
  const std::string item = base + "/{id}";

  RouteMeta create_meta = public_route(
      "inquiries.create", "Open an inquiry (guest or customer); guests get their access token once",
      {kDeniedError, kTokenError}, rate_group::kPublicCreate);
  create_meta.response = schema_of(created_shape());
  create_meta.rerun_on_replay = false;  // a guest's answer holds the new token
  add_route(router, Method::kPost, base, std::move(create_meta), create_contract(),
            [&api, opts](RequestContext& ctx, CreateBody body) {
              return create(api, *opts, ctx, std::move(body));
            });

  RouteMeta own = public_route("inquiries.list", "The signed-in customer's own inquiries", {});
  own.access = Access::kCustomer;
  own.paginated = true;
  own.response = std::make_shared<ListShape<SupportInquiryRow>>(inquiry_shape());
  add_route(
      router, Method::kGet, base, std::move(own), list_contract(false),
      [&api](RequestContext& ctx, ListQuery q) { return list(api, ctx, std::move(q), false); });
  router.get(
      item, [&api](RequestContext& ctx) { return detail(api, ctx, false); },
      public_route("inquiries.get", "One inquiry with its messages (owner or guest token)",
                   public_errors()));
  RouteMeta thread = public_route("inquiries.messages.list", "The inquiry's messages, oldest first",
                                  public_errors());
  thread.response = std::make_shared<ListShape<MessageRow>>(message_shape());
  router.get(
      item + "/messages", [&api](RequestContext& ctx) { return messages(api, ctx); },
      std::move(thread));
  RouteMeta post = public_route("inquiries.messages.create",
                                "Post a visitor or customer message; closed and spam refuse",
                                public_errors({kClosedError, {409, error_code::kAttachmentInUse}}),
                                rate_group::kInquiryWrite);
  post.response = schema_of(message_shape());
  add_route(router, Method::kPost, item + "/messages", std::move(post), message_contract(),
            [&api](RequestContext& ctx, MessageBody body) {
              return post_message(api, ctx, std::move(body), false);
            });
  add_route(router, Method::kPost, item + "/satisfaction",
            public_route("inquiries.satisfaction.create",
                         "Rate the inquiry once it is resolved or closed: once, within "
                         "DOCKET_CSAT_WINDOW_DAYS",
                         public_errors({{409, error_code::kSatisfactionNotAvailable},
                                        {409, error_code::kSatisfactionAlreadyRated},
                                        {409, error_code::kSatisfactionWindowClosed}}),
                         rate_group::kInquiryWrite),
            rating_contract(), [&api](RequestContext& ctx, RatingBody body) {
              return rate(api, ctx, std::move(body));
            });
  add_route(router, Method::kPatch, item + "/identify",
            public_route("inquiries.identify",
                         "Leave contact data (stored as given, never proves identity)",
                         public_errors({kClosedError}), rate_group::kInquiryWrite),
            identify_contract(), [&api](RequestContext& ctx, domain::IdentifyInquiryContact c) {
              return identify(api, ctx, std::move(c));
            });
  RouteMeta verify_request = public_route(
      "inquiries.verify_email.request", "E-mail a one-time code; the same answer for every address",
      public_errors({kClosedError}), rate_group::kInquiryVerify);
  verify_request.success_status = 202;  // the mail is queued
  verify_request.response = schema_of(verification_sent_shape());
  add_route(router, Method::kPost, item + "/verify-email/request", std::move(verify_request),
            verify_request_contract(), [&api, opts](RequestContext& ctx, VerifyRequestBody body) {
              return request_verification(api, *opts, ctx, std::move(body));
            });
  add_route(
      router, Method::kPost, item + "/verify-email/confirm",
      public_route(
          "inquiries.verify_email.confirm",
          "Confirm the code: verifies the e-mail and links its customer",
          public_errors({kClosedError, {400, error_code::kSupportInquiryEmailVerificationInvalid}}),
          rate_group::kInquiryVerify),
      verify_confirm_contract(), [&api, opts](RequestContext& ctx, VerifyConfirmBody body) {
        return confirm_verification(api, *opts, ctx, std::move(body));
      });

  const std::string admin = "/api/admin/support-inquiries";
  const std::string admin_item = admin + "/{id}";
  RouteMeta admin_list = admin_route(
      "admin.inquiries.list",
      "Inquiries: filters, search over tracking code, subject and contact, sort, pagination",
      Permission::kSupportInquiriesRead, {});
  admin_list.paginated = true;
  admin_list.response = std::make_shared<ListShape<SupportInquiryRow>>(inquiry_shape());
  add_route(
      router, Method::kGet, admin, std::move(admin_list), list_contract(true),
      [&api](RequestContext& ctx, ListQuery q) { return list(api, ctx, std::move(q), true); });
  router.get(
      admin_item, [&api](RequestContext& ctx) { return detail(api, ctx, true); },
      admin_route("admin.inquiries.get", "One inquiry with messages and contact data",
                  Permission::kSupportInquiriesRead, admin_errors()));
  RouteMeta reply =
      admin_route("admin.inquiries.messages.create", "Staff reply; closed and spam refuse",
                  Permission::kSupportInquiriesUpdate,
                  admin_errors({kClosedError, {409, error_code::kAttachmentInUse}}));
  reply.response = schema_of(message_shape());
  add_route(router, Method::kPost, admin_item + "/messages", std::move(reply), message_contract(),
            [&api](RequestContext& ctx, MessageBody body) {
              return post_message(api, ctx, std::move(body), true);
            });
  add_route(router, Method::kPatch, admin_item + "/assign",
            admin_route("admin.inquiries.assign",
                        "Assign to an active staff member, or unassign with null; the agent's "
                        "capacity is checked unless force is true",
                        Permission::kSupportInquiriesUpdate,
                        admin_errors({{409, error_code::kAgentAtCapacity}})),
            assign_contract(), [&api](RequestContext& ctx, domain::AssignInquiry c) {
              c.terms.defaultCapacity = api.default_capacity;
              return change(api, ctx, std::move(c));
            });
  add_route(router, Method::kPatch, admin_item + "/status",
            admin_route("admin.inquiries.status",
                        "Change the status (lifecycle table); closing keeps the guest's read "
                        "access, spam revokes it",
                        Permission::kSupportInquiriesUpdate,
                        admin_errors({kClosedError, {409, error_code::kInvalidStatusTransition}})),
            status_contract(), [&api](RequestContext& ctx, domain::SetInquiryStatus c) {
              return change(api, ctx, std::move(c));
            });
  add_route(router, Method::kPost, admin_item + "/link-support-request",
            admin_route("admin.inquiries.link",
                        "Link to the customer's support request, or create one from the "
                        "inquiry's messages",
                        Permission::kSupportInquiriesUpdate,
                        admin_errors({kClosedError,
                                      {400, error_code::kSupportInquiryLinkInvalid},
                                      {400, error_code::kSupportInquirySupportRequestRequired}})),
            link_contract(), [&api](RequestContext& ctx, domain::LinkInquiryToSupportRequest c) {
              return link(api, ctx, std::move(c));
            });
  add_route(
      router, Method::kPost, admin_item + "/revoke-token",
      admin_route("admin.inquiries.revoke_token", "Revoke the guest access token (idempotent)",
                  Permission::kSupportInquiriesUpdate, admin_errors()),
      no_body(), [&api](RequestContext& ctx, NoBody) { return revoke_token(api, ctx); });

  RouteMeta lookup_meta = route_meta("support.ticket.lookup", kLookupTag,
                                     "Status, priority and timestamps of an inquiry or support "
                                     "request by its reference; subject and category too with "
                                     "the e-mail it was filed under (?email=)",
                                     Access::kPublic);
  lookup_meta.rate_group = std::string(rate_group::kPublicLookup);
  lookup_meta.response = schema_of(ticket_shape());
  add_route(router, Method::kGet, "/api/support/ticket/{code}", std::move(lookup_meta),
            lookup_contract(),
            [&api](RequestContext& ctx, LookupQuery q) { return lookup(api, ctx, std::move(q)); });
}

}  // namespace docket::http
