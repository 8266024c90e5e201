#include "http/cors.h"

#include <doctest/doctest.h>

#include "http/access_log.h"
#include "http/client_ip.h"
#include "http/response.h"

namespace docket::http {

TEST_SUITE("http") {
  TEST_CASE("CORS is off without configured origins") {
    const CorsPolicy policy;
    CHECK_FALSE(policy.enabled());
    CHECK_FALSE(policy.allows("https://app.example.com"));
    Response r;
    policy.apply("https://app.example.com", r);
    CHECK(r.headers().empty());
  }

  TEST_CASE("CORS allows configured origins exactly") {
    const CorsPolicy policy({"https://app.example.com/", "http://localhost:5173"});
    CHECK(policy.enabled());
    CHECK(policy.allows("https://app.example.com"));
    CHECK(policy.allows("HTTPS://APP.EXAMPLE.COM"));
    CHECK(policy.allows("http://localhost:5173"));
    CHECK_FALSE(policy.allows("https://app.example.com.evil.net"));
    CHECK_FALSE(policy.allows("http://app.example.com"));
    CHECK_FALSE(policy.allows("http://localhost:5174"));
    CHECK_FALSE(policy.allows("null"));
    CHECK_FALSE(policy.allows(""));

    Response allowed;
    policy.apply("https://app.example.com", allowed);
    CHECK(allowed.find_header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(allowed.find_header("Vary") == "Origin");
    CHECK(allowed.find_header("Access-Control-Expose-Headers") ==
          std::string(CorsPolicy::kExposeHeaders));
    CHECK(std::string(CorsPolicy::kExposeHeaders).find("Retry-After") != std::string::npos);
    CHECK(std::string(CorsPolicy::kExposeHeaders).find("X-Docket-Event-Id") != std::string::npos);
    CHECK(std::string(CorsPolicy::kAllowHeaders).find("X-Docket-Min-Event-Id") !=
          std::string::npos);
    CHECK_FALSE(allowed.find_header("Access-Control-Allow-Credentials").has_value());

    Response refused;
    policy.apply("https://evil.example", refused);
    CHECK_FALSE(refused.find_header("Access-Control-Allow-Origin").has_value());
    CHECK(refused.find_header("Vary") == "Origin");  // caches must still key on Origin

    Response preflight;
    policy.apply_preflight("http://localhost:5173", "GET, POST, OPTIONS", preflight);
    CHECK(preflight.find_header("Access-Control-Allow-Origin") == "http://localhost:5173");
    CHECK(preflight.find_header("Access-Control-Allow-Methods") == "GET, POST, OPTIONS");
    CHECK(preflight.find_header("Access-Control-Allow-Headers")->find("Authorization") !=
          std::string_view::npos);
    // A browser client's retries carry Idempotency-Key (docs/http.md, "Idempotent retries").
    CHECK(preflight.find_header("Access-Control-Allow-Headers")->find("Idempotency-Key") !=
          std::string_view::npos);
    CHECK(preflight.find_header("Access-Control-Max-Age") == "600");
  }

  TEST_CASE("CORS wildcard only when configured") {
    const CorsPolicy policy({"*"});
    CHECK(policy.allows("https://anything.example"));
    Response r;
    policy.apply("https://anything.example", r);
    CHECK(r.find_header("Access-Control-Allow-Origin") == "*");
  }

  TEST_CASE("client address ignores X-Forwarded-For from untrusted peers") {
    const TrustedProxies none;
    CHECK(resolve_client_ip("198.51.100.4", "203.0.113.9", none) == "198.51.100.4");
    const TrustedProxies proxies({"10.0.0.1", "10.0.0.2"});
    CHECK(resolve_client_ip("198.51.100.4", "203.0.113.9", proxies) == "198.51.100.4");
    CHECK(resolve_client_ip("10.0.0.1", "", proxies) == "10.0.0.1");
  }

  TEST_CASE("client address walks X-Forwarded-For from the right through trusted proxies") {
    const TrustedProxies proxies({"10.0.0.1", "10.0.0.2", "::1"});
    CHECK(resolve_client_ip("10.0.0.1", "203.0.113.9", proxies) == "203.0.113.9");
    // The client may prepend anything; only the hop our proxy appended is believed.
    CHECK(resolve_client_ip("10.0.0.1", "1.2.3.4, 203.0.113.9", proxies) == "203.0.113.9");
    CHECK(resolve_client_ip("10.0.0.1", "203.0.113.9, 10.0.0.2", proxies) == "203.0.113.9");
    CHECK(resolve_client_ip("::ffff:10.0.0.1", "2001:db8::5", proxies) == "2001:db8::5");
    CHECK(resolve_client_ip("::1", "203.0.113.9", proxies) == "203.0.113.9");
    // A malformed hop stops the walk at the last good address.
    CHECK(resolve_client_ip("10.0.0.1", "203.0.113.9, garbage", proxies) == "10.0.0.1");
    CHECK(resolve_client_ip("10.0.0.1", "garbage, 10.0.0.2", proxies) == "10.0.0.2");
    // Only proxies all the way: the left-most address.
    CHECK(resolve_client_ip("10.0.0.1", "10.0.0.2", proxies) == "10.0.0.2");
  }

  TEST_CASE("IP parsing treats IPv4-mapped IPv6 as IPv4") {
    CHECK(parse_ip("127.0.0.1") == parse_ip("::ffff:127.0.0.1"));
    CHECK(parse_ip("::1").has_value());
    CHECK_FALSE(parse_ip("localhost").has_value());
    CHECK_FALSE(parse_ip("1.2.3.4:80").has_value());
    CHECK_FALSE(parse_ip("").has_value());
  }

  TEST_CASE("access log fields carry the route pattern and no request data") {
    AccessLogRecord r;
    r.request_id = "abc";
    r.method = "GET";
    r.route = "/api/support-inquiries/{id}";
    r.status = 200;
    r.duration_ms = 1.23456;
    r.actor_type = "anonymous";
    r.client_ip = "203.0.113.9";
    r.response_bytes = 42;
    JsonWriter w;
    w.begin_object();
    write_access_log_fields(w, r);
    w.end_object();
    CHECK(
        w.str() ==
        R"({"requestId":"abc","method":"GET","route":"/api/support-inquiries/{id}","status":200,)"
        R"("durationMs":1.235,"actorType":"anonymous","actorId":null,"ip":"203.0.113.9","bytes":42})");
    r.actor_type = "admin";
    r.actor_id = "7";
    JsonWriter w2;
    w2.begin_object();
    write_access_log_fields(w2, r);
    w2.end_object();
    CHECK(w2.str().find(R"("actorType":"admin","actorId":"7")") != std::string::npos);
  }
}

}  // namespace docket::http
