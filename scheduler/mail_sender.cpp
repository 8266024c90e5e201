#include "scheduler/mail_sender.h"

#include "scheduler/file_sink.h"
#include "scheduler/smtp_sender.h"

namespace docket::scheduler {

Result<std::unique_ptr<MailSender>> make_mail_sender(const Config& config,
                                                     const std::string& mail_dir) {
  if (config.smtp_url.empty()) {
    auto sink = FileSink::open(mail_dir, config.smtp_from);
    if (!sink.ok()) return sink.status();
    return std::unique_ptr<MailSender>(std::move(sink).value());
  }
  auto smtp = SmtpSender::create({.url = config.smtp_url,
                                  .from = config.smtp_from,
                                  .username = config.smtp_username,
                                  .password = config.smtp_password,
                                  .starttls = config.smtp_starttls});
  if (!smtp.ok()) return smtp.status();
  return std::unique_ptr<MailSender>(std::move(smtp).value());
}

}  // namespace docket::scheduler
