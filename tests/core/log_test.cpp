#include "core/log.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Runs `body` with stderr redirected to a temporary file and returns what it wrote.
template <typename F>
std::string capture_stderr(F&& body) {
  char path[] = "/tmp/docket-log-test-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fd, STDERR_FILENO);
  body();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string out;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  ::unlink(path);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("log lines are one JSON object each, also when logged from threads or nested") {
    const docket::LogLevel before = docket::log_level();
    docket::set_log_level(docket::LogLevel::kInfo);
    const std::string out = capture_stderr([] {
      docket::log_info("first", [](docket::JsonWriter& w) { w.field("n", 1); });
      docket::log_info("outer", [](docket::JsonWriter& w) {
        docket::log_warn("nested");  // must not clobber the line being built
        w.field("k", "v");
      });
      docket::log(docket::LogLevel::kDebug, "dropped");
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
          for (int i = 0; i < 50; ++i) {
            docket::log_info("threaded", [&](docket::JsonWriter& w) {
              w.field("thread", t).field("i", i).field("pad", std::string(200, 'x'));
            });
          }
        });
      }
      for (auto& th : threads)
        th.join();
    });
    docket::set_log_level(before);

    const auto lines = lines_of(out);
    REQUIRE(lines.size() == 3 + 200);
    simdjson::dom::parser parser;
    for (const auto& line : lines) {
      CAPTURE(line);
      auto doc = parser.parse(simdjson::padded_string(line));
      REQUIRE(doc.error() == simdjson::SUCCESS);
      std::string_view time;
      REQUIRE(doc["time"].get_string().get(time) == simdjson::SUCCESS);
      CHECK(time.size() == 24);
    }
    CHECK(lines[0].find(R"("msg":"first","n":1})") != std::string::npos);
    CHECK(lines[1].find(R"("level":"warn","msg":"nested"})") != std::string::npos);
    CHECK(lines[2].find(R"("msg":"outer","k":"v"})") != std::string::npos);
    CHECK(out.find("dropped") == std::string::npos);
  }
}
