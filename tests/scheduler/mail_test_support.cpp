#include "tests/scheduler/mail_test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/test_support.h"

extern char** environ;

namespace docket::testing {

Status FakeSender::send(const scheduler::MailMessage& message) {
  std::lock_guard lock(mu_);
  sent_.push_back(message);
  if (results_.empty()) return Status::Ok();
  Status s = results_.front();
  results_.erase(results_.begin());
  return s;
}

void FakeSender::script(std::vector<Status> results) {
  std::lock_guard lock(mu_);
  results_ = std::move(results);
}

std::vector<scheduler::MailMessage> FakeSender::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

const std::string& python_with_aiosmtpd() {
  static const std::string python = [] {
    for (const char* candidate : {"/usr/bin/python3", "/usr/local/bin/python3"}) {
      if (!std::filesystem::exists(candidate)) continue;
      if (run_process({candidate, "-c", "import aiosmtpd"}).exit_code == 0)
        return std::string(candidate);
    }
    return std::string();
  }();
  return python;
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

SmtpServer::SmtpServer(std::uint16_t port, std::string maildir)
    : port_(port), maildir_(std::move(maildir)) {
  const std::string& python = python_with_aiosmtpd();
  if (python.empty()) throw std::runtime_error("no python3 with aiosmtpd (python3-aiosmtpd)");
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv = {
      python, "-m", "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Mailbox", maildir_};
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn aiosmtpd failed");
}

SmtpServer::~SmtpServer() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

bool SmtpServer::wait_ready(std::chrono::milliseconds timeout) {
  return eventually(
             [&] {
               int status = 0;
               if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                 pid_ = -1;  // it exited: never ready
                 return true;
               }
               const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
               sockaddr_in addr{};
               addr.sin_family = AF_INET;
               addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
               addr.sin_port = htons(port_);
               const bool connected =
                   ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
               ::close(fd);
               return connected;
             },
             timeout) &&
         pid_ > 0;
}

std::vector<std::string> SmtpServer::messages() const {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(maildir_ + "/new", ec)) {
    paths.push_back(entry.path().string());
  }
  return paths;
}

ParsedMail parse_mail_file(const std::string& path) {
  static constexpr const char* kScript = R"py(
import email, json, sys
from email import policy
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=policy.default)
headers = {k.lower(): str(v) for k, v in m.items()}
body = m.get_content().replace('\r\n', '\n')  # CRLF is the canonical line end
defects = len(m.defects) + sum(len(v.defects) for v in m.values() if hasattr(v, 'defects'))
print(json.dumps({'headers': headers, 'body': body, 'defects': defects}))
)py";
  ParsedMail parsed;
  const std::string& python =
      python_with_aiosmtpd().empty() ? std::string("/usr/bin/python3") : python_with_aiosmtpd();
  ProcessResult result = run_process({python, "-c", kScript, path});
  if (result.exit_code != 0) {
    parsed.error = result.err;
    return parsed;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(result.out).get(root) != simdjson::SUCCESS) {
    parsed.error = "not JSON: " + result.out;
    return parsed;
  }
  for (auto [key, value] : root["headers"].get_object()) {
    parsed.headers[std::string(key)] = std::string(value.get_string().value());
  }
  parsed.body = std::string(root["body"].get_string().value());
  parsed.defects = static_cast<int>(root["defects"].get_int64().value());
  parsed.ok = true;
  return parsed;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace docket::testing
