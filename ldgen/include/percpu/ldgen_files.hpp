// percpu/ldgen_files.hpp - reading a linker script and writing the result, safely for a root CI job:
// percpu/files.hpp's rules (shared with percpu-check's --output) with a linker script's input cap.
// See docs/ldgen.md, "Files".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "percpu/error.hpp"
#include "percpu/files.hpp"

namespace percpu::ldgen {

// The largest script read (64 MiB): real scripts are kilobytes; anything larger is a mistake such
// as /dev/zero or a binary, and must fail fast instead of filling the memory.
inline constexpr std::size_t kMaxScriptBytes = std::size_t{64} << 20;

// A file that cannot be read or written: percpu::IoError (percpu/error.hpp). what() is
// "PATH: what happened[: strerror]", one line; error_number() is the errno behind it (0: a rule of
// the file functions, e.g. the size cap or hard links).
using FileError = percpu::IoError;
using WriteOptions = percpu::WriteOptions;

// The whole file at `path` ("-": standard input), at most kMaxScriptBytes.
[[nodiscard]] inline std::string read_script(const std::string& path) {
  return percpu::read_file(path, {kMaxScriptBytes, "a linker script"});
}

// percpu::write_file: `text` to `path` (never "-"); nothing is written when it throws, except a
// device or FIFO whose write failed part-way.
inline void write_script(const std::string& path, std::string_view text, const WriteOptions& options) {
  percpu::write_file(path, text, options);
}

}  // namespace percpu::ldgen
