#include "http/response.h"

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "core/api_error.h"
#include "http/request_id.h"

namespace docket::http {

TEST_SUITE("http") {
  TEST_CASE("ApiError factories carry the stable status and code") {
    struct Case {
      ApiError error;
      int status;
      const char* code;
    };
    const Case cases[] = {
        {ApiError::validation("v"), 400, "VALIDATION_ERROR"},
        {ApiError::unauthorized(), 401, "UNAUTHORIZED"},
        {ApiError::forbidden(), 403, "FORBIDDEN"},
        {ApiError::not_found(), 404, "NOT_FOUND"},
        {ApiError::method_not_allowed(), 405, "METHOD_NOT_ALLOWED"},
        {ApiError::conflict("c"), 409, "CONFLICT"},
        {ApiError::payload_too_large(), 413, "PAYLOAD_TOO_LARGE"},
        {ApiError::unsupported_media_type(), 415, "UNSUPPORTED_MEDIA_TYPE"},
        {ApiError::rate_limit_exceeded(), 429, "RATE_LIMIT_EXCEEDED"},
        {ApiError::internal(), 500, "INTERNAL_ERROR"},
        {ApiError::service_unavailable(), 503, "SERVICE_UNAVAILABLE"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.code);
      CHECK(c.error.status() == c.status);
      CHECK(c.error.code() == c.code);
      CHECK(c.error.details_json() == "null");
    }
  }

  TEST_CASE("Status codes map to API errors without leaking internals") {
    CHECK(api_error_from_status(Status::NotFound("no inquiry 7")).status() == 404);
    CHECK(api_error_from_status(Status::NotFound("no inquiry 7")).message() == "no inquiry 7");
    CHECK(api_error_from_status(Status::InvalidArgument("bad")).code() == "VALIDATION_ERROR");
    CHECK(api_error_from_status(Status::Conflict("v3")).code() == "CONFLICT");
    CHECK(api_error_from_status(Status::AlreadyExists("taken")).status() == 409);
    CHECK(api_error_from_status(Status::FailedPrecondition("closed")).status() == 409);
    CHECK(api_error_from_status(Status::Unavailable("stopping")).status() == 503);
    for (const Status& s :
         {Status::IOError("fsync /data/log failed"), Status::Corruption("crc mismatch at 0x10"),
          Status::Internal("invariant")}) {
      const ApiError e = api_error_from_status(s);
      CHECK(e.status() == 500);
      CHECK(e.code() == "INTERNAL_ERROR");
      CHECK(e.message() == "Internal server error");
    }
  }

  TEST_CASE("error body follows the contract") {
    const ApiError e(404, "SUPPORT_INQUIRY_NOT_FOUND", "Inquiry \"7\" not found",
                     R"([{"field":"id"}])");
    CHECK(
        render_error_body(e, "req-1") ==
        R"({"success":false,"errorCode":"SUPPORT_INQUIRY_NOT_FOUND","message":"Inquiry \"7\" not found","details":[{"field":"id"}],"requestId":"req-1"})");
    CHECK(
        render_error_body(ApiError::forbidden(), "r") ==
        R"({"success":false,"errorCode":"FORBIDDEN","message":"Access denied","details":null,"requestId":"r"})");
  }

  TEST_CASE("success envelopes") {
    const Response one = Response::ok([](JsonWriter& w) {
      w.begin_object().field("id", 7).field("trackingCode", "INQ-8K4P2X").end_object();
    });
    CHECK(one.status() == 200);
    CHECK(one.body() == R"({"success":true,"data":{"id":7,"trackingCode":"INQ-8K4P2X"}})");
    CHECK(one.content_type() == "application/json; charset=utf-8");

    const Response created = Response::created([](JsonWriter& w) { w.value("x"); });
    CHECK(created.status() == 201);
    CHECK(created.body() == R"({"success":true,"data":"x"})");

    CHECK(Response::ok_json("[1,2]").body() == R"({"success":true,"data":[1,2]})");

    const Response list = Response::list(
        [](JsonWriter& w) {
          w.value(1);
          w.value(2);
        },
        Pagination{.page = 2, .page_size = 2, .total = 5});
    CHECK(
        list.body() ==
        R"({"success":true,"data":[1,2],"pagination":{"page":2,"pageSize":2,"total":5,"pages":3}})");
    const Response empty = Response::list([](JsonWriter&) {}, Pagination{1, 20, 0});
    CHECK(
        empty.body() ==
        R"({"success":true,"data":[],"pagination":{"page":1,"pageSize":20,"total":0,"pages":0}})");

    const Response none;
    CHECK(none.status() == 204);
    CHECK(none.body().empty());
  }

  TEST_CASE("an error response renders once the request id is known") {
    Response r = ApiError::conflict("version moved");
    CHECK(r.status() == 409);
    CHECK(r.is_error());
    REQUIRE(r.error() != nullptr);
    r.render_error("abc");
    CHECK(r.error() == nullptr);
    CHECK(
        r.body() ==
        R"({"success":false,"errorCode":"CONFLICT","message":"version moved","details":null,"requestId":"abc"})");
  }

  TEST_CASE("response headers cannot be split") {
    Response r;
    r.add_header("X-Note", "a\r\nSet-Cookie: x=1");
    CHECK(r.find_header("x-note") == "a  Set-Cookie: x=1");
    CHECK_FALSE(r.find_header("Set-Cookie").has_value());
  }

  TEST_CASE("request ids: client ids are kept only when well-formed") {
    CHECK(is_valid_request_id("abc-DEF_123.x"));
    CHECK(is_valid_request_id(std::string(64, 'a')));
    CHECK_FALSE(is_valid_request_id(""));
    CHECK_FALSE(is_valid_request_id(std::string(65, 'a')));
    CHECK_FALSE(is_valid_request_id("has space"));
    CHECK_FALSE(is_valid_request_id("semi;colon"));
    CHECK_FALSE(is_valid_request_id("new\nline"));
    CHECK_FALSE(is_valid_request_id("\xc3\xa9"));

    CHECK(choose_request_id(std::string_view("client-id-1")).view() == "client-id-1");
    const RequestId replaced = choose_request_id(std::string_view("bad id"));
    CHECK(replaced.view() != "bad id");
    CHECK(replaced.view().size() == 32);
    CHECK(choose_request_id(std::nullopt).view().size() == 32);
  }

  TEST_CASE("generated request ids are 32 hex characters and unique across threads") {
    std::vector<std::vector<std::string>> per_thread(4);
    std::vector<std::thread> threads;
    for (auto& ids : per_thread) {
      threads.emplace_back([&ids] {
        for (int i = 0; i < 5000; ++i)
          ids.emplace_back(generate_request_id().view());
      });
    }
    for (auto& t : threads)
      t.join();
    std::set<std::string> all;
    for (const auto& ids : per_thread) {
      for (const std::string& id : ids) {
        CHECK(id.size() == 32);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        all.insert(id);
      }
    }
    CHECK(all.size() == 20000);
  }
}

}  // namespace docket::http
