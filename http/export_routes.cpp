#include "http/export_routes.h"

#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/log.h"
#include "http/endpoint.h"
#include "http/report_range.h"
#include "http/route_kit.h"
#include "projections/export_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using projections::ExportFormat;
using projections::ExportRange;

// One piece: big enough that framing and a read transaction per piece cost little, small
// enough that producing it keeps the IO thread for about a millisecond.
constexpr std::size_t kPieceBytes = 64 * 1024;
// Exports are for archiving as well as reporting: up to ten years at once.
constexpr int kMaxExportDays = 3660;

constexpr std::string_view kCsvType = "text/csv; charset=utf-8";
// JSON Lines has no registered media type; this is the one its consumers accept.
constexpr std::string_view kJsonLinesType = "application/x-ndjson";

struct ExportQuery {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> tz;
  std::optional<std::string> format;
};

std::shared_ptr<const QueryContract<ExportQuery>> export_contract(std::string_view default_format,
                                                                  std::string_view csv_rows) {
  auto q = std::make_shared<QueryContract<ExportQuery>>();
  add_range_params(*q);
  q->param(OneOf("format", {"csv", "jsonl"})
               .defaults_to(default_format)
               .describe(fmt::format("csv: RFC 4180, UTF-8, a header row, {}; formula-like text "
                                     "cells are prefixed with an apostrophe. jsonl: one JSON "
                                     "object per line",
                                     csv_rows)),
           &ExportQuery::format);
  return q;
}

// A cursor (ItemsExport or ConversationsExport) read one piece per call, each with its own
// short read lease, so a slow client never holds a read transaction or a connection.
template <typename Cursor>
class ExportSource final : public BodySource {
 public:
  ExportSource(projections::ReaderPool& readers, Cursor cursor, std::string what)
      : readers_(readers), cursor_(std::move(cursor)), what_(std::move(what)) {}

  Step next(std::string& out) override {
    Result<projections::PooledLease> lease = readers_.lease();
    if (!lease.ok()) return fail(lease.status());
    Result<bool> done = cursor_.next(lease->db(), out, kPieceBytes);
    if (!done.ok()) return fail(done.status());
    return *done ? Step::kDone : Step::kMore;
  }

 private:
  Step fail(const Status& status) {
    log_error("export.failed", [&](JsonWriter& w) {
      w.field("export", what_);
      w.field("error", status.ToString());
    });
    return Step::kFailed;
  }

  projections::ReaderPool& readers_;
  Cursor cursor_;
  std::string what_;
};

template <typename Cursor>
Response stream_export(ApiContext& api, const ExportQuery& q, std::string_view what) {
  const ReportRange r = report_range(api, RangeParams{q.from, q.to, q.tz}, kMaxExportDays);
  const ExportFormat format = q.format == "csv" ? ExportFormat::kCsv : ExportFormat::kJsonLines;
  Cursor cursor(ExportRange{r.start(), r.end()}, format);
  Response out = Response::stream(
      std::string(format == ExportFormat::kCsv ? kCsvType : kJsonLinesType),
      std::make_shared<ExportSource<Cursor>>(api.readers, std::move(cursor), std::string(what)));
  out.add_header("Content-Disposition",
                 fmt::format("attachment; filename=\"{}-{}-{}.{}\"", what, r.from, r.to,
                             format == ExportFormat::kCsv ? "csv" : "jsonl"));
  return out;
}

std::string streamed_content(std::string_view csv, std::string_view jsonl) {
  return fmt::format(
      R"({{"text/csv":{{"schema":{{"type":"string","description":"{}"}}}},)"
      R"("application/x-ndjson":{{"schema":{{"type":"string","description":"{}"}}}}}})",
      csv, jsonl);
}

}  // namespace

void add_export_routes(Router& router, ApiContext& api) {
  RouteMeta items = staff_route_meta(
      "admin.analytics.items", "Analytics (Admin)",
      "Every support request and inquiry created in the range with its analytics fields, "
      "streamed",
      auth::Permission::kAnalyticsRead);
  items.raw_response_content = streamed_content(
      "A header row, then one row per item: kind, id, reference, ticketNumber, createdAt, "
      "channel, category, priority, journey, status, assigneeId, firstAssignedAt, "
      "firstResponseAt, firstResponseSeconds, resolvedAt, firstResponseSla, resolutionSla, "
      "nextResponseSla, satisfactionRating",
      "One object per item with the CSV columns as fields");
  add_route(router, Method::kGet, "/api/admin/analytics/items", std::move(items),
            export_contract("csv", "one row per item"), [&api](RequestContext&, ExportQuery q) {
              return stream_export<projections::ItemsExport>(api, q, "items");
            });

  RouteMeta conversations = staff_route_meta(
      "admin.export.conversations", "Export (Admin)",
      "Every support request and inquiry created in the range with its messages, streamed",
      auth::Permission::kDataExport);
  conversations.raw_response_content = streamed_content(
      "A header row, then one row per message: conversationType, conversationId, reference, "
      "subject, messageId, senderType, senderId, createdAt, message, eventId, attachments",
      "One conversation per line: its fields and its messages in order");
  add_route(router, Method::kGet, "/api/admin/export/conversations", std::move(conversations),
            export_contract("jsonl", "one row per message"),
            [&api](RequestContext&, ExportQuery q) {
              return stream_export<projections::ConversationsExport>(api, q, "conversations");
            });
}

}  // namespace docket::http
