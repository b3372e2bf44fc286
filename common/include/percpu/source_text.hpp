// percpu/source_text.hpp - showing text from an untrusted input file in a one-line message or under
// an error (percpu::SourceError): control bytes would drive the terminal (escape sequences) and a
// multi-megabyte line would flood it, so the text is escaped and cut.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace percpu {

// The text with control bytes and invalid UTF-8 shown as \xHH, cut to max_bytes ("...").
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = 40);

// The two lines shown under an error: "  <line>\n  <caret>^\n". Control bytes and invalid UTF-8
// are shown as \xHH, a line longer than 120 bytes is cut around the column ("..."), and tabs are
// kept in the caret line so that the caret stands under the column in any terminal.
[[nodiscard]] std::string excerpt(std::string_view line, unsigned column);

}  // namespace percpu
