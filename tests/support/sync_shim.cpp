// docket_sync_shim: an LD_PRELOAD library that records when the write-ahead log is made
// durable. It wraps fsync(2) and fdatasync(2): after the real call returns successfully on
// a RocksDB WAL file (a name ending in ".log"), it appends "<CLOCK_MONOTONIC ns>\n" to the
// file named by DOCKET_SYNC_SHIM_LOG. The durability test compares these instants with
// when each append was submitted and acknowledged: an acknowledgement with no WAL sync
// between the two means the log acknowledged data the disk may not hold. Without
// DOCKET_SYNC_SHIM_LOG the shim only passes the calls through.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

using SyncFn = int (*)(int);

int log_fd() {
  static const int fd = [] {
    const char* path = std::getenv("DOCKET_SYNC_SHIM_LOG");
    if (path == nullptr) return -1;
    return ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  }();
  return fd;
}

bool is_wal(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n < 4) return false;
  return std::memcmp(target + n - 4, ".log", 4) == 0;
}

int record(int fd, int result) {
  if (result != 0 || log_fd() < 0 || !is_wal(fd)) return result;
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  char line[32];
  const int len = std::snprintf(line, sizeof line, "%lld\n",
                                static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec);
  // One write(2) with O_APPEND: lines from many threads never interleave.
  if (::write(log_fd(), line, static_cast<std::size_t>(len)) != len) return result;
  return result;
}

}  // namespace

extern "C" int fsync(int fd) {
  static const auto real = reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, "fsync"));
  return record(fd, real(fd));
}

extern "C" int fdatasync(int fd) {
  static const auto real = reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, "fdatasync"));
  return record(fd, real(fd));
}
