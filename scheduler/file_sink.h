// FileSink: the mail transport of a first run, when SMTP_URL is empty. Each message
// becomes one RFC 5322 file <dir>/<date ms>-<message id>.eml that any mail client
// opens.
//
// Durable like a hand-over to SMTP: the text is written to a temporary file in `dir`,
// fsync'ed, renamed into place and the directory fsync'ed before send() returns OK.
// A retry of the same message (same Message-ID) replaces its file, never doubles it.
//
// Thread safety: one send() at a time per instance.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "scheduler/mail_format.h"
#include "scheduler/mail_sender.h"

namespace docket::scheduler {

class FileSink final : public MailSender {
 public:
  // Creates `dir` (mode 0700: the files may hold one-time codes) when missing.
  // `clock` (SystemClock when null) must outlive the sink.
  static Result<std::unique_ptr<FileSink>> open(const std::string& dir, const std::string& from,
                                                const Clock* clock = nullptr);

  Status send(const MailMessage& message) override;
  const char* name() const override { return "file"; }

  const std::string& directory() const { return dir_; }

 private:
  FileSink(std::string dir, Mailbox from, const Clock& clock)
      : dir_(std::move(dir)), from_(std::move(from)), clock_(clock) {}

  std::string dir_;
  Mailbox from_;
  const Clock& clock_;
};

}  // namespace docket::scheduler
