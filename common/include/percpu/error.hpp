// percpu/error.hpp - the errors the tools' cores (percpu::ldgen, percpu::checker) throw.
//
// Every error is a percpu::Error. Each kind carries its fields, so that a front end (the CLIs,
// the Python binding) can word or classify it without parsing what(); what() is one line, the
// text the CLIs print after the tool's name. No kind names a command-line flag: the cores are
// called from C++, from Python and from the CLIs alike. When an option of the call would get past
// the error, remedy() says which (Remedy), and each front end words it once in its own terms (the
// CLIs "pass --vma delta", Python "pass vma='delta'").
//   percpu::InvalidArgument     an option out of its domain: field, value, what it must be
//   percpu::IoError             a file that cannot be read or written: path, errno
//   percpu::SourceError         an input text that cannot be handled at file:line:column; the
//     percpu::ldgen::ScriptError  linker script ldgen cannot handle (ldgen.hpp)
//   percpu::check::ElfError     an ELF file the checker cannot read: path, reason (check.hpp)
#pragma once

#include <cstring>
#include <stdexcept>
#include <string>

namespace percpu {

// What the caller can change to get past an error, besides fixing the input.
enum class Remedy {
  none,
  choose_place,  // name an output section to place ldgen's block next to (InjectOptions::after/before)
  delta_model,   // use the delta address model (InjectOptions::vma = AddressModel::delta)
  force,         // force the edit or the write (InjectOptions::force, WriteOptions::force)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, Remedy remedy = Remedy::none) : std::runtime_error(what), remedy_(remedy) {}
  Remedy remedy() const { return remedy_; }

 private:
  Remedy remedy_;
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
  IoError(std::string path, const std::string& action, int error_number, Remedy remedy = Remedy::none)
      : Error(path + ": " + action + (error_number ? std::string(": ") + std::strerror(error_number) : ""), remedy),
        path_(std::move(path)),
        error_number_(error_number) {}
  const std::string& path() const { return path_; }
  int error_number() const { return error_number_; }  // errno, 0 if none

 private:
  std::string path_;
  int error_number_;
};

// what(): "<file>:<line>:<column>: <message>", and the text of that line for a caret display
// (percpu::excerpt, percpu/source_text.hpp).
class SourceError : public Error {
 public:
  SourceError(std::string file, unsigned line, unsigned column, std::string message, std::string source_line,
              Remedy remedy = Remedy::none)
      : Error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message, remedy),
        file_(std::move(file)),
        line_(line),
        column_(column),
        message_(std::move(message)),
        source_line_(std::move(source_line)) {}
  const std::string& file() const { return file_; }
  unsigned line() const { return line_; }
  unsigned column() const { return column_; }
  const std::string& message() const { return message_; }
  // The text of the offending line (without its newline).
  const std::string& source_line() const { return source_line_; }

 private:
  std::string file_;
  unsigned line_;
  unsigned column_;
  std::string message_;
  std::string source_line_;
};

// The largest CPU count the tools accept (a typo must not reserve gigabytes of areas).
inline constexpr unsigned kMaxCpus = 1u << 20;

inline std::string cpu_count_requirement() { return "between 1 and " + std::to_string(kMaxCpus); }

// Throws InvalidArgument unless 1 <= cpus <= kMaxCpus.
inline void require_cpu_count(unsigned long long cpus, const std::string& field = "cpus") {
  if (cpus < 1 || cpus > kMaxCpus) throw InvalidArgument(field, std::to_string(cpus), cpu_count_requirement());
}

}  // namespace percpu
