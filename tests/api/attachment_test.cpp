// Attachments over real HTTP: uploads recognised by their bytes (415 for anything else),
// metadata removed before storing, 413 past the limit, the same bytes stored once,
// attaching to messages (once, only one's own uploads), downloads only for those who
// may read the conversation, and the orphan sweep on an injected clock.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/blob_store.h"
#include "core/config.h"
#include "events/event_store.h"
#include "http/testing/raw_client.h"
#include "scheduler/attachment_cleanup.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string png_chunk(std::string_view type, std::string_view data) {
  return be32(static_cast<std::uint32_t>(data.size())) + std::string(type) + std::string(data) +
         be32(0);  // CRCs are copied, not checked
}

// A small PNG with a tEXt chunk that must not survive the upload.
std::string png_with_secret() {
  const std::string ihdr("\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13);
  return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) +
         png_chunk("tEXt", std::string("Comment\0GPS 52.52N 13.40E secret", 32)) +
         png_chunk("IDAT", std::string("\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01", 10)) +
         png_chunk("IEND", "");
}

ApiResponse send(ApiServer& s, std::string_view method, std::string_view path,
                 std::string_view content_type, std::string_view body, std::string_view token,
                 std::string_view extra_headers = {}) {
  std::string headers(extra_headers);
  if (!token.empty()) headers += "Authorization: Bearer " + std::string(token) + "\r\n";
  auto raw = http::testing::fetch(
      s.port(), http::testing::body_request(method, path, content_type, body, headers));
  REQUIRE_MESSAGE(raw.has_value(), "no answer to ", method, " ", path);
  ApiResponse out;
  out.status = raw->status;
  out.raw = std::move(*raw);
  out.parser = std::make_shared<simdjson::dom::parser>();
  if (out.parser->parse(out.raw.body).get(out.json)) out.json = {};
  return out;
}

ApiResponse upload_form(ApiServer& s, std::string_view bytes, std::string_view file_name,
                        std::string_view token, std::string_view extra_headers = {},
                        const std::string& boundary = "----docketBoundary7MA4YWxk") {
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                     std::string(file_name) + "\"\r\nContent-Type: image/png\r\n\r\n" +
                     std::string(bytes) + "\r\n--" + boundary + "--\r\n";
  return send(s, "POST", "/api/attachments", "multipart/form-data; boundary=" + boundary, body,
              token, extra_headers);
}

ApiResponse get_file(ApiServer& s, const std::string& id, std::string_view token) {
  return s.call("GET", "/api/attachments/" + id, {}, token);
}

std::size_t blob_count(const std::string& data_dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data_dir + "/attachments")) {
    if (e.is_regular_file() && e.path().parent_path().filename() != "tmp") ++n;
  }
  return n;
}

void small_uploads(Config& c) {
  c.attachment_max_bytes = 2048;
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("attachments: type by content, metadata removed, 413, stored once") {
    ApiServer server({}, nullptr, small_uploads);
    const std::string kim = server.register_customer("kim-files@example.com");

    const std::string png = png_with_secret();
    auto up = upload_form(server, png, "C:\\photos\\broken box.png", kim);
    REQUIRE_MESSAGE(up.status == 201, up.raw.body);
    const std::string id = up.data_string("id");
    CHECK(id.starts_with("att_"));
    CHECK(up.data_string("contentType") == "image/png");
    CHECK(up.data_string("fileName") == "broken box.png");
    CHECK(up.data_int("size") < static_cast<std::int64_t>(png.size()));
    CHECK(up.data_string("url") == "/api/attachments/" + id);

    // The uploader reads it back before it is attached: no tEXt, same pixels.
    auto mine = get_file(server, id, kim);
    REQUIRE_MESSAGE(mine.status == 200, mine.raw.body);
    CHECK(mine.raw.body.starts_with(std::string("\x89PNG\r\n\x1a\n", 8)));
    CHECK(mine.raw.body.find("secret") == std::string::npos);
    CHECK(mine.raw.body.find("IDAT") != std::string::npos);
    CHECK(mine.raw.header("Content-Type") == "image/png");
    CHECK(mine.raw.header("X-Content-Type-Options") == "nosniff");
    CHECK(mine.raw.header("ETag") == "\"" + up.data_string("sha256") + "\"");
    CHECK(mine.raw.header("Cache-Control").starts_with("private"));

    // Caches revalidate with the ETag, alone or in a list.
    const std::string etag = "\"" + up.data_string("sha256") + "\"";
    for (const std::string& tags : {etag, "\"other\", W/" + etag, std::string("*")}) {
      auto cached = http::testing::fetch(
          server.port(), "GET /api/attachments/" + id + " HTTP/1.1\r\nHost: test\r\n" +
                             "Authorization: Bearer " + kim + "\r\nIf-None-Match: " + tags +
                             "\r\n\r\n");
      REQUIRE(cached.has_value());
      CHECK(cached->status == 304);
      CHECK(cached->body.empty());
    }

    // A name in any script survives in filename*, with an ASCII fallback; the
    // right-to-left override that would show "gnp.exe" as "exe.png" does not.
    auto named = upload_form(server, png, "\xE2\x80\xAEgnp.\xC3\xA9t\xC3\xA9.png", kim);
    REQUIRE_MESSAGE(named.status == 201, named.raw.body);
    CHECK(named.data_string("fileName") == "gnp.\xC3\xA9t\xC3\xA9.png");
    CHECK(get_file(server, named.data_string("id"), kim).raw.header("Content-Disposition") ==
          "inline; filename=\"gnp.__t__.png\"; filename*=UTF-8''gnp.%C3%A9t%C3%A9.png");

    // Nobody else, signed in or not.
    const std::string lee = server.register_customer("lee-files@example.com");
    CHECK(get_file(server, id, lee).error_code() == "ATTACHMENT_NOT_FOUND");
    CHECK(get_file(server, id, {}).error_code() == "ATTACHMENT_NOT_FOUND");
    CHECK(get_file(server, "att_aaaaaaaaaaaaaaaaaaaaaaaaaa", kim).status == 404);

    // The same bytes again, sent raw: a new attachment, one stored file.
    auto again = send(server, "POST", "/api/attachments?fileName=again.png", "image/png", png, lee);
    REQUIRE_MESSAGE(again.status == 201, again.raw.body);
    CHECK(again.data_string("sha256") == up.data_string("sha256"));
    CHECK(again.data_string("id") != id);
    CHECK(blob_count(server.data_dir()) == 1);

    // Not by name, not by declared type: by bytes.
    auto svg =
        send(server, "POST", "/api/attachments?fileName=x.png", "image/png",
             R"(<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>)", kim);
    CHECK(svg.status == 415);
    CHECK(svg.error_code() == "ATTACHMENT_TYPE_NOT_ALLOWED");
    auto truncated = send(server, "POST", "/api/attachments", "image/png", png.substr(0, 40), kim);
    CHECK(truncated.status == 415);

    // 2048 bytes at most: a larger file is 413, and so is a body past the framing allowance.
    std::string big = png;
    big.insert(33, png_chunk("zzZz", std::string(3000, 'x')));
    CHECK(upload_form(server, big, "big.png", kim).status == 413);
    auto huge =
        send(server, "POST", "/api/attachments", "image/png", std::string(40'000, 'x'), kim);
    CHECK(huge.status == 413);
    CHECK(huge.error_code() == "PAYLOAD_TOO_LARGE");
    CHECK(upload_form(server, "", "empty.png", kim).status == 400);

    // `docket events verify` checks the files against the log: one altered file fails it.
    server.stop();
    auto verified =
        testing::run_process({DOCKET_BINARY, "events", "verify", "--data-dir", server.data_dir()});
    CHECK_MESSAGE(verified.exit_code == 0, verified.out);
    CHECK(verified.out.find("3 attachment files") != std::string::npos);
    const std::string sha = up.data_string("sha256");
    const std::string path = server.data_dir() + "/attachments/" + sha.substr(0, 2) + "/" + sha;
    std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::ofstream(path, std::ios::app) << "tampered";
    auto tampered =
        testing::run_process({DOCKET_BINARY, "events", "verify", "--data-dir", server.data_dir()});
    CHECK(tampered.exit_code == 1);
    CHECK(tampered.out.find("is altered") != std::string::npos);
  }

  TEST_CASE("attachments: attached once to one's own messages; read by the conversation") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string kim = server.register_customer("kim-attach@example.com");
    const std::string lee = server.register_customer("lee-attach@example.com");
    auto created =
        server.call("POST", "/api/mobile/support-requests",
                    R"({"subject":"Broken","category":"technical","message":"See"})", kim);
    REQUIRE(created.status == 201);
    const std::string request = std::to_string(created.data_int("id"));

    const std::string id = upload_form(server, png_with_secret(), "box.png", kim).data_string("id");
    const std::string leeFile =
        upload_form(server, png_with_secret(), "lee.png", lee).data_string("id");

    // Lee cannot attach to Kim's request, nor can Kim attach Lee's upload.
    auto foreign = server.call("POST", "/api/mobile/support-requests/" + request + "/messages",
                               R"({"message":"mine","attachmentIds":[")" + leeFile + R"("]})", kim);
    CHECK(foreign.status == 400);
    CHECK(foreign.error_code() == "VALIDATION_ERROR");

    auto reply =
        server.call("POST", "/api/mobile/support-requests/" + request + "/messages",
                    R"({"message":"Photo attached","attachmentIds":[")" + id + R"("]})", kim);
    REQUIRE_MESSAGE(reply.status == 201, reply.raw.body);
    auto att = reply.json["data"]["message"]["attachments"].at(0);
    CHECK(std::string(att["id"].get_string().value()) == id);
    CHECK(std::string(att["fileName"].get_string().value()) == "box.png");
    CHECK(std::string(att["url"].get_string().value()) == "/api/attachments/" + id);

    // Once only.
    auto twice = server.call("POST", "/api/mobile/support-requests/" + request + "/messages",
                             R"({"message":"again","attachmentIds":[")" + id + R"("]})", kim);
    CHECK(twice.status == 409);
    CHECK(twice.error_code() == "ATTACHMENT_IN_USE");

    // The thread shows it; the owner and staff read it, Lee does not.
    auto detail = server.call("GET", "/api/admin/support-requests/" + request, {}, admin);
    bool shown = false;
    for (auto m : detail.json["data"]["messages"].get_array()) {
      for (auto a : m["attachments"].get_array()) {
        if (std::string(a["id"].get_string().value()) == id) shown = true;
      }
    }
    CHECK(shown);
    CHECK(get_file(server, id, kim).status == 200);
    CHECK(get_file(server, id, admin).status == 200);
    CHECK(get_file(server, id, lee).status == 404);

    // Staff delete it: gone for everyone; the file stays while Lee's upload has the bytes.
    auto removed = server.call("DELETE", "/api/admin/attachments/" + id, {}, admin);
    REQUIRE_MESSAGE(removed.status == 200, removed.raw.body);
    CHECK(get_file(server, id, kim).status == 404);
    CHECK(server.call("DELETE", "/api/admin/attachments/" + id, {}, kim).status == 403);
    CHECK(blob_count(server.data_dir()) == 1);
  }

  TEST_CASE("attachments: an upload retried with its Idempotency-Key after a restart is the same") {
    testing::TempDir dir;
    const std::string key = "Idempotency-Key: upload-retry-key-0001\r\n";
    std::string kim;
    std::string first_id;
    {
      ApiServer server(dir.path());
      kim = server.register_customer("kim-retry@example.com");
      auto first = upload_form(server, png_with_secret(), "box.png", kim, key, "----first");
      REQUIRE_MESSAGE(first.status == 201, first.raw.body);
      first_id = first.data_string("id");
      // A browser's FormData picks a new boundary for the retry: still the same request.
      auto again = upload_form(server, png_with_secret(), "box.png", kim, key, "----second");
      CHECK(again.status == 201);
      CHECK(again.data_string("id") == first_id);
      CHECK(again.raw.header("Idempotent-Replayed") == "true");
      server.stop();
    }
    ApiServer server(dir.path());
    const std::uint64_t head = server.runtime().store().head();
    auto retry = upload_form(server, png_with_secret(), "box.png", kim, key, "----third");
    REQUIRE_MESSAGE(retry.status == 201, retry.raw.body);
    // Answered from the upload in the log, not from the id made for this attempt.
    CHECK(retry.data_string("id") == first_id);
    CHECK(server.runtime().store().head() == head);
    auto other = upload_form(server, "another file", "x.png", kim, key, "----fourth");
    CHECK(other.status == 422);
  }

  TEST_CASE("attachments: the sweep deletes unattached uploads and their files") {
    ManualClock clock(kStart);
    ApiServer server({}, &clock);
    const std::string kim = server.register_customer("kim-orphan@example.com");
    auto uploaded = upload_form(server, png_with_secret(), "o.png", kim);
    const std::string id = uploaded.data_string("id");
    REQUIRE(blob_count(server.data_dir()) == 1);
    auto& rt = server.runtime();
    const UnixMillis day = 24LL * 3'600'000;

    auto early = scheduler::clean_attachments(rt.store(), *rt.readers(), *rt.blobs(),
                                              clock.now_ms(), day, std::chrono::seconds(0));
    REQUIRE(early.ok());
    CHECK(early->expired == 0);
    CHECK(early->blobsRemoved == 0);

    clock.advance(day + 1000);
    auto swept = scheduler::clean_attachments(rt.store(), *rt.readers(), *rt.blobs(),
                                              clock.now_ms(), day, std::chrono::seconds(0));
    REQUIRE(swept.ok());
    CHECK(swept->expired == 1);
    // (Also waits for the read models; the day-old token has expired.)
    CHECK(get_file(server, id, server.login("kim-orphan@example.com", "password-123")).status ==
          404);
    auto files = scheduler::clean_attachments(rt.store(), *rt.readers(), *rt.blobs(),
                                              clock.now_ms(), day, std::chrono::seconds(0));
    REQUIRE(files.ok());
    // The file goes in the run that sees the deletion in the read model: this one or the
    // next.
    CHECK(swept->blobsRemoved + files->blobsRemoved == 1);
    CHECK(blob_count(server.data_dir()) == 0);
  }
}

}  // namespace docket::api_testing
