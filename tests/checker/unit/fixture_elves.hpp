// ELF files linked at test time for the unit tests: C and C++ per-CPU variables compiled by gcc,
// g++ and clang-19, scripts injected by the built percpu-ldgen, linked by GNU ld and ld.lld-19.
// Built once per test process; a failing tool fails the tests with its output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fixture {

struct Elves {
  std::string plain;        // x86_64, identity-mapped, 4 CPUs, GNU ld
  std::string higher_half;  // x86_64, linked at 0xffffffff80000000 + 1 MiB, loaded at 1 MiB
  std::string riscv32;      // ELF32, clang-19 + ld.lld-19, 2 CPUs
  std::string noload;       // plain with a NOLOAD template
  std::string bulky;        // plain + a 4 MiB non-alloc section + --emit-relocs
  std::string cxx;          // g++: variables in namespace percpu_storage
  std::string overlap;      // assembler-placed variables: an alias spanning others, padding inside it and after
  std::string script_plain; // the injected script of `plain`
  std::string object;       // the x86_64 object of `plain`
};

// Links the x86_64 object with a script (an edited script_plain); returns the ELF's path.
std::string link_x86_64(const std::string& script_text, const std::string& name);

// Builds (first call) and returns the fixtures; throws std::runtime_error when a tool fails.
const Elves& elves();

// text with the first `from` replaced (throws when it is not there).
std::string replace_once(std::string text, const std::string& from, const std::string& to);

std::vector<uint8_t> read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
void write_file(const std::string& path, const std::vector<uint8_t>& bytes);

// A fresh directory under the build tree for a test's own files.
std::string scratch_dir();

}  // namespace fixture
