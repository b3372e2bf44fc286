// Reading input files (bounded) and writing results (keeping what the destination is), for both
// tools: percpu-ldgen's scripts and percpu-check's --output. A root CI job once replaced /dev/null
// with a regular file through `-o /dev/null`: every write here first asks what the destination is.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "percpu/files.hpp"

namespace percpu {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err = 0) {
  throw IoError(path, what, err);
}

// Closes the descriptor on every path out of a scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Reads until end of file, failing as soon as more than max_bytes arrived: a file, a pipe or a
// device that never ends (/dev/zero) stops after one cap's worth of reads.
std::string read_bounded(int fd, const std::string& name, const ReadLimit& limit) {
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(name, "cannot read", errno);
    }
    if (text.size() + static_cast<size_t>(n) > limit.max_bytes)
      fail(name, "larger than the " + std::to_string(limit.max_bytes >> 20) + " MiB input limit (is it " +
                     limit.expected + "?)");
    text.append(buffer, static_cast<size_t>(n));
  }
}

void write_all(int fd, std::string_view text, const std::string& name) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(name, "write failed", errno);
    }
    written += static_cast<size_t>(n);
  }
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The file a path finally names: symlinks followed (a link may point to a file that does not
// exist yet; it is created there). Bounded like the kernel's own resolution (40 links).
std::string follow_links(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
    if (n < 0) fail(current, "cannot read the symbolic link", errno);
    target.resize(static_cast<size_t>(n));
    current = target.front() == '/' ? target : directory_of(current) + "/" + target;
  }
  fail(path, "too many levels of symbolic links", ELOOP);
}

// Devices and FIFOs are written as they are (no O_CREAT, no rename): they stay what they are.
void write_special(const std::string& path, std::string_view text) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open for writing", errno);
  write_all(fd.get(), text, path);
  if (::close(fd.release()) != 0) fail(path, "write failed", errno);
}

// Every link of the file sees the new text; a failed write can leave it half-written, which is
// why this needs WriteOptions::force.
void write_in_place(const std::string& path, std::string_view text) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open for writing", errno);
  write_all(fd.get(), text, path);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) fail(path, "write failed", errno);
}

mode_t default_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

// Writes next to the destination and renames over it, so it is either the old file or the
// complete new one. An existing file's owner and group are given to the new one first (a chown
// can clear set-id bits), then its mode; when the owner cannot be kept nothing is replaced.
void replace_atomically(const std::string& path, std::string_view text, const struct stat* existing) {
  std::string temp = path + ".percpu.XXXXXX";
  Fd fd(::mkstemp(temp.data()));
  if (fd.get() < 0) fail(path, "cannot create a temporary file next to it", errno);
  try {
    write_all(fd.get(), text, path);
    if (existing && (existing->st_uid != ::geteuid() || existing->st_gid != ::getegid()) &&
        ::fchown(fd.get(), existing->st_uid, existing->st_gid) != 0)
      fail(path, "cannot keep its owner " + std::to_string(existing->st_uid) + ":" +
                     std::to_string(existing->st_gid) + " (run as its owner or root, or write to another file)",
           errno);
    if (::fchmod(fd.get(), existing ? existing->st_mode & 07777 : default_mode()) != 0)
      fail(path, "cannot set the mode", errno);
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) fail(path, "write failed", errno);
    if (std::rename(temp.c_str(), path.c_str()) != 0) fail(path, "cannot replace", errno);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
}

}  // namespace

std::string read_file(const std::string& path, const ReadLimit& limit) {
  if (path == "-") return read_bounded(STDIN_FILENO, "<stdin>", limit);
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot read", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "cannot read", errno);
  if (S_ISDIR(st.st_mode)) fail(path, "cannot read", EISDIR);
  return read_bounded(fd.get(), path, limit);
}

void write_file(const std::string& path, std::string_view text, const WriteOptions& options) {
  const std::string target = follow_links(path);
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0) {
    if (errno != ENOENT) fail(target, "cannot write", errno);
    return replace_atomically(target, text, nullptr);
  }
  if (S_ISDIR(st.st_mode)) fail(target, "cannot write", EISDIR);
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) return write_special(target, text);
  if (!S_ISREG(st.st_mode)) fail(target, "cannot write: not a regular file, device or FIFO");
  if (st.st_nlink > 1) {
    if (!options.force)
      throw IoError(target,
                    "has " + std::to_string(st.st_nlink) +
                        " hard links and replacing it would split them; forcing rewrites it in place, where "
                        "every link sees the new text but the write is not atomic",
                    0, Remedy::force);
    return write_in_place(target, text);
  }
  replace_atomically(target, text, &st);
}

}  // namespace percpu
