#include "scheduler/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace docket::scheduler {
namespace {

// curl_global_init is not thread-safe in libcurl 7.88; run it once per process.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t nitems, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t room = size * nitems;
  const std::size_t n = std::min(room, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The server's part of the URL without any user:password@ (for messages).
std::string redacted_host(const std::string& url) {
  std::string_view rest(url);
  const std::size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(rest);
}

}  // namespace

Result<std::unique_ptr<SmtpSender>> SmtpSender::create(SmtpOptions options) {
  if (!options.url.starts_with("smtp://") && !options.url.starts_with("smtps://")) {
    return Status::InvalidArgument("SMTP_URL must start with smtp:// or smtps://");
  }
  if (options.url.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("SMTP_URL contains a line break");
  }
  auto from = parse_mailbox(options.from);
  if (!from.ok()) return Status::InvalidArgument("SMTP_FROM: " + from.status().message());
  init_curl_once();
  return std::unique_ptr<SmtpSender>(new SmtpSender(std::move(options), std::move(from).value()));
}

Status SmtpSender::send(const MailMessage& message) {
  const Clock& clock = options_.clock != nullptr ? *options_.clock : SystemClock::instance();
  auto text = format_message(message, from_, clock.now_ms());
  if (!text.ok()) return text.status();

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("smtp: curl_easy_init failed");
  CURL* c = curl.get();
  const std::string mail_from = "<" + from_.address + ">";
  const std::string rcpt = "<" + message.to + ">";
  std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, rcpt.c_str()));
  if (!recipients) return Status::Internal("smtp: out of memory");
  Upload upload{*text};
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text->size()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  if (options_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();

  long response = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
  // libcurl's text names the host and the failing step; it holds no credentials.
  std::string msg = "smtp " + redacted_host(options_.url) + ": " + curl_easy_strerror(rc);
  if (error_buffer[0] != '\0') msg += std::string(" (") + error_buffer + ")";
  if (response != 0) msg += "; server said " + std::to_string(response);
  // 550-553: the server refuses this mailbox or message for good; retrying cannot help.
  if (response >= 550 && response <= 553) return Status::InvalidArgument(msg);
  return Status::Unavailable(msg);
}

}  // namespace docket::scheduler
