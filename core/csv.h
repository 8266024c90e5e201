// CSV rows for report downloads: RFC 4180 (comma separated, CRLF line ends, a field
// quoted when it holds a comma, a quote, CR or LF, quotes doubled), UTF-8, and safe to
// open in a spreadsheet: a text field starting with =, +, -, @, tab or CR is prefixed
// with an apostrophe, so it is shown as text instead of run as a formula (OWASP, "CSV
// Injection"). Numbers are written as they are.
//
// Written here rather than taken from a library: Debian packages no C++ CSV writer, and
// writing is a few lines; reading CSV is never needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace docket {

class CsvWriter {
 public:
  CsvWriter() = default;
  // Appends to `initial` (a streamed export's current piece). Starts a new row.
  explicit CsvWriter(std::string initial) : out_(std::move(initial)) {}

  // A text field.
  CsvWriter& text(std::string_view value);
  // Number fields.
  CsvWriter& number(std::int64_t value);
  CsvWriter& number(double value);  // shortest round-trip form; non-finite: empty
  CsvWriter& empty();
  // Ends the row (CRLF).
  CsvWriter& end_row();

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool row_started_ = false;
};

}  // namespace docket
