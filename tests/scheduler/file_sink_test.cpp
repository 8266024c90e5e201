#include "scheduler/file_sink.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "scheduler/delivery_worker.h"
#include "scheduler/outbox.h"
#include "tests/scheduler/mail_test_support.h"
#include "tests/support/test_support.h"

namespace {

using docket::scheduler::FileSink;
using docket::scheduler::MailMessage;

std::vector<std::string> eml_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    files.push_back(e.path().string());
  return files;
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("FileSink writes a parseable .eml with CRLF headers") {
    docket::testing::TempDir dir;
    docket::ManualClock clock(1'795'327'043'000);
    auto sink = FileSink::open(dir.sub("mail"), "Docket Support <support@example.com>", &clock);
    REQUIRE(sink.ok());
    const std::string body = "Hallo Ana,\n\nIhr Code: 483920\n.\nGrüße\n";
    REQUIRE((*sink)
                ->send({.to = "ana@example.com",
                        .subject = "Ihre Anfrage – Größe",
                        .body = body,
                        .message_id = "<outbox.1.2@docket>"})
                .ok());

    auto files = eml_files(dir.sub("mail"));
    REQUIRE(files.size() == 1);  // no temporary file left behind
    CHECK(files[0].ends_with("-outbox.1.2_docket.eml"));
    CHECK((std::filesystem::status(dir.sub("mail")).permissions() &
           std::filesystem::perms::others_all) == std::filesystem::perms::none);
    const std::string raw = docket::testing::read_file(files[0]);
    const std::string headers = raw.substr(0, raw.find("\r\n\r\n"));
    CHECK(headers.find('\n') != std::string::npos);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n') REQUIRE(raw[i - 1] == '\r');
    }

    auto parsed = docket::testing::parse_mail_file(files[0]);
    REQUIRE_MESSAGE(parsed.ok, parsed.error);
    CHECK(parsed.defects == 0);
    CHECK(parsed.headers["subject"] == "Ihre Anfrage – Größe");
    CHECK(parsed.headers["from"] == "Docket Support <support@example.com>");
    CHECK(parsed.headers["to"] == "ana@example.com");
    CHECK(parsed.headers["message-id"] == "<outbox.1.2@docket>");
    CHECK(parsed.headers["date"] == "Sun, 22 Nov 2026 05:57:23 +0000");
    CHECK(parsed.headers["mime-version"] == "1.0");
    CHECK(parsed.body == body);

    // The same message again (a retry) replaces its file.
    REQUIRE((*sink)
                ->send({.to = "ana@example.com",
                        .subject = "Ihre Anfrage – Größe",
                        .body = body,
                        .message_id = "<outbox.1.2@docket>"})
                .ok());
    CHECK(eml_files(dir.sub("mail")).size() == 1);
  }

  TEST_CASE("FileSink refuses header injection and writes nothing") {
    docket::testing::TempDir dir;
    auto sink = FileSink::open(dir.sub("mail"), "no-reply@localhost");
    REQUIRE(sink.ok());
    auto status = (*sink)->send(
        {.to = "ana@example.com", .subject = "Hi\r\nBcc: victim@example.com", .body = "x"});
    CHECK(status.IsInvalidArgument());
    CHECK(eml_files(dir.sub("mail")).empty());
    CHECK_FALSE(FileSink::open(dir.sub("mail"), "Docket <x@y>\nBcc: v@w").ok());
  }

  TEST_CASE("make_mail_sender picks the file sink when SMTP_URL is empty") {
    docket::testing::TempDir dir;
    docket::Config config;
    auto sender = docket::scheduler::make_mail_sender(config, dir.sub("mail"));
    REQUIRE(sender.ok());
    CHECK(std::string((*sender)->name()) == "file");
    config.smtp_url = "smtp://127.0.0.1:2525";
    sender = docket::scheduler::make_mail_sender(config, dir.sub("mail"));
    REQUIRE(sender.ok());
    CHECK(std::string((*sender)->name()) == "smtp");
  }
}

TEST_SUITE("scheduler.integration") {
  TEST_CASE("the worker delivers into the file sink as soon as it is notified") {
    docket::testing::TempDir dir;
    docket::ManualClock clock(1'795'000'000'000);
    auto outbox = docket::scheduler::Outbox::open(dir.sub("outbox.sqlite"), clock);
    REQUIRE(outbox.ok());
    auto sink = FileSink::open(dir.sub("mail"), "Docket <no-reply@localhost>", &clock);
    REQUIRE(sink.ok());
    // A poll interval far longer than the test: only notify() can make it deliver.
    docket::scheduler::DeliveryWorker worker(**outbox, **sink, clock,
                                             {.poll_interval = std::chrono::minutes(10)});
    worker.start();
    REQUIRE((*outbox)
                ->enqueue({.kind = "support_request.admin_reply",
                           .to_address = "ana@example.com",
                           .subject = "Re: SR-1",
                           .body = "Answered.",
                           .dedupe_key = "event-1"})
                .ok());
    worker.notify();
    CHECK(docket::testing::eventually([&] { return worker.counters().sent == 1; }));
    worker.stop();
    CHECK(eml_files(dir.sub("mail")).size() == 1);
    CHECK((*outbox)->stats()->sent == 1);
  }

  TEST_CASE("the worker retries with backoff and gives up after max attempts") {
    docket::testing::TempDir dir;
    docket::ManualClock clock(1'795'000'000'000);
    auto outbox =
        docket::scheduler::Outbox::open(dir.sub("outbox.sqlite"), clock, {.max_attempts = 3});
    REQUIRE(outbox.ok());
    docket::testing::FakeSender sender;
    docket::scheduler::DeliveryWorker worker(**outbox, sender, clock);
    REQUIRE((*outbox)
                ->enqueue({.kind = "k",
                           .to_address = "a@b.c",
                           .subject = "s",
                           .body = "b",
                           .dedupe_key = "1"})
                .ok());
    REQUIRE((*outbox)
                ->enqueue({.kind = "k",
                           .to_address = "a@b.c",
                           .subject = "s",
                           .body = "b",
                           .dedupe_key = "2"})
                .ok());
    sender.script({docket::Status::Unavailable("refused"), docket::Status::Ok(),
                   docket::Status::Unavailable("refused"), docket::Status::Unavailable("refused")});
    CHECK(*worker.run_once() == 1);  // 1 fails, 2 is sent
    CHECK(worker.counters().failed == 1);
    CHECK(*worker.run_once() == 0);  // 1 is not due yet
    clock.advance(30'000);
    CHECK(*worker.run_once() == 0);  // fails again
    clock.advance(60'000);
    CHECK(*worker.run_once() == 0);  // third failure: dead
    const auto counters = worker.counters();
    CHECK(counters.sent == 1);
    CHECK(counters.failed == 3);
    CHECK(counters.dead == 1);
    const auto sent = sender.sent();
    REQUIRE(sent.size() == 4);
    CHECK(sent[0].message_id == sent[2].message_id);  // a retry keeps its Message-ID
    CHECK(sent[0].message_id != sent[1].message_id);
    auto stats = (*outbox)->stats();
    CHECK(stats->dead == 1);
    CHECK(stats->sent == 1);
    CHECK(stats->failed_attempts == 3);
  }
}
