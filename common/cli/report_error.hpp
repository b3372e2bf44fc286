// The one translation of the cores' errors (percpu/error.hpp) for both command lines: each kind's
// message and its exit code (exit_codes.hpp), and a remedy worded as the tool's own flags.
#pragma once

#include <exception>
#include <ostream>
#include <string>

#include "percpu/error.hpp"

namespace percpu::cli {

struct ErrorWording {
  std::string prefix;   // starts every line: "percpu-ldgen: error: ", "percpu-check: "
  std::string subject;  // what an error that names nothing is about ("FILE: "), may be empty
  // The tool's flags for a remedy ("pass --force"), appended as " (pass --force)"; nullptr for a
  // remedy the tool does not offer.
  const char* (*remedy)(Remedy) = nullptr;
};

// Writes the error to err and returns its exit code: a percpu::SourceError is "file:line:col:
// error: message" and the line with a caret (kExitBadInput), an InvalidArgument kExitUsage, every
// other error kExitBadInput.
int report_error(std::exception_ptr thrown, const ErrorWording& wording, std::ostream& err);

}  // namespace percpu::cli
