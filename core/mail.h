// OutgoingMail: an e-mail a component wants sent, and the function type that queues
// one. The scheduler's outbox (scheduler/outbox.h) stores and delivers them; the HTTP
// routes only see this declaration, so they do not depend on the scheduler.
#pragma once

#include <functional>
#include <string>

namespace docket {

struct OutgoingMail {
  std::string kind;        // what it is about: "support_request.admin_reply"
  std::string to_address;  // "ana@example.com"
  std::string subject;     // UTF-8, one line
  std::string body;        // UTF-8 plain text
  // Identifies the cause, so queueing the same cause twice makes one message:
  // "support_request.admin_reply:event-1234".
  std::string dedupe_key;
};

// Queues a mail for delivery. Failures are the queue's to log: the command that
// caused the mail has already completed.
using QueueMail = std::function<void(const OutgoingMail&)>;

}  // namespace docket
