// Helpers for the scheduler tests: a scripted MailSender, a real SMTP server
// (python3 -m aiosmtpd with the Mailbox handler) as a child process, and a parser that
// reads an RFC 5322 file back with Python's email package.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "scheduler/mail_sender.h"

namespace docket::testing {

// Records every message; answers with the scripted results in order, then OK.
class FakeSender final : public scheduler::MailSender {
 public:
  Status send(const scheduler::MailMessage& message) override;
  const char* name() const override { return "fake"; }

  void script(std::vector<Status> results);
  std::vector<scheduler::MailMessage> sent() const;

 private:
  mutable std::mutex mu_;
  std::vector<Status> results_;
  std::vector<scheduler::MailMessage> sent_;
};

// The Python interpreter that has aiosmtpd (Debian's python3-aiosmtpd is installed for
// /usr/bin/python3; a pyenv shim on PATH may not see it). "" when none has it.
const std::string& python_with_aiosmtpd();

// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_loopback_port();

// `python3 -m aiosmtpd -n -l 127.0.0.1:<port> -c aiosmtpd.handlers.Mailbox <maildir>`,
// killed (SIGTERM, then waited for) on destruction.
class SmtpServer {
 public:
  SmtpServer(std::uint16_t port, std::string maildir);
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // True once the port accepts connections (within `timeout`).
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Paths of the messages delivered so far (maildir new/).
  std::vector<std::string> messages() const;

 private:
  std::uint16_t port_;
  std::string maildir_;
  pid_t pid_ = -1;
};

// A message file read back by Python's email package (policy=default): decoded
// headers and the decoded text body, plus raw facts about the bytes.
struct ParsedMail {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> headers;  // lower-case name -> decoded value
  std::string body;                            // decoded; CRLF turned into "\n"
  int defects = 0;                             // parser defects found
};
ParsedMail parse_mail_file(const std::string& path);

std::string read_file(const std::string& path);

}  // namespace docket::testing
