#include "scheduler/mail_format.h"

#include <cstdio>
#include <ctime>

#include "core/crypto.h"
#include "core/utf8.h"

namespace docket::scheduler {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// Bytes of UTF-8 per encoded-word: 39 bytes -> 52 base64 characters -> a 64-character
// word, which fits a header line beside "Subject: ".
constexpr std::size_t kEncodedWordBytes = 39;
constexpr std::size_t kMaxSubjectBytes = 900;
constexpr std::size_t kMaxLineBytes = 998;

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool has_line_break_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// RFC 5322 atext plus space: a display name made only of these needs no quoting.
bool is_plain_phrase(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" !#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool is_valid_message_id(std::string_view id) {
  if (id.size() < 5 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  if (id.find('@') == std::string_view::npos) return false;
  for (unsigned char c : id) {
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

std::string_view domain_of(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view("localhost") : address.substr(at + 1);
}

void add_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append(kCrlf);
}

// True when `text` can go out as 7bit: ASCII, no NUL or bare CR, short lines.
bool fits_7bit(std::string_view text) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      line = 0;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c >= 0x80 || c == 0 || c == '\r' || ++line > kMaxLineBytes) return false;
  }
  return true;
}

// `text` with every line ending in CRLF (a final line gets one too).
std::string to_crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append(line).append(kCrlf);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

bool is_valid_address(std::string_view address) {
  if (address.size() < 3 || address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (unsigned char c : address) {
    if (c <= 32 || c >= 127) return false;
    if (std::string_view("<>()[],;:\\\"").find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<Mailbox> parse_mailbox(std::string_view text) {
  if (has_line_break_or_nul(text)) return Status::InvalidArgument("mailbox contains a line break");
  text = trim(text);
  Mailbox mailbox;
  const std::size_t open = text.find('<');
  if (open == std::string_view::npos) {
    mailbox.address = std::string(text);
  } else {
    if (text.back() != '>' || text.find('>') != text.size() - 1) {
      return Status::InvalidArgument("mailbox: expected 'Name <address>'");
    }
    mailbox.address = std::string(text.substr(open + 1, text.size() - open - 2));
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (utf8_length(name) == std::string_view::npos) {
      return Status::InvalidArgument("mailbox: display name is not UTF-8");
    }
    mailbox.display_name = std::string(name);
  }
  if (!is_valid_address(mailbox.address)) {
    return Status::InvalidArgument("mailbox: not an e-mail address");
  }
  return mailbox;
}

std::string format_mailbox(const Mailbox& mailbox) {
  if (mailbox.display_name.empty()) return mailbox.address;
  std::string out;
  if (!is_ascii(mailbox.display_name)) {
    out = encode_header_text(mailbox.display_name);
  } else if (is_plain_phrase(mailbox.display_name)) {
    out = mailbox.display_name;
  } else {
    out += '"';
    for (char c : mailbox.display_name) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out.append(" <").append(mailbox.address).append(">");
  return out;
}

std::string format_rfc5322_date(UnixMillis ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string encode_header_text(std::string_view utf8) {
  if (is_ascii(utf8)) return std::string(utf8);
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    // Take whole characters up to kEncodedWordBytes (a word never splits one).
    std::size_t end = i;
    while (end < utf8.size()) {
      std::size_t len = utf8_sequence_length(utf8, end);
      if (len == 0) len = 1;  // REQUIRES says valid; never loop forever
      if (end + len - i > kEncodedWordBytes && end > i) break;
      end += len;
    }
    if (!out.empty()) out += "\r\n ";
    out.append("=?UTF-8?B?").append(base64(utf8.substr(i, end - i))).append("?=");
    i = end;
  }
  return out;
}

std::string encode_quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 11 / 10 + 16);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      char token[4] = {};
      std::size_t token_len = 0;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        token[token_len++] = static_cast<char>(c);
      } else {
        token[token_len++] = '=';
        token[token_len++] = kHex[c >> 4];
        token[token_len++] = kHex[c & 15];
      }
      // A soft break ("=" at the end) keeps every line within 76 characters.
      if (column + token_len > 75) {
        out.append("=\r\n");
        column = 0;
      }
      out.append(token, token_len);
      column += token_len;
    }
    if (nl == std::string_view::npos) {
      if (!line.empty()) out.append(kCrlf);
      break;
    }
    out.append(kCrlf);
    start = nl + 1;
  }
  return out;
}

std::string make_message_id(std::string_view domain) {
  return "<" + to_hex(reinterpret_cast<const std::uint8_t*>(random_bytes(16).data()), 16) + "@" +
         std::string(domain) + ">";
}

Result<std::string> format_message(const MailMessage& message, const Mailbox& from,
                                   UnixMillis now_ms) {
  if (!is_valid_address(message.to)) return Status::InvalidArgument("mail: bad To address");
  if (!is_valid_address(from.address)) return Status::InvalidArgument("mail: bad From address");
  if (has_line_break_or_nul(from.display_name)) {
    return Status::InvalidArgument("mail: From name contains a line break");
  }
  if (has_line_break_or_nul(message.subject)) {
    return Status::InvalidArgument("mail: subject contains a line break");
  }
  if (message.subject.size() > kMaxSubjectBytes) {
    return Status::InvalidArgument("mail: subject is too long");
  }
  if (utf8_length(message.subject) == std::string_view::npos ||
      utf8_length(message.body) == std::string_view::npos) {
    return Status::InvalidArgument("mail: subject or body is not UTF-8");
  }
  std::string message_id = message.message_id;
  if (message_id.empty()) {
    message_id = make_message_id(domain_of(from.address));
  } else if (!is_valid_message_id(message_id)) {
    return Status::InvalidArgument("mail: bad Message-ID");
  }

  std::string out;
  add_header(out, "Date", format_rfc5322_date(message.date_ms != 0 ? message.date_ms : now_ms));
  add_header(out, "From", format_mailbox(from));
  add_header(out, "To", message.to);
  add_header(out, "Subject", encode_header_text(message.subject));
  add_header(out, "Message-ID", message_id);
  add_header(out, "MIME-Version", "1.0");
  add_header(out, "Content-Type", "text/plain; charset=utf-8");
  if (fits_7bit(message.body)) {
    add_header(out, "Content-Transfer-Encoding", "7bit");
    out.append(kCrlf);
    out.append(to_crlf_lines(message.body));
  } else {
    add_header(out, "Content-Transfer-Encoding", "quoted-printable");
    out.append(kCrlf);
    out.append(encode_quoted_printable(message.body));
  }
  return out;
}

}  // namespace docket::scheduler
