#include "scheduler/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace docket::scheduler {
namespace {

Status io_error(const std::string& what) {
  return Status::IOError("mail file sink: " + what + ": " + std::strerror(errno));
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : io_error("fsync " + dir);
}

// The Message-ID reduced to characters safe in a file name.
std::string file_stem(std::string_view message_id) {
  std::string out;
  for (char c : message_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (ok)
      out += c;
    else if (c == '@')
      out += '_';
  }
  return out.substr(0, 120);
}

}  // namespace

Result<std::unique_ptr<FileSink>> FileSink::open(const std::string& dir, const std::string& from,
                                                 const Clock* clock) {
  auto mailbox = parse_mailbox(from);
  if (!mailbox.ok()) return Status::InvalidArgument("SMTP_FROM: " + mailbox.status().message());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("mail file sink: create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return std::unique_ptr<FileSink>(new FileSink(
      dir, std::move(mailbox).value(), clock != nullptr ? *clock : SystemClock::instance()));
}

Status FileSink::send(const MailMessage& message) {
  MailMessage m = message;
  const UnixMillis now = clock_.now_ms();
  if (m.date_ms == 0) m.date_ms = now;
  if (m.message_id.empty()) m.message_id = make_message_id("docket");
  auto text = format_message(m, from_, now);
  if (!text.ok()) return text.status();

  const std::string name = std::to_string(m.date_ms) + "-" + file_stem(m.message_id) + ".eml";
  const std::string final_path = dir_ + "/" + name;
  const std::string tmp_path = dir_ + "/.tmp-" + name;
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open " + tmp_path);
  Status status = write_all(fd, *text);
  if (status.ok() && ::fsync(fd) != 0) status = io_error("fsync " + tmp_path);
  if (::close(fd) != 0 && status.ok()) status = io_error("close " + tmp_path);
  if (status.ok() && ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    status = io_error("rename to " + final_path);
  }
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  return fsync_dir(dir_);
}

}  // namespace docket::scheduler
