// Bulk exports read piece by piece (docs/analytics.md, "Exports"): each cursor remembers
// where it stopped and next() continues from there with a new read, so an export of any
// length needs memory for one piece only and holds no read transaction between pieces.
//
//   ItemsExport          one row per support request and inquiry created in a range,
//                        with its analytics fields (analytics.items joined with the two
//                        read models for the reference, resolution time and rating)
//   ConversationsExport  every support request and inquiry created in a range with its
//                        messages; JSON Lines (one conversation per line) or CSV (one
//                        message per row)
//
// Each piece is read in one read transaction, so a row and its messages agree; the
// export as a whole is not a snapshot: a conversation is exported as it stood when its
// piece was read, and rows are visited in key order (kind, id), which is creation order.
// A message added to a conversation after its piece was read is not in the export.
// Not thread-safe; one cursor per export.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "projections/sqlite.h"

namespace docket::projections {

enum class ExportFormat { kCsv, kJsonLines };

// [from_ms, to_ms): creation instants, UTC milliseconds.
struct ExportRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};

class ItemsExport {
 public:
  ItemsExport(ExportRange range, ExportFormat format) : range_(range), format_(format) {}

  // Appends rows to `out` until it holds at least `budget` bytes or the export ends
  // (the CSV header row comes first). True when the export has ended.
  Result<bool> next(Database& db, std::string& out, std::size_t budget);

  std::int64_t rows() const { return rows_; }

 private:
  ExportRange range_;
  ExportFormat format_;
  bool started_ = false;
  std::string last_kind_;  // keyset position: the last row written
  std::int64_t last_id_ = 0;
  std::int64_t rows_ = 0;
};

class ConversationsExport {
 public:
  ConversationsExport(ExportRange range, ExportFormat format) : range_(range), format_(format) {}

  // Appends to `out` until it holds at least `budget` bytes or the export ends. A long
  // conversation spans pieces: its messages are read in batches. True when the export
  // has ended.
  Result<bool> next(Database& db, std::string& out, std::size_t budget);

  // Conversations and messages written so far.
  std::int64_t conversations() const { return conversations_; }
  std::int64_t messages() const { return messages_; }

 private:
  enum class Phase { kRequests, kInquiries, kDone };
  // Opens the next conversation of the phase after `last_id_`; false when none is left.
  Result<bool> open_next(Database& db, std::string& out);
  // Writes the next batch of the open conversation's messages; closes it after the last.
  Status continue_messages(Database& db, std::string& out);

  ExportRange range_;
  ExportFormat format_;
  bool started_ = false;
  Phase phase_ = Phase::kRequests;
  std::int64_t last_id_ = 0;  // the open (or last closed) conversation of the phase
  bool open_ = false;         // a conversation's messages are being written
  std::string reference_;     // the open conversation's ticket number or tracking code
  std::string subject_;       // and its subject (CSV rows repeat both)
  std::int64_t last_message_ = 0;
  std::int64_t written_in_conversation_ = 0;
  std::int64_t conversations_ = 0;
  std::int64_t messages_ = 0;
};

}  // namespace docket::projections
