// SupportInquiries: the "support_inquiries" projection — inquiries, their messages, the
// guest tokens, and the admin search index.
//
//   inquiries(id INTEGER PRIMARY KEY, tracking_code UNIQUE, subject, category, status,
//             customer_id, assigned_admin_id, support_request_id, guest_name,
//             guest_email, guest_phone, email_verified (0/1), created_at, updated_at,
//             closed_at (ISO-8601 UTC), created_ms, updated_ms, message_count, journey
//             (JSON {id, version, answers} of the journey that created it, or NULL))
//   inquiry_messages(inquiry_id, id, sender_type, sender_id, message, created_at,
//             event_id, attachments (JSON [{id, fileName, contentType, size, url}] or
//             NULL); PRIMARY KEY (inquiry_id, id)) WITHOUT ROWID
//   support_inquiry_tokens(token_hash PRIMARY KEY, inquiry_id, expires_at_ms,
//             revoked_at_ms): the guest tokens, by hash only (indexed by inquiry too,
//             for support.inquiry.token_revoked)
//   inquiry_search  FTS5, trigram, contentless: rowid = inquiry id, over tracking code,
//             subject, guest e-mail, name and phone (kept in step with contact changes)
//   inquiry_status_counts(status PRIMARY KEY, n)
//
// updated_at / updated_ms are the time of the inquiry's last event: the inactive-close
// job selects by updated_at through the (status, updated_at) index the lists use.
// `support.inquiry.linked` moves the status (and its count) to linked and sets support_request_id;
// `support.inquiry.token_revoked` sets revoked_at_ms on the inquiry's token. Built from the
// support.inquiry* events (domain/support_inquiry.h).
#pragma once

#include <string_view>

#include "domain/support_inquiry_events.h"
#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class SupportInquiriesProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "support_inquiries";
  // 2: support_inquiry_tokens_by_inquiry; support.inquiry.linked and token_revoked.
  // 5: the journey column; 6: the attachments column of inquiry_messages; 7: priority,
  // ticket_number and source (seed 001's form tickets), the satisfaction columns.
  static constexpr int kSchemaVersion = 7;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override {
    return domain::SupportInquiryEvent::contains(type);
  }
};

}  // namespace docket::projections
