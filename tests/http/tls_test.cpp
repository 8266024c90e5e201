#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "http/request_context.h"
#include "http/testing/raw_client.h"
#include "tests/http/test_server.h"
#include "tests/support/test_support.h"

namespace docket::http {
namespace {

using namespace std::chrono_literals;

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A self-signed P-256 certificate for localhost / 127.0.0.1, written as PEM files.
struct SelfSigned {
  std::unique_ptr<X509, X509Deleter> cert;
  std::string cert_path;
  std::string key_path;

  explicit SelfSigned(const docket::testing::TempDir& dir)
      : cert_path(dir.sub("cert.pem")), key_path(dir.sub("key.pem")) {
    std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    cert.reset(X509_new());
    X509* x = cert.get();
    REQUIRE(X509_set_version(x, 2) == 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    REQUIRE(X509_set_pubkey(x, key.get()) == 1);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    REQUIRE(X509_set_issuer_name(x, name) == 1);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    REQUIRE(san != nullptr);
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    REQUIRE(X509_sign(x, key.get(), EVP_sha256()) > 0);

    FILE* f = std::fopen(cert_path.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_path.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
  }
};

// A blocking TLS client that trusts exactly `cert`.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, X509* trusted) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    REQUIRE(ctx_ != nullptr);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), trusted);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set1_host(ssl_, "localhost");
    handshake_ok_ = SSL_connect(ssl_) == 1;
  }
  ~TlsClient() {
    if (ssl_ != nullptr) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }

  bool handshake_ok() const { return handshake_ok_; }
  bool verified() const { return SSL_get_verify_result(ssl_) == X509_V_OK; }

  bool send(const std::string& bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
           static_cast<int>(bytes.size());
  }

  // One response with a Content-Length body; returns the raw text of head and body.
  std::optional<std::string> read_response() {
    for (;;) {
      const std::size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::size_t cl = buffer_.find("Content-Length: ");
        std::size_t length = 0;
        if (cl != std::string::npos && cl < head_end) length = std::stoul(buffer_.substr(cl + 16));
        if (buffer_.size() >= head_end + 4 + length) {
          std::string out = buffer_.substr(0, head_end + 4 + length);
          buffer_.erase(0, head_end + 4 + length);
          return out;
        }
      }
      char buf[4096];
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool handshake_ok_ = false;
  std::string buffer_;
};

void routes(Router& r) {
  r.get("/secure", [](RequestContext&) {
    return Response::ok([](JsonWriter& w) { w.begin_object().field("tls", true).end_object(); });
  });
}

}  // namespace

TEST_SUITE("http.integration") {
  TEST_CASE("TLS round trip with keep-alive") {
    docket::testing::TempDir dir;
    SelfSigned cert(dir);
    ServerOptions o = testing::test_options();
    o.tls_cert_file = cert.cert_path;
    o.tls_key_file = cert.key_path;
    testing::TestServer ts(routes, o);
    const auto port = ts.start();

    TlsClient client(port, cert.cert.get());
    REQUIRE(client.handshake_ok());
    CHECK(client.verified());
    for (int i = 0; i < 2; ++i) {
      REQUIRE(client.send(testing::get_request("/secure")));
      const auto response = client.read_response();
      REQUIRE(response.has_value());
      CHECK(response->starts_with("HTTP/1.1 200 OK\r\n"));
      CHECK(response->find("X-Request-Id: ") != std::string::npos);
      CHECK(response->ends_with(R"({"success":true,"data":{"tls":true}})"));
    }

    // Plain HTTP on the TLS port gets no HTTP answer.
    testing::RawClient plain(port);
    REQUIRE(plain.send(testing::get_request("/secure")));
    CHECK_FALSE(plain.read_response(1000ms).has_value());
  }

  TEST_CASE("TLS start fails on unreadable key material") {
    docket::testing::TempDir dir;
    SelfSigned cert(dir);
    ServerOptions o = testing::test_options();
    o.tls_cert_file = cert.cert_path;
    o.tls_key_file = dir.sub("missing-key.pem");
    testing::TestServer ts(routes, o);
    CHECK(ts.server->start().IsInvalidArgument());
  }
}

}  // namespace docket::http
