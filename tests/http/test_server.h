// An in-process server on 127.0.0.1 and an ephemeral port for integration tests.
#pragma once

#include <functional>
#include <memory>

#include <doctest/doctest.h>

#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service.h"

namespace docket::http::testing {

// Small limits and short timeouts so tests exercise them quickly.
inline ServerOptions test_options() {
  ServerOptions o;
  o.bind = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 4096;
  o.request_timeout = std::chrono::milliseconds(2000);
  o.idle_timeout = std::chrono::milliseconds(5000);
  o.shutdown_grace = std::chrono::milliseconds(2000);
  return o;
}

class TestServer {
 public:
  TestServer(const std::function<void(Router&)>& routes, ServerOptions options = test_options(),
             ServiceOptions service_options = {}) {
    routes(router);
    service_options.metrics = &metrics;
    service = std::make_unique<HttpService>(router, std::move(service_options));
    server = std::make_unique<Server>(std::move(options), *service);
  }

  // Starts the server; REQUIREs success.
  std::uint16_t start() {
    const Status s = server->start();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    REQUIRE(server->port() != 0);
    return server->port();
  }

  Router router;
  MetricsRegistry metrics;
  std::unique_ptr<HttpService> service;
  std::unique_ptr<Server> server;
};

}  // namespace docket::http::testing
