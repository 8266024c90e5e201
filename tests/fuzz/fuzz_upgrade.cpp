// libFuzzer: a websocket upgrade request as the server reads it: the head through the
// same Beast parser settings the server uses (http/server.cpp: a head limit, eager body),
// the upgrade test, then the target split and its query string parsed as the handshake
// check does (realtime/ws_server.cpp: transport, EIO, sid). Input: the raw request bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "http/query.h"
#include "http/url.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {  // as the server: never past one message
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  const auto& request = parser.get();
  if (!boost::beast::websocket::is_upgrade(request)) return 0;
  const std::string_view target(request.target().data(), request.target().size());
  const docket::http::Target parts = docket::http::split_target(target);
  if (parts.path.size() > target.size() || parts.query.size() > target.size()) __builtin_trap();
  docket::http::QueryParams query;
  if (docket::http::QueryParams::parse(parts.query, query)) return 0;
  (void)query.get("transport");
  (void)query.get("EIO");
  (void)query.get("sid");
  return 0;
}
