// Reading a script and replacing a file atomically: the core's file I/O, shared by the CLI and
// the Python binding (inject_file). Errors are percpu::IoError with the path and errno.
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

#include "percpu/ldgen.hpp"

namespace percpu::ldgen {

std::string read_script_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError(path, "cannot read", EISDIR);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot read", errno);
  try {  // libstdc++ reports some read errors by throwing from the stream buffer, not by badbit
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw IoError(path, "read error", 0);
    return text;
  } catch (const std::ios_base::failure& e) {
    throw IoError(path, std::string("read error: ") + e.what(), 0);
  }
}

namespace {

mode_t default_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0644 & ~mask;
}

// Throws after removing the temporary file.
[[noreturn]] void fail(const std::string& path, const std::string& temp, const char* action, int error_number) {
  ::unlink(temp.c_str());
  throw IoError(path, action, error_number);
}

}  // namespace

void write_script_file(const std::string& path, const std::string& text, const std::string& keep_mode_of) {
  std::string temp = path + ".percpu-ldgen.XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw IoError(path, "cannot create a temporary file next to it", errno);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      fail(path, temp, "write failed", saved);
    }
    written += static_cast<size_t>(n);
  }
  struct stat st {};
  const bool keep = !keep_mode_of.empty() && ::stat(keep_mode_of.c_str(), &st) == 0;
  (void)::fchmod(fd, keep ? st.st_mode & 07777 : default_mode());
  if (::fsync(fd) != 0 || ::close(fd) != 0) fail(path, temp, "write failed", errno);
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail(path, temp, "cannot replace", errno);
}

}  // namespace percpu::ldgen
