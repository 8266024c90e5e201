// SupportRequestQuery: reads the support_requests projection (support_requests.h) for the
// customer and admin routes: filtered, sorted pages and one request with its messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/raw_json.h"
#include "core/result.h"
#include "projections/message_row.h"
#include "projections/satisfaction.h"
#include "projections/sla_query.h"

namespace docket::projections {

class SqlFilter;

class Database;

struct SupportRequestRow {
  std::int64_t id = 0;
  std::string ticketNumber;
  std::int64_t customerId = 0;
  std::optional<std::string> customerName;  // staff lists only (the routes fill it)
  std::string subject;
  std::string category;
  std::string priority;
  std::string status;
  std::optional<std::int64_t> assignedAdminId;
  std::optional<std::string> resolutionNote;
  RawJson metadata;  // the client's object, or null
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> firstResponseAt;
  std::optional<std::string> resolvedAt;
  std::int64_t messageCount = 0;
  RawJson journey;                    // {id, version, answers} of the journey that created it
  std::optional<std::string> source;  // "form": seed 001's ticket form
  std::optional<SatisfactionRow> satisfaction;  // the customer's rating, once rated
  std::vector<MessageRow> messages;             // find() only, oldest first
  std::optional<SlaItemRow> slaClock;           // none: no SLA policy covered it
  std::optional<SlaView> sla;                   // the routes' view of slaClock (sla_view)
};

inline constexpr std::uint32_t kMaxSupportRequestPageSize = 100;

struct SupportRequestListRequest {
  std::optional<std::int64_t> customerId;  // the customer routes always set it
  std::optional<std::string> status;
  std::optional<std::string> category;
  std::optional<std::string> priority;
  std::optional<std::int64_t> assignedAdminId;
  bool unassigned = false;               // assigned_admin_id IS NULL
  std::optional<std::string> search;     // subject or ticket number, case-insensitive substring
  std::optional<std::string> slaStatus;  // breached | critical | warning | ok | met | paused
  std::int64_t nowMs = 0;                // the time slaStatus is judged at
  std::string sortBy = "createdAt";      // createdAt | updatedAt | priority | dueAt
  bool ascending = false;
  std::uint32_t page = 1;
  std::uint32_t pageSize = 20;
};

struct SupportRequestPage {
  std::vector<SupportRequestRow> items;
  std::uint64_t total = 0;
};

// Borrows `db` (a ReadLease's database with the projection attached as
// "support_requests") for its lifetime.
class SupportRequestQuery {
 public:
  explicit SupportRequestQuery(Database& db) : db_(db) {}

  // NotFound when there is no such request (or it belongs to another customer when
  // `customer_id` is given).
  Result<SupportRequestRow> find(std::int64_t id, std::optional<std::int64_t> customer_id = {});
  // As find(), without the messages (one row, whatever the thread's length).
  Result<SupportRequestRow> find_without_messages(std::int64_t id,
                                                  std::optional<std::int64_t> customer_id = {});
  // InvalidArgument for page 0, a page size outside 1..100, an unknown sortBy or
  // slaStatus.
  Result<SupportRequestPage> list(const SupportRequestListRequest& request);
  // The customer a request belongs to; NotFound when there is no such request. Reads
  // one row (room authorization).
  Result<std::int64_t> customer_of(std::int64_t id);

 private:
  // The page of a search through the trigram index (see the .cpp).
  // Reads the SLA clocks of `rows`.
  Status attach_sla(std::vector<SupportRequestRow*> rows);
  Status attach_page_sla(SupportRequestPage& page);
  Status search_page(const SupportRequestListRequest& r, const std::string& order,
                     const std::string& from, const SqlFilter& filter, SupportRequestPage& page);

  Database& db_;
};

}  // namespace docket::projections
