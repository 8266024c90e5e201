#include "http/testing/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace docket::http::testing {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string RawResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return v;
  }
  return "";
}

bool RawResponse::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return true;
  }
  return false;
}

RawClient::RawClient(std::uint16_t port) : RawClient(port, nullptr) {}

RawClient::RawClient(std::uint16_t port, const char* source_ip) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (source_ip != nullptr) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_ip, &local.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd);
      return;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawClient::fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<RawResponse> RawClient::read_response(std::chrono::milliseconds timeout,
                                                    bool head_only) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  RawResponse r;
  std::string_view head(buffer_.data(), head_end);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.1 ") || status_line.size() < 12) return std::nullopt;
  r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  std::size_t content_length = 0;
  bool chunked = false;
  bool length_known = false;
  while (!rest.empty()) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    if (iequal(line.substr(0, colon), "Content-Length")) {
      content_length =
          static_cast<std::size_t>(std::strtoull(std::string(value).c_str(), nullptr, 10));
      length_known = true;
    }
    if (iequal(line.substr(0, colon), "Transfer-Encoding") && iequal(value, "chunked")) {
      chunked = true;
    }
  }
  const bool bodyless = head_only || r.status == 204 || r.status == 304 || r.status < 200;
  const std::size_t body_start = head_end + 4;
  if (!bodyless && chunked) return read_chunked(r, body_start, deadline);
  if (!bodyless && !length_known) {  // delimited by the connection's end
    while (!eof_) {
      if (!fill(deadline) && !eof_) return std::nullopt;
    }
    r.body = buffer_.substr(body_start);
    buffer_.clear();
    return r;
  }
  const std::size_t want = bodyless ? 0 : content_length;
  while (buffer_.size() < body_start + want) {
    if (!fill(deadline)) return std::nullopt;
  }
  r.body = buffer_.substr(body_start, want);
  buffer_.erase(0, body_start + want);
  return r;
}

std::optional<RawResponse> RawClient::read_chunked(RawResponse& r, std::size_t at,
                                                   std::chrono::steady_clock::time_point deadline) {
  // chunk = size-in-hex CRLF data CRLF; the last chunk has size 0 and is followed by
  // (no trailers from this server) CRLF.
  for (;;) {
    std::size_t eol;
    while ((eol = buffer_.find("\r\n", at)) == std::string::npos) {
      if (!fill(deadline)) return std::nullopt;
    }
    const std::string size_text = buffer_.substr(at, eol - at);
    char* end = nullptr;
    const unsigned long long size = std::strtoull(size_text.c_str(), &end, 16);
    if (size_text.empty() || end != size_text.c_str() + size_text.size()) return std::nullopt;
    const std::size_t data = eol + 2;
    while (buffer_.size() < data + size + 2) {
      if (!fill(deadline)) return std::nullopt;
    }
    if (buffer_.compare(data + size, 2, "\r\n") != 0) return std::nullopt;
    r.body.append(buffer_, data, size);
    at = data + size + 2;
    if (size == 0) break;
  }
  buffer_.erase(0, at);
  return r;
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline)) return eof_;
  }
  return true;
}

std::string get_request(std::string_view path, std::string_view extra_headers) {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: test\r\n";
  r += extra_headers;
  r += "\r\n";
  return r;
}

std::string body_request(std::string_view method, std::string_view path,
                         std::string_view content_type, std::string_view body,
                         std::string_view extra_headers) {
  std::string r(method);
  r += " ";
  r += path;
  r += " HTTP/1.1\r\nHost: test\r\n";
  if (!content_type.empty()) {
    r += "Content-Type: ";
    r += content_type;
    r += "\r\n";
  }
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += extra_headers;
  r += "\r\n";
  r += body;
  return r;
}

std::optional<RawResponse> fetch(std::uint16_t port, const std::string& request,
                                 const char* source_ip) {
  RawClient client(port, source_ip);
  if (!client.connected() || !client.send(request)) return std::nullopt;
  return client.read_response();
}

}  // namespace docket::http::testing
