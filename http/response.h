// Response: what a handler returns, in the API's JSON envelope.
//
//   success: {"success":true,"data":…}
//   list:    {"success":true,"data":[…],"pagination":{"page","pageSize","total","pages"}}
//   error:   see api_error.h; built from an ApiError and rendered by the service once
//            the request id is known.
//
// Content-Type defaults to application/json; charset=utf-8. The server adds
// X-Request-Id, Content-Length, X-Content-Type-Options, Cache-Control and Date to every
// response; handlers add only what is specific to them. A value type; not thread-safe.
//
// Streamed bodies (exports of any size): Response::stream() carries a BodySource instead
// of a body. The server asks it for one piece at a time and sends each piece as an HTTP/1.1
// chunk (RFC 9112 §7.1) before asking for the next, so memory stays bounded by one piece
// whatever the body's length. An HTTP/1.0 client gets the body unframed and the
// connection closed after it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/api_error.h"
#include "core/json_writer.h"
#include "http/request_id.h"

namespace docket::http {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// The reason phrase for `status` ("OK", "Not Found", …); "Unknown" for others.
std::string_view reason_phrase(int status);

// Whether an If-None-Match value (a list of tags, weak or strong, or *) names `etag`:
// the weak comparison RFC 9110 §13.1.3 asks of it, so the answer is 304.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

struct Pagination {
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  std::int64_t total = 0;
  // ceil(total / page_size); 0 when there is nothing.
  std::int64_t pages() const;
};

// The producer of a streamed body. The server calls next() on the connection's IO thread,
// one call per chunk, with the previous chunk already handed to the socket: a source
// must bound the work of one call (a few tens of KiB of output) and must not hold a read
// lease between calls (see projections/read_connection.h).
class BodySource {
 public:
  enum class Step {
    kMore,    // `out` holds a piece (possibly empty); call again
    kDone,    // `out` holds the last piece (possibly empty)
    kFailed,  // the body cannot be finished: the server drops the connection without
              // the last chunk, so the client sees the body as truncated
  };
  virtual ~BodySource() = default;
  // Appends the next piece of the body to `out`.
  virtual Step next(std::string& out) = 0;
};

class Response {
 public:
  // 204 No Content, no body.
  Response() = default;
  // An error response; the body is rendered by the service (it needs the request id).
  Response(ApiError error);  // NOLINT: implicit so handlers can `return ApiError::…`

  // {"success":true,"data":<data_json>}. REQUIRES: data_json is valid JSON text.
  static Response ok_json(std::string_view data_json, int status = 200);

  // {"success":true,"data":…} where `write_data(JsonWriter&)` writes exactly one value.
  template <typename F>
  static Response ok(F&& write_data, int status = 200) {
    JsonWriter w{std::string(kDataPrefix)};
    write_data(w);
    std::string body = w.take();
    body.push_back('}');
    return Response(status, std::move(body));
  }
  template <typename F>
  static Response created(F&& write_data) {
    return ok(std::forward<F>(write_data), 201);
  }

  // A list page: `write_items(JsonWriter&)` writes the elements (zero or more values)
  // into the open data array.
  template <typename F>
  static Response list(F&& write_items, const Pagination& pagination) {
    JsonWriter w{std::string(kDataPrefix)};
    w.begin_array();
    write_items(w);
    w.end_array();
    std::string body = w.take();
    append_pagination(body, pagination);
    return Response(200, std::move(body));
  }

  static Response no_content() { return Response(); }
  // A non-JSON response (metrics text, a health probe's plain text).
  static Response raw(int status, std::string content_type, std::string body);
  // A 200 whose body `source` produces while it is sent. REQUIRES: source != nullptr.
  static Response stream(std::string content_type, std::shared_ptr<BodySource> source);

  int status() const { return status_; }
  const std::string& body() const { return body_; }
  // The streamed body's source, or null when the body is body().
  BodySource* source() const { return source_.get(); }
  std::string_view content_type() const {
    return content_type_.empty() ? kJsonContentType : std::string_view(content_type_);
  }

  // The pending error, or null. Cleared once rendered.
  const ApiError* error() const { return error_ ? &*error_ : nullptr; }
  bool is_error() const { return status_ >= 400; }
  // Writes the error contract body with `request_id`. No-op without a pending error.
  void render_error(std::string_view request_id);

  // Appends a header. A name that is not an RFC 9110 token is dropped (asserted in debug
  // builds); CR, LF and NUL in a value become spaces so a header can never be split.
  void add_header(std::string_view name, std::string_view value);
  // First value of `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> find_header(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  // Set by the service.
  void set_request_id(const RequestId& id) { request_id_ = id; }
  const RequestId& request_id() const { return request_id_; }
  // HEAD: headers as for GET, body not sent.
  void set_omit_body(bool omit) { omit_body_ = omit; }
  bool omit_body() const { return omit_body_; }

 private:
  static constexpr std::string_view kDataPrefix = R"({"success":true,"data":)";

  Response(int status, std::string body) : status_(status), body_(std::move(body)) {}
  static void append_pagination(std::string& body, const Pagination& pagination);

  int status_ = 204;
  std::string body_;
  std::string content_type_;  // empty: JSON
  std::shared_ptr<BodySource> source_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::optional<ApiError> error_;
  RequestId request_id_;
  bool omit_body_ = false;
};

}  // namespace docket::http
