// The operator channel of a running server: a Unix stream socket, <data>/control.sock,
// created with mode 0600 so only the data directory's owner can use it.
//
// Protocol: one request per connection. The client writes one line of JSON
// ({"op":"backup","dir":"/backups/x"}) and reads one line of JSON back
// ({"ok":true,...} or {"ok":false,"error":"..."}). Operator commands (backup,
// projections rebuild) use it when a server holds the log open, since RocksDB allows
// one writing process.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"

namespace docket::cli {

class ControlServer {
 public:
  // Called on the control thread with the request line; returns the reply line
  // (JSON, no newline). Requests are served one at a time.
  using Handler = std::function<std::string(std::string_view request)>;

  // Binds `path` (replacing a stale socket file nobody listens on) and starts the
  // control thread. AlreadyExists when a live server answers on `path`.
  static Result<std::unique_ptr<ControlServer>> start(const std::string& path, Handler handler);

  ~ControlServer();
  // Stops the thread and removes the socket file. Idempotent.
  void stop();

 private:
  ControlServer(std::string path, int listen_fd, int wake_fd_read, int wake_fd_write,
                Handler handler);
  void loop();

  std::string path_;
  int listen_fd_;
  int wake_read_;
  int wake_write_;
  Handler handler_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

// Sends one request line and returns the reply line. Unavailable when nothing listens on
// `path` (no server running); IOError on a broken exchange or timeout.
Result<std::string> control_request(const std::string& path, std::string_view request,
                                    std::chrono::milliseconds timeout);

}  // namespace docket::cli
