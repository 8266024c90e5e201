#include "core/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/crypto.h"

namespace docket {
namespace fs = std::filesystem;
namespace {

Status io_error(std::string_view what, const std::string& path, int err) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

Status fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error("open", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : io_error("fsync", path, err);
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write", path, errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

bool BlobStore::valid_name(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<BlobStore> BlobStore::open(std::string dir) {
  std::error_code ec;
  fs::create_directories(dir + "/tmp", ec);
  if (ec) return Status::IOError("cannot create " + dir + "/tmp: " + ec.message());
  for (const auto& entry : fs::directory_iterator(dir + "/tmp", ec))
    fs::remove(entry.path(), ec);
  return BlobStore(std::move(dir));
}

std::string BlobStore::path_of(std::string_view name) const {
  return fmt::format("{}/{}/{}", dir_, name.substr(0, 2), name);
}

bool BlobStore::exists(std::string_view name) const {
  std::error_code ec;
  return valid_name(name) && fs::exists(path_of(name), ec);
}

Result<bool> BlobStore::put(std::string_view name, std::string_view bytes) const {
  if (!valid_name(name)) return Status::InvalidArgument("not a SHA-256 name");
  const std::string target = path_of(name);
  if (exists(name)) {
    std::error_code ec;
    fs::last_write_time(target, fs::file_time_type::clock::now(), ec);
    return false;
  }
  const std::string shard = fmt::format("{}/{}", dir_, name.substr(0, 2));
  std::error_code ec;
  if (!fs::exists(shard, ec)) {
    fs::create_directories(shard, ec);
    if (ec) return Status::IOError("cannot create " + shard + ": " + ec.message());
    if (Status s = fsync_path(dir_, O_RDONLY | O_DIRECTORY); !s.ok()) return s;
  }
  static std::atomic<std::uint64_t> counter{0};
  const std::string temp = fmt::format("{}/tmp/{}.{}.{}", dir_, name, ::getpid(),
                                       counter.fetch_add(1, std::memory_order_relaxed));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("create", temp, errno);
  Status s = write_all(fd, bytes, temp);
  if (s.ok() && ::fsync(fd) != 0) s = io_error("fsync", temp, errno);
  ::close(fd);
  if (s.ok() && ::rename(temp.c_str(), target.c_str()) != 0) s = io_error("rename", target, errno);
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  if (Status d = fsync_path(shard, O_RDONLY | O_DIRECTORY); !d.ok()) return d;
  return true;
}

Result<std::string> BlobStore::read(std::string_view name) const {
  if (!valid_name(name)) return Status::NotFound("no such blob");
  const std::string path = path_of(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("blob " + std::string(name) + " is missing");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  return std::move(out).str();
}

Status BlobStore::remove(std::string_view name) const {
  if (!valid_name(name)) return Status::InvalidArgument("not a SHA-256 name");
  std::error_code ec;
  fs::remove(path_of(name), ec);
  if (ec) return Status::IOError("cannot remove " + path_of(name) + ": " + ec.message());
  return Status::Ok();
}

std::optional<std::int64_t> BlobStore::age_seconds(std::string_view name) const {
  if (!valid_name(name)) return std::nullopt;
  std::error_code ec;
  const auto written = fs::last_write_time(path_of(name), ec);
  if (ec) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() -
                                                          written)
      .count();
}

Result<std::vector<std::string>> BlobStore::list() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& shard : fs::directory_iterator(dir_, ec)) {
    if (!shard.is_directory() || shard.path().filename() == "tmp") continue;
    for (const auto& blob : fs::directory_iterator(shard.path(), ec)) {
      const std::string name = blob.path().filename().string();
      if (valid_name(name)) names.push_back(name);
    }
  }
  if (ec) return Status::IOError("cannot list " + dir_ + ": " + ec.message());
  return names;
}

Result<std::uint64_t> BlobStore::copy_to(const std::string& dir) const {
  auto names = list();
  if (!names.ok()) return names.status();
  std::uint64_t copied = 0;
  for (const std::string& name : *names) {
    const std::string shard = fmt::format("{}/{}", dir, std::string_view(name).substr(0, 2));
    const std::string target = shard + "/" + name;
    std::error_code ec;
    fs::create_directories(shard, ec);
    if (ec) return Status::IOError("cannot create " + shard + ": " + ec.message());
    fs::create_hard_link(path_of(name), target, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(path_of(name), target, fs::copy_options::overwrite_existing, ec);
      if (ec) return Status::IOError("cannot copy to " + target + ": " + ec.message());
      if (Status s = fsync_path(target, O_RDONLY); !s.ok()) return s;
    }
    ++copied;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  return copied;
}

Status BlobStore::verify(std::string_view name) const {
  auto bytes = read(name);
  if (!bytes.ok()) return bytes.status();
  if (sha256_hex(*bytes) != name) {
    return Status::Corruption(fmt::format("blob {} no longer has that SHA-256", name));
  }
  return Status::Ok();
}

}  // namespace docket
