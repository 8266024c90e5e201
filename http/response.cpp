#include "http/response.h"

#include <cassert>

#include <fmt/format.h>

#include "http/text.h"

namespace docket::http {
namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

bool etag_matches(std::string_view header, std::string_view etag) {
  std::size_t i = 0;
  while (i < header.size()) {
    std::size_t end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view tag = trim(header.substr(i, end - i));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    i = end + 1;
  }
  return false;
}

std::int64_t Pagination::pages() const {
  if (total <= 0 || page_size <= 0) return 0;
  return (total + page_size - 1) / page_size;
}

Response::Response(ApiError error) : status_(error.status()), error_(std::move(error)) {}

Response Response::ok_json(std::string_view data_json, int status) {
  std::string body;
  body.reserve(kDataPrefix.size() + data_json.size() + 1);
  body.append(kDataPrefix);
  body.append(data_json);
  body.push_back('}');
  return Response(status, std::move(body));
}

Response Response::raw(int status, std::string content_type, std::string body) {
  Response r(status, std::move(body));
  r.content_type_ = std::move(content_type);
  return r;
}

Response Response::stream(std::string content_type, std::shared_ptr<BodySource> source) {
  assert(source != nullptr);
  Response r(200, std::string());
  r.content_type_ = std::move(content_type);
  r.source_ = std::move(source);
  return r;
}

void Response::append_pagination(std::string& body, const Pagination& p) {
  fmt::format_to(std::back_inserter(body),
                 R"(,"pagination":{{"page":{},"pageSize":{},"total":{},"pages":{}}}}})", p.page,
                 p.page_size, p.total, p.pages());
}

void Response::render_error(std::string_view request_id) {
  if (!error_) return;
  body_ = render_error_body(*error_, request_id);
  content_type_.clear();
  error_.reset();
}

void Response::add_header(std::string_view name, std::string_view value) {
  bool valid = !name.empty();
  for (char c : name)
    valid = valid && is_token_char(c);
  assert(valid && "header name must be a token");
  if (!valid) return;
  std::string v(value);
  for (char& c : v) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  headers_.emplace_back(std::string(name), std::move(v));
}

std::optional<std::string_view> Response::find_header(std::string_view name) const {
  for (const auto& [n, v] : headers_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace docket::http
