// percpu/error.hpp - the errors the tools' cores (percpu::ldgen, percpu::checker) throw.
//
// Every error is a percpu::Error. Each kind carries its fields, so that a front end (the CLIs,
// the Python binding) can word or classify it without parsing what(); what() is one line, the
// text the CLIs print after the tool's name. No kind names a command-line flag: the cores are
// called from C++, from Python and from the CLIs alike.
//   percpu::InvalidArgument     an option out of its domain: field, value, what it must be
//   percpu::IoError             a file that cannot be read or written: path, errno
//   percpu::ldgen::ScriptError  a linker script ldgen cannot handle: file:line:column (ldgen.hpp)
//   percpu::check::ElfError     an ELF file the checker cannot read: path, reason (check.hpp)
#pragma once

#include <cstring>
#include <stdexcept>
#include <string>

namespace percpu {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// what(): "<field> must be <requirement>, not <value>" (e.g. "cpus must be between 1 and 1048576,
// not 0").
class InvalidArgument : public Error {
 public:
  InvalidArgument(std::string field, std::string value, std::string requirement)
      : Error(field + " must be " + requirement + ", not " + value),
        field_(std::move(field)),
        value_(std::move(value)),
        requirement_(std::move(requirement)) {}
  const std::string& field() const { return field_; }
  const std::string& value() const { return value_; }  // as given, quoted when it is text
  const std::string& requirement() const { return requirement_; }

 private:
  std::string field_;
  std::string value_;
  std::string requirement_;
};

// what(): "<path>: <action>: <strerror(errno)>", or "<path>: <action>" when errno is 0 (a
// condition the OS did not report, e.g. "is a directory" found by stat()).
class IoError : public Error {
 public:
  IoError(std::string path, const std::string& action, int error_number)
      : Error(path + ": " + action + (error_number ? std::string(": ") + std::strerror(error_number) : "")),
        path_(std::move(path)),
        error_number_(error_number) {}
  const std::string& path() const { return path_; }
  int error_number() const { return error_number_; }  // errno, 0 if none

 private:
  std::string path_;
  int error_number_;
};

// The largest CPU count the tools accept (a typo must not reserve gigabytes of areas).
inline constexpr unsigned kMaxCpus = 1u << 20;

inline std::string cpu_count_requirement() { return "between 1 and " + std::to_string(kMaxCpus); }

// Throws InvalidArgument unless 1 <= cpus <= kMaxCpus.
inline void require_cpu_count(unsigned long long cpus, const std::string& field = "cpus") {
  if (cpus < 1 || cpus > kMaxCpus) throw InvalidArgument(field, std::to_string(cpus), cpu_count_requirement());
}

}  // namespace percpu
