// Counts on the command lines (--cpus): decimal digits only, so that "010" is ten (not octal
// eight) and "0x10", "1e3", "+4", " 4" are refused instead of read some other way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace percpu::cli {

struct CountResult {
  unsigned value = 0;
  std::string error;  // empty when value holds the count
};

// The count in text, within [min, max]. Errors: "'abc' is not a number (decimal digits only)",
// "0 is out of range (1..1048576)".
CountResult parse_count(std::string_view text, unsigned min, unsigned max);

}  // namespace percpu::cli
