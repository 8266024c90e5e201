#include "cli/control_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace docket::cli {
namespace {

constexpr std::size_t kMaxRequestBytes = 64 * 1024;

bool fill_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads up to the first '\n' (excluded). False on EOF before a newline, error or timeout.
bool read_line(int fd, std::string& out, int timeout_ms) {
  out.clear();
  char buf[4096];
  while (out.size() < kMaxRequestBytes) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') return true;
      out.push_back(buf[i]);
    }
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::string& path,
                                                            Handler handler) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) {
    return Status::InvalidArgument("control socket path too long: " + path);
  }
  // A socket file nobody answers on is left over from a process that died: replace it.
  if (::access(path.c_str(), F_OK) == 0) {
    auto probe = control_request(path, R"({"op":"ping"})", std::chrono::milliseconds(500));
    if (probe.ok()) return Status::AlreadyExists("a server already answers on " + path);
    ::unlink(path.c_str());
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  const mode_t old_mask = ::umask(0077);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (rc != 0 || ::listen(fd, 8) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return Status::IOError("control socket " + path + ": " + err);
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(fd);
    ::unlink(path.c_str());
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  }
  return std::unique_ptr<ControlServer>(
      new ControlServer(path, fd, pipe_fds[0], pipe_fds[1], std::move(handler)));
}

ControlServer::ControlServer(std::string path, int listen_fd, int wake_fd_read, int wake_fd_write,
                             Handler handler)
    : path_(std::move(path)),
      listen_fd_(listen_fd),
      wake_read_(wake_fd_read),
      wake_write_(wake_fd_write),
      handler_(std::move(handler)) {
  thread_ = std::thread([this] { loop(); });
}

ControlServer::~ControlServer() {
  stop();
}

void ControlServer::stop() {
  if (stopped_.exchange(true)) return;
  const char byte = 'x';
  [[maybe_unused]] ssize_t n = ::write(wake_write_, &byte, 1);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
  ::unlink(path_.c_str());
}

void ControlServer::loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int r = ::poll(fds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || (fds[1].revents & POLLIN)) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::string request;
    if (read_line(client, request, 5000)) {
      std::string reply = handler_(request);
      reply.push_back('\n');
      write_all(client, reply);
    }
    ::close(client);
  }
}

Result<std::string> control_request(const std::string& path, std::string_view request,
                                    std::chrono::milliseconds timeout) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) {
    return Status::InvalidArgument("control socket path too long: " + path);
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return Status::Unavailable("no server answers on " + path);
  }
  std::string line(request);
  line.push_back('\n');
  std::string reply;
  const bool ok = write_all(fd, line) && read_line(fd, reply, static_cast<int>(timeout.count()));
  ::close(fd);
  if (!ok) return Status::IOError("no reply on " + path);
  return reply;
}

}  // namespace docket::cli
