#include "lexer.hpp"

#include <algorithm>
#include <cstring>

namespace percpu::ldgen::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
// Characters of a name or pattern in script mode (lld's set, minus ':' and '=' which the
// grammar needs as separators: ".text:" and "=0x90" are written without spaces in the wild).
bool is_script_word(char c) {
  return is_alnum(c) || (c != '\0' && std::strchr("_.$/\\~+[]*?-!^", c) != nullptr);
}
// Characters of a symbol, section name or number in expression mode.
bool is_expr_word(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '$'; }

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

constexpr std::string_view kOperators[] = {"<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=",
                                           "&&",  "||",  "+=", "-=", "*=", "/=", "&=", "|=",
                                           "^=",  "AT>"};

}  // namespace

Lexer::Lexer(std::string_view source, std::string source_name)
    : source_(source), name_(std::move(source_name)) {
  scan_comments();
}

// Comments are found in one pass that also steps over strings, so a "/*" inside a string is not
// a comment. An unterminated comment or string is reported here, with its opening position.
void Lexer::scan_comments() {
  size_t i = 0;
  while (i < source_.size()) {
    const char c = source_[i];
    if (c == '/' && i + 1 < source_.size() && source_[i + 1] == '*') {
      const size_t close = source_.find("*/", i + 2);
      if (close == std::string_view::npos) fail(i, "unterminated comment");
      comments_.push_back({i, close + 2, source_.substr(i, close + 2 - i)});
      i = close + 2;
    } else if (c == '"') {
      const size_t close = source_.find('"', i + 1);
      if (close == std::string_view::npos) fail(i, "unterminated string");
      i = close + 1;
    } else if (c == '#') {
      const size_t end = hash_line_end(i);
      if (starts_line(i)) note_directive(i, end);
      i = end;
    } else {
      ++i;
    }
  }
  for (const size_t open : open_conditionals_) conditionals_.push_back({open, source_.size()});
  open_conditionals_.clear();
}

// A '#' outside strings and comments runs to the end of its line, as in ld.lld (a comment) and
// cpp (a directive: #include, #define, #if ...). The line is kept byte for byte and never parsed.
// At the start of a line it is cpp's: a backslash before the newline continues it, and a comment
// that starts on it may span lines ("#define X 1 /* ... */").
size_t Lexer::hash_line_end(size_t pos) const {
  if (!starts_line(pos)) {  // lld's comment: to the end of the line, whatever it holds
    const size_t nl = source_.find('\n', pos);
    return nl == std::string_view::npos ? source_.size() : nl;
  }
  size_t i = pos + 1;
  while (i < source_.size() && source_[i] != '\n') {
    if (source_.compare(i, 2, "/*") == 0) {
      const size_t close = source_.find("*/", i + 2);
      if (close == std::string_view::npos) fail(i, "unterminated comment");
      i = close + 2;
    } else if (source_[i] == '\\' && (source_.compare(i + 1, 1, "\n") == 0 || source_.compare(i + 1, 2, "\r\n") == 0)) {
      i = source_.find('\n', i + 1) + 1;
    } else {
      ++i;
    }
  }
  return i;
}

bool Lexer::starts_line(size_t pos) const {
  while (pos > 0 && (source_[pos - 1] == ' ' || source_[pos - 1] == '\t')) --pos;
  return pos == 0 || source_[pos - 1] == '\n' || (pos == kUtf8Bom.size() && source_.substr(0, pos) == kUtf8Bom);
}

// Tracks #if/#ifdef/#ifndef ... #endif, so that placement never puts the block where cpp may drop
// it. An unclosed #if runs to the end of the file.
void Lexer::note_directive(size_t begin, size_t end) {
  has_directives_ = true;
  size_t i = begin + 1;
  while (i < end && (source_[i] == ' ' || source_[i] == '\t')) ++i;
  size_t e = i;
  while (e < end && is_alnum(source_[e])) ++e;
  const std::string_view word = source_.substr(i, e - i);
  if (word == "if" || word == "ifdef" || word == "ifndef") {
    open_conditionals_.push_back(begin);
  } else if (word == "endif") {
    if (open_conditionals_.empty()) fail(begin, "#endif without #if");
    conditionals_.push_back({open_conditionals_.back(), end});
    open_conditionals_.pop_back();
  }
}

void Lexer::skip_space() {
  if (pos_ == 0 && source_.substr(0, kUtf8Bom.size()) == kUtf8Bom) pos_ = kUtf8Bom.size();
  while (pos_ < source_.size()) {
    if (is_space(source_[pos_])) {
      ++pos_;
    } else if (source_[pos_] == '#') {
      pos_ = hash_line_end(pos_);
    } else if (source_.compare(pos_, 2, "/*") == 0) {
      pos_ = source_.find("*/", pos_ + 2) + 2;  // scan_comments proved it is closed
    } else {
      break;
    }
  }
}

Token Lexer::next(LexMode mode) {
  skip_space();
  Token t;
  t.begin = pos_;
  if (pos_ >= source_.size()) {
    t.end = pos_;
    return t;
  }
  const char c = source_[pos_];
  if (c == '"') {
    const size_t close = source_.find('"', pos_ + 1);
    t.kind = TokenKind::string;
    t.text = source_.substr(pos_ + 1, close - pos_ - 1);
    pos_ = close + 1;
    t.end = pos_;
    return t;
  }
  if (mode == LexMode::script && source_.compare(pos_, 3, "AT>") == 0) {
    t.kind = TokenKind::punct;
  } else if (mode == LexMode::script ? is_script_word(c) : is_expr_word(c)) {
    // A "/*" ends a word: it opens a comment wherever it is (scan_comments agrees), so
    // "RAM/* x */" is the word RAM and a comment.
    size_t e = pos_;
    while (e < source_.size() && (mode == LexMode::script ? is_script_word(source_[e]) : is_expr_word(source_[e])) &&
           source_.compare(e, 2, "/*") != 0)
      ++e;
    t.kind = TokenKind::word;
    t.text = source_.substr(pos_, e - pos_);
    pos_ = e;
    t.end = pos_;
    return t;
  } else {
    t.kind = TokenKind::punct;
  }
  size_t len = 1;
  for (std::string_view op : kOperators) {
    if (source_.compare(pos_, op.size(), op) == 0) {
      len = op.size();
      break;
    }
  }
  if (static_cast<unsigned char>(c) < 0x20 && !is_space(c)) fail(pos_, "unexpected control character");
  t.text = source_.substr(pos_, len);
  pos_ += len;
  t.end = pos_;
  return t;
}

Token Lexer::peek(LexMode mode) {
  const size_t saved = pos_;
  Token t = next(mode);
  pos_ = saved;
  return t;
}

ScriptError Lexer::error_at(size_t offset, const std::string& message, Remedy remedy) const {
  offset = std::min(offset, source_.size());
  unsigned line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (source_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t line_end = source_.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = source_.size();
  std::string text(source_.substr(line_start, line_end - line_start));
  if (!text.empty() && text.back() == '\r') text.pop_back();
  size_t column = offset - line_start + 1;
  if (line_start == 0 && text.compare(0, kUtf8Bom.size(), kUtf8Bom) == 0) {  // the BOM is no column
    text.erase(0, kUtf8Bom.size());
    column = column > kUtf8Bom.size() ? column - kUtf8Bom.size() : 1;
  }
  return ScriptError(name_, line, static_cast<unsigned>(column), message, text, remedy);
}

void Lexer::fail(size_t offset, const std::string& message, Remedy remedy) const {
  throw error_at(offset, message, remedy);
}

}  // namespace percpu::ldgen::detail
