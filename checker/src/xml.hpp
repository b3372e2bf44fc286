// XML text and attribute escaping for the picture (SVG/HTML) and the JUnit report: one rule for
// both. Symbol names are bytes, not always UTF-8, and XML 1.0 forbids most control characters
// even as references, so those bytes become '?'.
#pragma once

#include <string>

namespace percpu::check::detail {

inline std::string xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += (u < 0x20 && c != '\t' && c != '\n') || u >= 0x80 ? '?' : c;
    }
  }
  return out;
}

}  // namespace percpu::check::detail
