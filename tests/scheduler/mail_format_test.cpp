#include "scheduler/mail_format.h"

#include <doctest/doctest.h>

namespace {

using docket::scheduler::Mailbox;
using docket::scheduler::MailMessage;

constexpr docket::UnixMillis kDate = 1'795'327'043'000;  // Sun, 22 Nov 2026 05:57:23 UTC

// Every "\n" in `text` is preceded by "\r", and there is no other "\r".
bool only_crlf(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
  }
  return true;
}

std::size_t longest_line(std::string_view text) {
  std::size_t longest = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

std::string header_block(const std::string& text) {
  return text.substr(0, text.find("\r\n\r\n"));
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("a plain ASCII message: headers, 7bit body, CRLF everywhere") {
    const Mailbox from{"Docket Support", "support@example.com"};
    auto text = docket::scheduler::format_message({.to = "ana@example.com",
                                                   .subject = "Your request SR-7",
                                                   .body = "Hello Ana,\n.\n..dots\nBye",
                                                   .message_id = "<outbox.7.1@docket>",
                                                   .date_ms = kDate},
                                                  from, 0);
    REQUIRE(text.ok());
    CHECK(*text ==
          "Date: Sun, 22 Nov 2026 05:57:23 +0000\r\n"
          "From: Docket Support <support@example.com>\r\n"
          "To: ana@example.com\r\n"
          "Subject: Your request SR-7\r\n"
          "Message-ID: <outbox.7.1@docket>\r\n"
          "MIME-Version: 1.0\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 7bit\r\n"
          "\r\n"
          "Hello Ana,\r\n.\r\n..dots\r\nBye\r\n");
  }

  TEST_CASE("non-ASCII subjects are RFC 2047 words; bodies quoted-printable") {
    const std::string subject =
        "Antwort auf Ihre Anfrage – Drucker brennt – Größe, Übermaß, 日本語のテキスト";
    auto text = docket::scheduler::format_message(
        {.to = "ana@example.com", .subject = subject, .body = "Grüße\n" + std::string(100, 'x')},
        {"", "no-reply@example.com"}, kDate);
    REQUIRE(text.ok());
    CHECK(only_crlf(*text));
    CHECK(longest_line(*text) <= 78);
    const std::string headers = header_block(*text);
    CHECK(headers.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(headers.find("?=\r\n =?UTF-8?B?") != std::string::npos);  // folded into words
    CHECK(headers.find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);
    CHECK(headers.find("From: no-reply@example.com\r\n") != std::string::npos);
    CHECK(headers.find("Message-ID: <") != std::string::npos);
    CHECK(text->find("\r\n\r\nGr=C3=BC=C3=9Fe\r\n") != std::string::npos);
    CHECK(text->find("=\r\nxxx") != std::string::npos);  // a soft break in the long line
  }

  TEST_CASE("quoted-printable encodes '=', trailing blanks and control bytes") {
    CHECK(docket::scheduler::encode_quoted_printable("a=b \nc\td\t\r\n") ==
          "a=3Db=20\r\nc\td=09\r\n");
    CHECK(docket::scheduler::encode_quoted_printable("") == "");
  }

  TEST_CASE("display names are quoted or encoded as needed") {
    using docket::scheduler::format_mailbox;
    CHECK(format_mailbox({"Docket", "a@b.c"}) == "Docket <a@b.c>");
    CHECK(format_mailbox({"Docket, Inc.", "a@b.c"}) == "\"Docket, Inc.\" <a@b.c>");
    CHECK(format_mailbox({"Say \"hi\"", "a@b.c"}) == "\"Say \\\"hi\\\"\" <a@b.c>");
    CHECK(format_mailbox({"Zoë", "a@b.c"}) == "=?UTF-8?B?Wm/Dqw==?= <a@b.c>");
    auto parsed = docket::scheduler::parse_mailbox("  \"Docket, Inc.\" <no-reply@example.com> ");
    REQUIRE(parsed.ok());
    CHECK(parsed->display_name == "Docket, Inc.");
    CHECK(parsed->address == "no-reply@example.com");
    CHECK(docket::scheduler::parse_mailbox("no-reply@localhost")->display_name.empty());
    CHECK_FALSE(docket::scheduler::parse_mailbox("Docket <no-reply@x>\r\nBcc: v@x").ok());
    CHECK_FALSE(docket::scheduler::parse_mailbox("Docket <nobody>").ok());
  }

  TEST_CASE("header injection is impossible") {
    const Mailbox from{"Docket", "no-reply@example.com"};
    MailMessage m{.to = "ana@example.com", .subject = "Hi", .body = "x"};
    SUBCASE("subject") {
      m.subject = "Hi\r\nBcc: victim@example.com";
    }
    SUBCASE("bare LF in subject") {
      m.subject = "Hi\nBcc: victim@example.com";
    }
    SUBCASE("recipient") {
      m.to = "ana@example.com\r\nBcc: victim@example.com";
    }
    SUBCASE("recipient with a second address") {
      m.to = "ana@example.com,victim@example.com";
    }
    SUBCASE("message id") {
      m.message_id = "<a@b>\r\nBcc: victim@example.com";
    }
    auto text = docket::scheduler::format_message(m, from, kDate);
    CHECK(text.status().IsInvalidArgument());
    auto bad_from = docket::scheduler::format_message(
        {.to = "ana@example.com", .subject = "Hi", .body = "x"},
        {"Docket\r\nBcc: victim@example.com", "no-reply@example.com"}, kDate);
    CHECK(bad_from.status().IsInvalidArgument());
  }

  TEST_CASE("addresses") {
    using docket::scheduler::is_valid_address;
    CHECK(is_valid_address("ana@example.com"));
    CHECK(is_valid_address("a.b+tag@sub.example.co"));
    CHECK_FALSE(is_valid_address("ana"));
    CHECK_FALSE(is_valid_address("@example.com"));
    CHECK_FALSE(is_valid_address("ana@"));
    CHECK_FALSE(is_valid_address("a@b@c"));
    CHECK_FALSE(is_valid_address("ana @example.com"));
    CHECK_FALSE(is_valid_address("<ana@example.com>"));
    CHECK_FALSE(is_valid_address("änä@example.com"));
  }

  TEST_CASE("RFC 5322 dates") {
    CHECK(docket::scheduler::format_rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(docket::scheduler::format_rfc5322_date(kDate) == "Sun, 22 Nov 2026 05:57:23 +0000");
  }
}
