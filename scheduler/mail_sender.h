// MailSender: hands one finished message to a transport (an SMTP server, a directory).
//
// The outbox's DeliveryWorker is the only caller in the server; tests call senders
// directly. Implementations: SmtpSender (libcurl, scheduler/smtp_sender.h) and FileSink
// (.eml files, scheduler/file_sink.h). make_mail_sender() picks one from the config.
//
// Never log a message body or a password: a body may carry a one-time code.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"

namespace docket::scheduler {

// One message as the sender sees it. The sender adds From (its own configuration),
// Date, MIME headers, and turns `body` into a CRLF, transfer-encoded body.
struct MailMessage {
  std::string to;          // addr-spec: "ana@example.com" (no display name, no CR/LF)
  std::string subject;     // UTF-8, one line; RFC 2047-encoded when not ASCII
  std::string body;        // UTF-8 plain text; "\n" or "\r\n" line ends
  std::string message_id;  // "<…@…>", stable across retries of one message; "" = generated
  UnixMillis date_ms = 0;  // the Date header; 0 = now
};

class MailSender {
 public:
  virtual ~MailSender() = default;

  // Delivers `message` or says why not. OK means the transport took responsibility
  // for it (SMTP: the server answered 250 to DATA; FileSink: the file is durable).
  // InvalidArgument means retrying cannot help (malformed address or header, a
  // permanent 5xx rejection of the recipient); every other error is worth a retry.
  // Thread safety: implementations allow one call at a time per instance.
  virtual Status send(const MailMessage& message) = 0;

  // "smtp" or "file": for logs and status pages.
  virtual const char* name() const = 0;
};

// The sender the configuration asks for: SmtpSender when SMTP_URL is set, otherwise
// a FileSink writing into `mail_dir` (created when missing).
Result<std::unique_ptr<MailSender>> make_mail_sender(const Config& config,
                                                     const std::string& mail_dir);

}  // namespace docket::scheduler
