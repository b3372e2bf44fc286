// percpu/ldgen_files.hpp - reading a linker script and writing the result, safely for a root CI job.
//
// Reading is capped (kMaxScriptBytes) for files, pipes and devices alike. Writing keeps what the
// destination is: a symlink is written through to its target (the link stays), a regular file is
// replaced atomically (temporary file + rename) with its owner, group and mode, and a character or
// block device or a FIFO is written directly, never replaced. See docs/ldgen.md, "Files".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "percpu/error.hpp"

namespace percpu::ldgen {

// The largest script read (64 MiB): real scripts are kilobytes; anything larger is a mistake such
// as /dev/zero or a binary, and must fail fast instead of filling the memory.
inline constexpr std::size_t kMaxScriptBytes = std::size_t{64} << 20;

// A file that cannot be read or written: percpu::IoError (percpu/error.hpp). what() is
// "PATH: what happened[: strerror]", one line; error_number() is the errno behind it (0: a rule of
// ldgen's, e.g. the size cap or hard links).
using FileError = percpu::IoError;

// The whole file at `path` ("-": standard input), at most kMaxScriptBytes.
[[nodiscard]] std::string read_script(const std::string& path);

struct WriteOptions {
  // A regular file with other hard links is refused (replacing it would split the links); with
  // force it is rewritten in place, so every link sees the new text (not atomic).
  bool force = false;
};

// Writes `text` to `path` (never "-": the caller writes standard output itself). Nothing is
// written when it throws, except a device or FIFO whose write failed part-way.
void write_script(const std::string& path, std::string_view text, const WriteOptions& options);

}  // namespace percpu::ldgen
