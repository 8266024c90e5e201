#include "http/multipart.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>

namespace docket::http {
namespace {

using namespace std::string_literals;

constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

// PNG-like bytes with CR, LF, NUL, "--" and a boundary that is cut short by one byte.
const std::string kFileBytes = "\x89PNG\r\n\x1A\n\0\0\r\n--\r\n-\r\n--WebKit\r\n--"s +
                               std::string(kBoundary.substr(0, 30)) + "\xFF\xD8--\r\n\r\n\xFF"s;

// The body a browser sends for a FormData with a text field and a PNG file.
std::string browser_body() {
  const std::string b(kBoundary);
  return "--" + b + "\r\n" +
         "Content-Disposition: form-data; name=\"subject\"\r\n"
         "\r\n"
         "Login fails\r\n"
         "--" +
         b + "\r\n" +
         "Content-Disposition: form-data; name=\"file\"; filename=\"screen shot.png\"\r\n"
         "Content-Type: image/png\r\n"
         "\r\n" +
         kFileBytes + "\r\n--" + b + "--\r\n";
}

// A body with one part per (headers, content) pair, separated by `boundary`.
std::string body_of(std::string_view boundary,
                    std::initializer_list<std::pair<std::string, std::string>> parts) {
  std::string out;
  for (const auto& [headers, content] : parts) {
    out += "--" + std::string(boundary) + "\r\n" + headers + "\r\n" + content + "\r\n";
  }
  return out + "--" + std::string(boundary) + "--\r\n";
}

std::string field(std::string_view name) {
  return "Content-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n";
}

// The parts of `body`, which must outlive them (they are views into it).
std::vector<MultipartPart> parsed(std::string_view body, std::string_view boundary,
                                  const MultipartLimits& limits = {}) {
  auto result = parse_multipart(body, boundary, limits);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return *result;
}

void check_refused(std::string_view body, std::string_view boundary, std::string_view why,
                   const MultipartLimits& limits = {}) {
  const auto result = parse_multipart(body, boundary, limits);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  CAPTURE(result.status().message());
  CHECK(result.status().message().find(why) != std::string::npos);
}

bool inside(std::string_view view, std::string_view whole) {
  const std::less_equal<const char*> le;
  return le(whole.data(), view.data()) &&
         le(view.data() + view.size(), whole.data() + whole.size());
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("multipart_boundary reads the boundary of multipart/form-data") {
    CHECK(multipart_boundary("multipart/form-data; boundary=" + std::string(kBoundary)) ==
          std::string(kBoundary));
    CHECK(multipart_boundary("Multipart/Form-Data; BOUNDARY=abc") == "abc");
    CHECK(multipart_boundary("multipart/form-data;boundary=abc") == "abc");
    CHECK(multipart_boundary("multipart/form-data ; charset=utf-8; boundary=xyz ") == "xyz");
    CHECK(multipart_boundary("multipart/form-data; boundary=\"a b:c?=(d)\"") == "a b:c?=(d)");
    CHECK(multipart_boundary("multipart/form-data; x=\"q\\\"uoted\"; boundary=k") == "k");
    CHECK(multipart_boundary("multipart/form-data; ; boundary=k;") == "k");
    CHECK(multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'b')) ==
          std::string(70, 'b'));
  }

  TEST_CASE("multipart_boundary refuses other types and bad boundaries") {
    for (const std::string& value : {
             "multipart/mixed; boundary=abc"s,
             "application/json"s,
             "multipart/form-data"s,
             "multipart/form-data; charset=utf-8"s,
             "multipart/form-data; boundary="s,
             "multipart/form-data; boundary=\"\""s,
             "multipart/form-data; boundary="s + std::string(71, 'b'),
             "multipart/form-data; boundary=\"ends with space \""s,
             "multipart/form-data; boundary=\"esc\\\"aped\""s,
             "multipart/form-data; boundary=\"unterminated"s,
             "multipart/form-data; boundary=a; boundary=b"s,
             "multipart/form-data; boundary=abc!"s,
             "multipart/form-data; boundary = abc"s,
             "multipart/form-data; boundary"s,
             "multipart/form-data junk; boundary=abc"s,
             "multipart/form-data; boundary=abc junk"s,
             "multipart/form-dataX; boundary=abc"s,
         }) {
      CAPTURE(value);
      CHECK_FALSE(multipart_boundary(value).has_value());
    }
  }

  TEST_CASE("a browser FormData body yields its text field and its file") {
    const std::string body = browser_body();
    const auto parts = parsed(body, kBoundary);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "subject");
    CHECK_FALSE(parts[0].filename.has_value());
    CHECK(parts[0].content_type == "text/plain");
    CHECK(parts[0].body == "Login fails");
    CHECK(parts[1].name == "file");
    CHECK(parts[1].filename == "screen shot.png");
    CHECK(parts[1].content_type == "image/png");
    CHECK(parts[1].body == kFileBytes);
  }

  TEST_CASE("quoted and unquoted boundaries both parse") {
    for (const std::string& content_type :
         {"multipart/form-data; boundary=simple-boundary_1.2"s,
          "multipart/form-data; boundary=\"quoted boundary (with) spaces:=?\""s}) {
      CAPTURE(content_type);
      const auto boundary = multipart_boundary(content_type);
      REQUIRE(boundary.has_value());
      const std::string body = body_of(*boundary, {{field("a"), "1"}, {field("b"), "two\r\n"}});
      const auto parts = parsed(body, *boundary);
      REQUIRE(parts.size() == 2);
      CHECK(parts[0].body == "1");
      CHECK(parts[1].body == "two\r\n");
    }
  }

  TEST_CASE("preamble, transport padding and epilogue are ignored") {
    const std::string body =
        "This is the preamble.\r\nIt has --b in it.\r\n"
        "--b \t\r\n" +
        field("a") + "\r\nA\r\n--b\t\r\n" + field("b") +
        "\r\nB\r\n--b-- \r\nepilogue --b\r\n--b\r\n garbage";
    const auto parts = parsed(body, "b");
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].body == "A");
    CHECK(parts[1].body == "B");
  }

  TEST_CASE("an empty form is a closing delimiter alone") {
    CHECK(parsed("--b--\r\n", "b").empty());
    CHECK(parsed("--b--", "b").empty());
    CHECK(parsed("preamble\r\n--b--", "b").empty());
  }

  TEST_CASE("part headers: names are case-insensitive, others are ignored, empty bodies") {
    const std::string body = body_of(
        "b", {{"content-disposition: FORM-DATA; NAME=plain; filename=\"\"\r\n"
               "X-Ignored: yes\r\n"
               "CONTENT-TYPE:application/pdf  \r\n",
               ""},
              {"Content-Disposition: form-data; name=\"\"; filename=\"C:\\dir\\a%22b.png\"; "
               "filename*=UTF-8''x\r\n",
               "x"}});
    const auto parts = parsed(body, "b");
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "plain");
    CHECK(parts[0].filename == "");
    CHECK(parts[0].content_type == "application/pdf");
    CHECK(parts[0].body == "");
    CHECK(parts[1].name == "");
    CHECK(parts[1].filename == "C:\\dir\\a%22b.png");  // taken literally
    CHECK(parts[1].body == "x");
  }

  TEST_CASE("a part may contain the boundary text when no CRLF-- precedes it") {
    const std::string content =
        "--boundary at the start\r\nboundary\r\n-boundary\r\n---boundary x--boundary\n--boundary"
        "\r--boundary";
    const std::string body = body_of("boundary", {{field("f"), content}});
    const auto parts = parsed(body, "boundary");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].body == content);
  }

  TEST_CASE("malformed multipart bodies are refused with a reason") {
    const std::string b = "b";
    SUBCASE("invalid boundary argument") {
      check_refused("--\r\n", "", "boundary");
      check_refused("--x", std::string(71, 'x'), "boundary");
    }
    SUBCASE("no opening delimiter") {
      check_refused("", b, "opening");
      check_refused("just text", b, "opening");
    }
    SUBCASE("missing closing delimiter") {
      check_refused("--b\r\n" + field("a") + "\r\nA", b, "closing");
      check_refused("--b\r\n" + field("a") + "\r\nA\r\n--c--", b, "closing");
    }
    SUBCASE("too many parts") {
      const std::string body = body_of(b, {{field("a"), "1"}, {field("b"), "2"}, {field("c"), ""}});
      CHECK(parsed(body, b, {.max_parts = 3}).size() == 3);
      check_refused(body, b, "more than 2 parts", {.max_parts = 2});
    }
    SUBCASE("header section too large") {
      const std::string headers = field("a") + "X-Pad: " + std::string(100, 'p') + "\r\n";
      const std::string body = body_of(b, {{headers, "A"}});
      const std::size_t section = headers.size() + 2;  // with the empty line
      CHECK(parsed(body, b, {.max_header_bytes = section}).size() == 1);
      check_refused(body, b, "exceed", {.max_header_bytes = section - 1});
      check_refused(body, b, "exceed", {.max_header_bytes = 10});
    }
    SUBCASE("headers cut off") {
      check_refused("--b\r\n" + field("a"), b, "empty line");
    }
    SUBCASE("no Content-Disposition") {
      check_refused(body_of(b, {{"Content-Type: text/plain\r\n", "A"}}), b,
                    "no Content-Disposition");
      check_refused(body_of(b, {{"", "A"}}), b, "no Content-Disposition");
    }
    SUBCASE("header line without a colon") {
      check_refused(body_of(b, {{field("a") + "Garbage line\r\n", "A"}}), b, "colon");
    }
    SUBCASE("invalid header name or folded line") {
      check_refused(body_of(b, {{field("a") + " Folded: x\r\n", "A"}}), b, "header name");
      check_refused(body_of(b, {{": x\r\n" + field("a"), "A"}}), b, "header name");
    }
    SUBCASE("bare LF and other controls in headers") {
      check_refused("--b\r\nContent-Disposition: form-data; name=a\n\nA\r\n--b--", b, "control");
      check_refused(body_of(b, {{field("a\x01"), "A"}}), b, "control");
    }
    SUBCASE("Content-Disposition problems") {
      check_refused(body_of(b, {{"Content-Disposition: attachment; name=a\r\n", ""}}), b,
                    "form-data");
      check_refused(body_of(b, {{"Content-Disposition: form-data\r\n", ""}}), b, "no name");
      check_refused(body_of(b, {{"Content-Disposition: form-data; filename=x\r\n", ""}}), b,
                    "no name");
      check_refused(body_of(b, {{"Content-Disposition: form-data; name=a; name=b\r\n", ""}}), b,
                    "parameter");
      check_refused(body_of(b, {{"Content-Disposition: form-data; name=\"a\r\n", ""}}), b,
                    "parameter");
      check_refused(body_of(b, {{"Content-Disposition: form-data; name=a b\r\n", ""}}), b,
                    "parameter");
      check_refused(body_of(b, {{field("a") + field("b"), ""}}), b, "repeated");
    }
    SUBCASE("Content-Type problems") {
      check_refused(body_of(b, {{field("a") + "Content-Type:  \r\n", ""}}), b, "empty");
      check_refused(body_of(b, {{field("a") + "Content-Type: a/b\r\nContent-Type: c/d\r\n", ""}}),
                    b, "repeated");
    }
    SUBCASE("delimiter lines") {
      check_refused("--b\n" + field("a") + "\r\nA\r\n--b--", b, "CRLF");
      check_refused("--bX\r\n" + field("a") + "\r\nA\r\n--b--", b, "CRLF");
      check_refused("--b\r\n" + field("a") + "\r\nA\r\n--bad\r\nmore\r\n--b--", b, "CRLF");
    }
  }

  TEST_CASE("mutated and truncated bodies never crash the parser") {
    const std::string original = browser_body();
    std::mt19937 rng(7578);
    const MultipartLimits limits{.max_parts = 3, .max_header_bytes = 128};
    std::size_t accepted = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string body = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !body.empty(); ++e) {
        const std::size_t at = rng() % body.size();
        switch (rng() % 6) {
          case 0:  // truncate the tail
            body.resize(at);
            break;
          case 1:  // a random byte
            body[at] = static_cast<char>(rng() & 0xFF);
            break;
          case 2:  // a syntax byte
            body[at] = "\r\n-\";:= "[rng() % 8];
            break;
          case 3:  // delete one byte
            body.erase(at, 1);
            break;
          case 4:  // insert a delimiter
            body.insert(at, "\r\n--" + std::string(kBoundary));
            break;
          case 5:  // drop a prefix
            body.erase(0, at);
            break;
        }
      }
      CAPTURE(i);
      const auto result = parse_multipart(body, kBoundary, limits);
      if (!result.ok()) {
        CHECK(result.status().IsInvalidArgument());
        continue;
      }
      ++accepted;
      CHECK(result->size() <= limits.max_parts);
      for (const MultipartPart& part : *result) {
        CHECK(inside(part.name, body));
        CHECK(inside(part.body, body));
        if (part.filename) CHECK(inside(*part.filename, body));
        CHECK((inside(part.content_type, body) || part.content_type == "text/plain"));
      }
    }
    CHECK(accepted > 0);
  }
}

}  // namespace docket::http
