#include "scheduler/smtp_sender.h"

#include <doctest/doctest.h>

#include <thread>

#include "scheduler/delivery_worker.h"
#include "scheduler/outbox.h"
#include "tests/scheduler/mail_test_support.h"
#include "tests/support/test_support.h"

namespace {

using docket::scheduler::SmtpSender;
using docket::testing::SmtpServer;

std::unique_ptr<SmtpSender> smtp_sender(std::uint16_t port, const docket::Clock* clock = nullptr) {
  auto sender = SmtpSender::create({.url = "smtp://127.0.0.1:" + std::to_string(port),
                                    .from = "Docket Support <support@example.com>",
                                    .connect_timeout = std::chrono::seconds(2),
                                    .timeout = std::chrono::seconds(10),
                                    .clock = clock});
  REQUIRE(sender.ok());
  return std::move(sender).value();
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("SmtpSender refuses bad configuration") {
    CHECK(SmtpSender::create({.url = "http://mail.example.com"}).status().IsInvalidArgument());
    CHECK(SmtpSender::create({.url = "smtp://mail.example.com", .from = "nobody"})
              .status()
              .IsInvalidArgument());
    CHECK(SmtpSender::create({.url = "smtps://mail.example.com:465"}).ok());
  }
}

TEST_SUITE("scheduler.integration") {
  TEST_CASE("SmtpSender delivers through a real SMTP server on loopback") {
    REQUIRE_MESSAGE(!docket::testing::python_with_aiosmtpd().empty(),
                    "python3-aiosmtpd is missing (scripts/install-deps.sh installs it)");
    docket::testing::TempDir dir;
    const std::uint16_t port = docket::testing::free_loopback_port();
    SmtpServer server(port, dir.sub("maildir"));
    REQUIRE(server.wait_ready());

    auto sender = smtp_sender(port);
    // Lines that are a single dot or start with one test curl's dot-stuffing.
    const std::string body = "Hallo Ana,\n.\n.versteckt\nIhr Code: 483920\nGrüße\n";
    REQUIRE(sender
                ->send({.to = "ana@example.com",
                        .subject = "Antwort auf Ihre Anfrage – Größe 日本語",
                        .body = body,
                        .message_id = "<outbox.9.1@docket>",
                        .date_ms = 1'795'327'043'000})
                .ok());
    REQUIRE(docket::testing::eventually([&] { return server.messages().size() == 1; }));
    auto parsed = docket::testing::parse_mail_file(server.messages().front());
    REQUIRE_MESSAGE(parsed.ok, parsed.error);
    CHECK(parsed.defects == 0);
    CHECK(parsed.headers["subject"] == "Antwort auf Ihre Anfrage – Größe 日本語");
    CHECK(parsed.headers["from"] == "Docket Support <support@example.com>");
    CHECK(parsed.headers["to"] == "ana@example.com");
    CHECK(parsed.headers["message-id"] == "<outbox.9.1@docket>");
    CHECK(parsed.headers["date"] == "Sun, 22 Nov 2026 05:57:23 +0000");
    CHECK(parsed.headers["x-mailfrom"] == "support@example.com");  // the SMTP envelope
    CHECK(parsed.headers["x-rcptto"] == "ana@example.com");
    CHECK(parsed.body == body);

    // A 7bit message with dot lines as well.
    REQUIRE(sender->send({.to = "bob@example.com", .subject = "plain", .body = ".\n..\nend"}).ok());
    REQUIRE(docket::testing::eventually([&] { return server.messages().size() == 2; }));
    int plain = 0;
    for (const std::string& path : server.messages()) {
      auto mail = docket::testing::parse_mail_file(path);
      REQUIRE_MESSAGE(mail.ok, mail.error);
      if (mail.headers["to"] != "bob@example.com") continue;
      ++plain;
      CHECK(mail.headers["content-transfer-encoding"] == "7bit");
      CHECK(mail.body == ".\n..\nend\n");
    }
    CHECK(plain == 1);
  }

  TEST_CASE("a refused connection is retried with backoff and delivered once a server listens") {
    REQUIRE_MESSAGE(!docket::testing::python_with_aiosmtpd().empty(),
                    "python3-aiosmtpd is missing (scripts/install-deps.sh installs it)");
    docket::testing::TempDir dir;
    docket::ManualClock clock(1'795'000'000'000);
    auto outbox = docket::scheduler::Outbox::open(dir.sub("outbox.sqlite"), clock);
    REQUIRE(outbox.ok());
    const std::uint16_t port = docket::testing::free_loopback_port();  // nothing listens
    auto sender = smtp_sender(port, &clock);
    docket::scheduler::DeliveryWorker worker(**outbox, *sender, clock,
                                             {.poll_interval = std::chrono::milliseconds(50)});
    REQUIRE((*outbox)
                ->enqueue({.kind = "support_request.admin_reply",
                           .to_address = "ana@example.com",
                           .subject = "Re: SR-3",
                           .body = "We are on it.\n",
                           .dedupe_key = "event-3"})
                .ok());
    worker.start();
    worker.notify();
    REQUIRE(docket::testing::eventually([&] { return worker.counters().failed == 1; }));
    auto record = (*outbox)->find_by_dedupe_key("event-3");
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    CHECK((*record)->state == docket::scheduler::MailState::kQueued);
    CHECK((*record)->attempts == 1);
    CHECK((*record)->next_attempt_at == clock.now_ms() + 30'000);
    CHECK((*record)->last_error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);

    SmtpServer server(port, dir.sub("maildir"));
    REQUIRE(server.wait_ready());
    const std::uint64_t passes = worker.counters().passes;
    worker.notify();
    REQUIRE(docket::testing::eventually([&] { return worker.counters().passes > passes; }));
    CHECK(worker.counters().sent == 0);  // not due yet: the clock has not moved
    CHECK(server.messages().empty());

    clock.advance(30'000);
    worker.notify();
    REQUIRE(docket::testing::eventually([&] { return worker.counters().sent == 1; }));
    worker.stop();
    CHECK(worker.counters().failed == 1);
    REQUIRE(docket::testing::eventually([&] { return server.messages().size() == 1; }));
    auto parsed = docket::testing::parse_mail_file(server.messages().front());
    REQUIRE_MESSAGE(parsed.ok, parsed.error);
    CHECK(parsed.headers["subject"] == "Re: SR-3");
    CHECK(parsed.body == "We are on it.\n");
    auto stats = (*outbox)->stats();
    CHECK(stats->sent == 1);
    CHECK(stats->queued == 0);
    CHECK(stats->failed_attempts == 1);
    CHECK((*outbox)->find_by_dedupe_key("event-3")->value().body.empty());
  }
}
