// SupportInquiryQuery: reads the support_inquiries projection (support_inquiries.h) for
// the public, customer and admin inquiry routes, the guest token guard and the
// inactive-close job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/raw_json.h"
#include "core/result.h"
#include "projections/message_row.h"
#include "projections/satisfaction.h"
#include "projections/sla_query.h"

namespace docket::projections {

class Database;
class SqlFilter;

struct SupportInquiryRow {
  std::int64_t id = 0;
  std::string trackingCode;
  std::string subject;
  std::optional<std::string> category;
  std::string status;
  std::optional<std::int64_t> customerId;
  std::optional<std::int64_t> assignedAdminId;
  std::optional<std::int64_t> supportRequestId;
  std::optional<std::string> guestName;
  std::optional<std::string> guestEmail;
  std::optional<std::string> guestPhone;
  bool emailVerified = false;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> closedAt;
  std::int64_t messageCount = 0;
  RawJson journey;                          // {id, version, answers} of the journey that created it
  std::string priority = "medium";          // the queue priority
  std::optional<std::string> ticketNumber;  // form tickets: SUP-YYYY-NNNNNN
  std::optional<std::string> source;        // "form": seed 001's ticket form
  std::optional<SatisfactionRow> satisfaction;  // the customer's rating, once rated
  std::vector<MessageRow> messages;             // find() only, oldest first
  std::optional<SlaItemRow> slaClock;           // none: no SLA policy covered it
  std::optional<SlaView> sla;                   // the routes' view of slaClock (sla_view)
};

inline constexpr std::uint32_t kMaxSupportInquiryPageSize = 100;

struct SupportInquiryListRequest {
  std::optional<std::int64_t> customerId;  // the customer list always sets it
  std::optional<std::string> status;
  std::optional<std::string> category;
  std::optional<std::int64_t> assignedAdminId;
  bool unassigned = false;
  std::optional<std::int64_t> supportRequestId;
  // Tracking code, ticket number, subject, guest e-mail, name or phone: a case-insensitive
  // substring.
  std::optional<std::string> search;
  std::optional<std::string> slaStatus;  // breached | critical | warning | ok | met | paused
  std::int64_t nowMs = 0;                // the time slaStatus is judged at
  std::string sortBy = "createdAt";      // createdAt | updatedAt | dueAt
  bool ascending = false;
  std::uint32_t page = 1;
  std::uint32_t pageSize = 20;
};

struct SupportInquiryPage {
  std::vector<SupportInquiryRow> items;
  std::uint64_t total = 0;
};

// Borrows `db` (a ReadLease's database with the projection attached as
// "support_inquiries") for its lifetime.
class SupportInquiryQuery {
 public:
  explicit SupportInquiryQuery(Database& db) : db_(db) {}

  // NotFound when there is no such inquiry.
  Result<SupportInquiryRow> find(std::int64_t id);
  // The customer an inquiry belongs to (none for a guest's); NotFound when there is no
  // such inquiry. Reads one row: the access check of the public routes.
  Result<std::optional<std::int64_t>> customer_of(std::int64_t id);
  // The inquiry a guest token (by its hash) grants at `now`: nullopt when the hash is
  // unknown, revoked or expired.
  Result<std::optional<std::int64_t>> token_inquiry(std::string_view token_hash, UnixMillis now);
  Result<SupportInquiryPage> list(const SupportInquiryListRequest& request);
  // Up to `limit` inquiries in open, active, waiting or resolved whose last event is
  // before `cutoff`, least recently active first.
  Result<std::vector<std::int64_t>> inactive_since(UnixMillis cutoff, std::size_t limit);

 private:
  Status attach_sla(std::vector<SupportInquiryRow*> rows);
  Database& db_;
};

}  // namespace docket::projections
