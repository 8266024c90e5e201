// Request: a parsed HTTP request as the router and handlers see it.
//
// A Request is a non-owning view. Whoever fills it owns the bytes: the server keeps them
// alive until the handler returns; RequestData owns them for tests and synthetic
// requests. Copying a Request copies the views, not the bytes. Thread-compatible.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/method.h"

namespace docket::http {

struct Header {
  std::string_view name;
  std::string_view value;
};

struct Request {
  Method method = Method::kGet;
  std::string_view method_text;  // as sent; differs from method_name() only for kOther
  std::string_view target;       // request-target as sent
  std::string_view path;         // target before '?', still percent-encoded
  std::string_view query;        // after '?', raw; never logged
  std::span<const Header> headers;
  std::string_view body;
  std::string_view peer_ip;  // address of the TCP peer, textual
  bool keep_alive = true;    // what the client asked for (HTTP/1.1 default: true)

  // First value of header `name` (ASCII case-insensitive), or nullopt when absent.
  std::optional<std::string_view> find_header(std::string_view name) const;
  // First value of header `name`, or "" when absent.
  std::string_view header(std::string_view name) const {
    return find_header(name).value_or(std::string_view());
  }
};

// Owns the bytes of a request and hands out a Request viewing them. For tests and for
// requests built in process. Not thread-safe.
class RequestData {
 public:
  RequestData(Method method, std::string target);

  RequestData& header(std::string name, std::string value);
  RequestData& body(std::string body);
  RequestData& peer(std::string ip);
  RequestData& method_text(std::string text);
  RequestData& keep_alive(bool keep);

  // REQUIRES: *this outlives the returned view and is not modified while it is used.
  Request view() const;

 private:
  Method method_;
  std::string method_text_;
  std::string target_;
  std::vector<std::pair<std::string, std::string>> headers_;
  mutable std::vector<Header> header_views_;
  std::string body_;
  std::string peer_ = "127.0.0.1";
  bool keep_alive_ = true;
};

}  // namespace docket::http
