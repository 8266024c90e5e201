// RFC 5322 / MIME text of one plain-text message, shared by every MailSender.
//
//   Date: Sun, 22 Nov 2026 05:57:23 +0000
//   From: Docket <no-reply@example.com>
//   To: ana@example.com
//   Subject: =?UTF-8?B?w4RuZGVydW5n?=
//   Message-ID: <outbox.12.1795327054000@example.com>
//   MIME-Version: 1.0
//   Content-Type: text/plain; charset=utf-8
//   Content-Transfer-Encoding: quoted-printable
//
//   body …
//
// Every line ends in CRLF. Header injection is impossible: an address or subject with
// CR, LF or NUL is refused (InvalidArgument), never copied into the header block.
// ASCII bodies with lines of at most 998 bytes go out as 7bit, everything else as
// quoted-printable (safe through any relay, 8BITMIME or not). Dot-stuffing is the
// transport's business (libcurl does it for SMTP).
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "scheduler/mail_sender.h"

namespace docket::scheduler {

// A parsed From value: "Docket <no-reply@example.com>" or "no-reply@example.com".
struct Mailbox {
  std::string display_name;  // may be empty; UTF-8
  std::string address;       // addr-spec
};

// True for a plain addr-spec "local@domain": printable ASCII, one '@', no spaces,
// no CR/LF/NUL, none of <>()[],;:\" and at most 254 bytes.
bool is_valid_address(std::string_view address);

// Parses "Name <addr>" or "addr". InvalidArgument on anything else.
Result<Mailbox> parse_mailbox(std::string_view text);

// The header value of `mailbox`: the name quoted or RFC 2047-encoded as needed.
std::string format_mailbox(const Mailbox& mailbox);

// "Sun, 22 Nov 2026 05:57:23 +0000".
std::string format_rfc5322_date(UnixMillis ms);

// RFC 2047 "B" encoded-words for a non-ASCII header value, split at character
// boundaries and folded (CRLF SP) so no header line exceeds 78 characters; ASCII text
// is returned unchanged. REQUIRES: `utf8` is valid UTF-8 without CR/LF.
std::string encode_header_text(std::string_view utf8);

// Quoted-printable (RFC 2045 §6.7) of a body whose lines end in "\n" or "\r\n";
// output lines end in CRLF and are at most 76 characters.
std::string encode_quoted_printable(std::string_view text);

// A Message-ID "<left@domain>" with a random left part, for messages that bring none.
std::string make_message_id(std::string_view domain);

// The complete message text (headers, blank line, body) with CRLF line ends.
// `now_ms` fills Date when message.date_ms is 0. InvalidArgument names the bad field.
Result<std::string> format_message(const MailMessage& message, const Mailbox& from,
                                   UnixMillis now_ms);

}  // namespace docket::scheduler
