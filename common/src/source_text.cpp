// The two lines under an error message: the offending source line and a caret under the column.
// The line comes from an untrusted file: control bytes would drive the terminal (escape
// sequences), and a multi-megabyte line would flood it, so the line is escaped and cut.
#include <cstdio>

#include <algorithm>

#include "percpu/source_text.hpp"

namespace percpu {
namespace {

constexpr size_t kContext = 60;  // bytes shown on each side of the column in a long line

// Length of the valid UTF-8 sequence at s[i] that is not a C1 control (U+0080..U+009F), or 0.
size_t printable_utf8(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  const size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xC2 && byte(i + 1) < 0xA0) return 0;
  return n;
}

// Appends the bytes [from, to) of `line` escaped to `shown`, and to `caret` what keeps the caret
// under the same character: a tab stays a tab, every other shown character becomes a space.
void show(std::string_view line, size_t from, size_t to, std::string& shown, std::string& caret) {
  for (size_t i = from; i < to;) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      shown += '\t';
      caret += '\t';
      ++i;
    } else if (c >= 0x20 && c < 0x7F) {
      shown += static_cast<char>(c);
      caret += ' ';
      ++i;
    } else if (const size_t n = c >= 0x80 ? printable_utf8(line, i) : 0; n > 0) {
      shown.append(line.substr(i, n));
      caret += ' ';
      i += n;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      shown += hex;
      caret.append(4, ' ');
      ++i;
    }
  }
}

// Moves a cut point back to the start of a UTF-8 character.
size_t char_start(std::string_view s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

}  // namespace

std::string printable(std::string_view text, size_t max_bytes) {
  std::string shown;
  std::string unused;
  const size_t to = text.size() > max_bytes ? char_start(text, max_bytes) : text.size();
  show(text, 0, to, shown, unused);
  return to < text.size() ? shown + "..." : shown;
}

std::string excerpt(std::string_view line, unsigned column) {
  const size_t at = std::min<size_t>(column > 0 ? column - 1 : 0, line.size());
  const size_t from = at > kContext ? char_start(line, at - kContext) : 0;
  const size_t to = line.size() - at > kContext ? char_start(line, at + kContext) : line.size();
  std::string shown = "  ";
  std::string caret = "  ";
  if (from > 0) {
    shown += "...";
    caret += "   ";
  }
  show(line, from, at, shown, caret);
  std::string rest;
  show(line, at, to, shown, rest);
  if (to < line.size()) shown += "...";
  return shown + "\n" + caret + "^\n";
}

}  // namespace percpu
