// The linker-script lexer: lazy, position-keeping, with two modes like lld's ScriptLexer.
// Script mode reads names and wildcard patterns (".text.*", "*crt0.o"); expression mode splits
// operators ("."  "+="  "ALIGN" "(" ...). The parser chooses the mode per token, because the
// same characters mean different things in the two places.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "percpu/ldgen.hpp"
#include "percpu/source_text.hpp"
#include "script.hpp"

namespace percpu::ldgen::detail {

enum class TokenKind { word, string, punct, end };
enum class LexMode { script, expr };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view text;  // for strings: without the quotes
  size_t begin = 0;       // byte offsets of the whole token in the source
  size_t end = 0;
  bool is(std::string_view s) const { return kind != TokenKind::string && text == s; }
};

struct Comment {
  size_t begin, end;  // the whole "/* ... */"
  std::string_view text;
};

// Echoing a token of an untrusted file in a message (percpu/source_text.hpp).
using percpu::printable;

class Lexer {
 public:
  Lexer(std::string_view source, std::string source_name);

  Token next(LexMode mode);
  Token peek(LexMode mode);
  size_t position() const { return pos_; }
  void rewind(size_t pos) { pos_ = pos; }
  std::string_view source() const { return source_; }
  const std::string& source_name() const { return name_; }
  // Every comment in the source, in order (found once, up front).
  const std::vector<Comment>& comments() const { return comments_; }
  // The script is a C-preprocessor template: it has '#' lines at the start of a line.
  bool has_directives() const { return has_directives_; }
  // Every #if/#ifdef/#ifndef ... #endif, from the '#' of the #if to the end of the #endif line.
  const std::vector<Span>& conditionals() const { return conditionals_; }

  [[noreturn]] void fail(size_t offset, const std::string& message, Remedy remedy = Remedy::none) const;
  ScriptError error_at(size_t offset, const std::string& message, Remedy remedy = Remedy::none) const;

 private:
  void skip_space();
  size_t hash_line_end(size_t pos) const;
  bool starts_line(size_t pos) const;
  void note_directive(size_t begin, size_t end);
  void scan_comments();

  std::string_view source_;
  std::string name_;
  size_t pos_ = 0;
  std::vector<Comment> comments_;
  bool has_directives_ = false;
  std::vector<size_t> open_conditionals_;
  std::vector<Span> conditionals_;
};

}  // namespace percpu::ldgen::detail
