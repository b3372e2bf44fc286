#include "count.hpp"

namespace percpu::cli {

CountResult parse_count(std::string_view text, unsigned min, unsigned max) {
  const std::string range = "(" + std::to_string(min) + ".." + std::to_string(max) + ")";
  CountResult result;
  bool digits = !text.empty();
  for (const char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    result.error = "'" + std::string(text) + "' is not a number (decimal digits only)";
    return result;
  }
  unsigned long long value = 0;
  for (const char c : text) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max) {
      result.error = std::string(text) + " is out of range " + range;
      return result;
    }
  }
  if (value < min) {
    result.error = std::string(text) + " is out of range " + range;
    return result;
  }
  result.value = static_cast<unsigned>(value);
  return result;
}

}  // namespace percpu::cli
