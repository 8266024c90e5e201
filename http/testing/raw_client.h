// A small blocking HTTP/1.1 client over raw sockets, for the in-process integration
// tests and the benchmark seeders (its own library, docket_http_testing, linked by
// neither the server nor the CLI): it can send arbitrary bytes (partial heads,
// pipelined requests) and parse the server's answers one by one. Not thread-safe; one
// owner.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docket::http::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First value of header `name` (case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port. connected() is false when the connection was refused.
  explicit RawClient(std::uint16_t port);
  // The same from the local address `source_ip` (e.g. "127.0.0.2": any 127.x address is
  // this host), so a test can be several clients.
  RawClient(std::uint16_t port, const char* source_ip);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(std::string_view bytes);
  // Reads one response, decoding a chunked body. `head_only` for answers to HEAD (no
  // body despite Content-Length). nullopt on timeout, EOF or a malformed answer.
  std::optional<RawResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(3000), bool head_only = false);
  // True when the server closes the connection (EOF or reset) within `timeout`; bytes
  // received meanwhile are kept for read_response().
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  // Reads a chunked body starting at buffer_[at] into r.body (RFC 9112 §7.1).
  std::optional<RawResponse> read_chunked(RawResponse& r, std::size_t at,
                                          std::chrono::steady_clock::time_point deadline);
  // Appends what arrives within the deadline; false on timeout, EOF or error.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// "GET /path HTTP/1.1\r\nHost: test\r\n<extra>\r\n"
std::string get_request(std::string_view path, std::string_view extra_headers = "");
// A request with a body and Content-Length.
std::string body_request(std::string_view method, std::string_view path,
                         std::string_view content_type, std::string_view body,
                         std::string_view extra_headers = "");

// One request on a fresh connection; nullopt when anything fails.
std::optional<RawResponse> fetch(std::uint16_t port, const std::string& request,
                                 const char* source_ip = nullptr);

}  // namespace docket::http::testing
