// SmtpSender: delivers mail to an SMTP server with libcurl.
//
//   SMTP_URL       smtp://host:587 (plain, or STARTTLS with SMTP_STARTTLS=true) or
//                  smtps://host:465 (TLS from the first byte)
//   SMTP_FROM      "Docket <no-reply@example.com>": the From header and MAIL FROM
//   SMTP_USERNAME / SMTP_PASSWORD   AUTH when a user name is set; never logged
//   SMTP_STARTTLS  true: CURLUSESSL_ALL (no TLS, no message)
//
// One connection per message (mail volume is small; nothing to keep alive between
// sends). Error messages never contain the password, the URL's credentials or the body.
//
// Thread safety: one send() at a time per instance (the DeliveryWorker's thread).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "scheduler/mail_format.h"
#include "scheduler/mail_sender.h"

namespace docket::scheduler {

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string from = "Docket <no-reply@localhost>";
  std::string username;  // empty: no AUTH
  std::string password;
  bool starttls = false;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // the whole exchange of one message
  const Clock* clock = nullptr;               // for Date; SystemClock when null
};

class SmtpSender final : public MailSender {
 public:
  // InvalidArgument when the URL or the From address is malformed.
  static Result<std::unique_ptr<SmtpSender>> create(SmtpOptions options);

  Status send(const MailMessage& message) override;
  const char* name() const override { return "smtp"; }

 private:
  SmtpSender(SmtpOptions options, Mailbox from)
      : options_(std::move(options)), from_(std::move(from)) {}

  SmtpOptions options_;
  Mailbox from_;
};

}  // namespace docket::scheduler
