// percpu/files.hpp - reading an input file and writing a result, safely for a root CI job: the
// file rules of both tools (percpu-ldgen's scripts and -o/-i, percpu-check's --output).
//
// Reading is capped for files, pipes and devices alike. Writing keeps what the destination is: a
// symlink is written through to its target (the link stays), a regular file is replaced
// atomically (temporary file + rename) with its owner, group and mode, and a character or block
// device or a FIFO is written directly, never replaced. See docs/ldgen.md, "Files".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "percpu/error.hpp"

namespace percpu {

// How much reading accepts, and what the file should have been when it is larger.
struct ReadLimit {
  std::size_t max_bytes;  // a whole number of MiB
  const char* expected;   // "a linker script": the error says "(is it a linker script?)"
};

// The whole file at `path` ("-": standard input, named "<stdin>"), at most limit.max_bytes.
// Throws percpu::IoError: what() is "PATH: what happened[: strerror]", one line; error_number() is
// the errno behind it (0 for the size cap).
[[nodiscard]] std::string read_file(const std::string& path, const ReadLimit& limit);

struct WriteOptions {
  // A regular file with other hard links is refused (replacing it would split the links; the
  // IoError's remedy() is Remedy::force); with force it is rewritten in place, so every link sees
  // the new text (not atomic).
  bool force = false;
};

// Writes `text` to `path` (never "-": the caller writes standard output itself). Nothing is
// written when it throws (percpu::IoError), except a device or FIFO whose write failed part-way.
void write_file(const std::string& path, std::string_view text, const WriteOptions& options);

}  // namespace percpu
