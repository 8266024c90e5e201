// libFuzzer: what a request's caller controls before a handler runs: the query string
// (percent-decoding, UTF-8, the parameter limit) through a query contract, and the JSON
// body through a body contract, with every kind of field rule the routes use. Input: the
// query string, a newline, then the body. A body that passes must satisfy its rules.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/raw_json.h"
#include "http/contract.h"
#include "http/json_body.h"
#include "http/query.h"
#include "http/request.h"
#include "http/validation.h"

namespace {

using namespace docket::http;

struct Query {
  std::optional<std::string> search;
  std::optional<std::int64_t> page;
  std::optional<std::string> sort;
  std::optional<std::string> from;
  std::optional<bool> flag;
  std::optional<std::vector<std::string>> tags;
};

struct Body {
  std::string subject;
  std::optional<std::string> email;
  std::optional<std::string> priority;
  std::optional<std::int64_t> count;
  std::optional<bool> urgent;
  std::optional<std::int64_t> assignee;
  std::optional<std::vector<std::string>> tags;
  docket::RawJson metadata{"null"};
  std::optional<std::string> day;
};

const QueryContract<Query>& query_contract() {
  static const QueryContract<Query> q = [] {
    QueryContract<Query> c;
    c.param(Text("search").length(1, 100), &Query::search)
        .param(Integer("page").range(1, 1000), &Query::page)
        .param(OneOf("sort", {"createdAt", "updatedAt"}).defaults_to("createdAt"), &Query::sort)
        .param(Text("from").length(10, 10).chars("0-9-"), &Query::from)
        .param(Boolean("flag"), &Query::flag)
        .param(TextList("tags").items(4).length(1, 20), &Query::tags);
    return c;
  }();
  return q;
}

const BodyContract<Body>& body_contract() {
  static const BodyContract<Body> b = [] {
    BodyContract<Body> c;
    c.field(Text("subject").length(1, 200), &Body::subject)
        .field(Email("email"), &Body::email)
        .field(OneOf("priority", {"low", "medium", "high"}), &Body::priority)
        .field(Integer("count").range(0, 100), &Body::count)
        .field(Boolean("urgent"), &Body::urgent)
        .field(IdOrNull("assignee"), &Body::assignee)
        .field(TextList("tags").items(8).length(1, 40), &Body::tags)
        .field(Object("metadata").bytes(1024), &Body::metadata)
        .field(Date("day"), &Body::day);
    return c;
  }();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view raw_query = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  QueryParams params;
  if (!QueryParams::parse(raw_query, params)) {
    ValidationErrors errors;
    (void)query_contract().parse(params.items(), errors);
  }

  const std::string owned(body);
  RequestData request(Method::kPost, "/fuzz");
  request.header("Content-Type", "application/json");
  request.body(owned);
  docket::JsonView object;
  if (parse_json_body(request.view(), object)) return 0;
  ValidationErrors errors;
  auto parsed = body_contract().parse(object, errors);
  if (parsed.ok()) {
    if (parsed->subject.empty() || parsed->subject.size() > 200 * 4) __builtin_trap();
    if (parsed->count && (*parsed->count < 0 || *parsed->count > 100)) __builtin_trap();
  } else if (errors.empty()) {
    __builtin_trap();  // a refusal always says why
  }
  return 0;
}
