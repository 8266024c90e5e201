#include "http/request.h"

#include "http/text.h"
#include "http/url.h"

namespace docket::http {

std::optional<std::string_view> Request::find_header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

RequestData::RequestData(Method method, std::string target)
    : method_(method), method_text_(method_name(method)), target_(std::move(target)) {}

RequestData& RequestData::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

RequestData& RequestData::body(std::string body) {
  body_ = std::move(body);
  return *this;
}

RequestData& RequestData::peer(std::string ip) {
  peer_ = std::move(ip);
  return *this;
}

RequestData& RequestData::method_text(std::string text) {
  method_text_ = std::move(text);
  return *this;
}

RequestData& RequestData::keep_alive(bool keep) {
  keep_alive_ = keep;
  return *this;
}

Request RequestData::view() const {
  header_views_.clear();
  for (const auto& [name, value] : headers_)
    header_views_.push_back({name, value});
  Request r;
  r.method = method_;
  r.method_text = method_text_;
  r.target = target_;
  const Target t = split_target(target_);
  r.path = t.path;
  r.query = t.query;
  r.headers = header_views_;
  r.body = body_;
  r.peer_ip = peer_;
  r.keep_alive = keep_alive_;
  return r;
}

}  // namespace docket::http
