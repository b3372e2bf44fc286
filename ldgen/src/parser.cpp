#include "parser.hpp"

#include <algorithm>
#include <initializer_list>

namespace percpu::ldgen::detail {
namespace {

constexpr unsigned kMaxDepth = 200;  // nesting bound: deep input gives an error, not a stack overflow

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool is_assign_op(const Token& t) {
  return t.kind == TokenKind::punct &&
         one_of(t.text, {"=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|=", "^="});
}

bool names_percpu(std::string_view pattern) { return pattern.rfind(".percpu", 0) == 0; }

class Parser {
 public:
  Parser(std::string_view source, const std::string& name) : lex_(source, name) {}

  Script run() {
    for (;;) {
      const Token t = lex_.next(LexMode::script);
      if (t.kind == TokenKind::end) break;
      top_level(t);
    }
    return std::move(script_);
  }

 private:
  // ---- helpers ----
  // A name as the script writes it: quoted names keep their quotes ("ADDR(\".my data\")").
  std::string spelling(const Token& t) const { return std::string(lex_.source().substr(t.begin, t.end - t.begin)); }

  [[noreturn]] void fail(const Token& t, const std::string& message) {
    lex_.fail(t.begin, t.kind == TokenKind::end ? message + ", found end of file"
                                                : message + ", found '" + printable(t.text) + "'");
  }
  Token expect(std::string_view text, LexMode mode = LexMode::expr) {
    const Token t = lex_.next(mode);
    if (!t.is(text)) fail(t, "expected '" + std::string(text) + "'");
    return t;
  }
  bool accept(std::string_view text, LexMode mode = LexMode::expr) {
    if (lex_.peek(mode).is(text)) {
      lex_.next(mode);
      return true;
    }
    return false;
  }
  Token expect_name(LexMode mode, const char* what) {
    const Token t = lex_.next(mode);
    if (t.kind != TokenKind::word && t.kind != TokenKind::string) fail(t, std::string("expected ") + what);
    return t;
  }
  struct DepthGuard {
    DepthGuard(Parser& p, const Token& t) : p_(p) {
      if (++p_.depth_ > kMaxDepth) p_.fail(t, "nesting too deep");
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  // Balanced "( ... )" of patterns or arguments, opening '(' already consumed. Notes input
  // patterns that would capture .percpu input sections.
  void skip_parens(const Token& open) {
    DepthGuard guard(*this, open);
    for (;;) {
      const Token t = lex_.next(LexMode::script);
      if (t.kind == TokenKind::end) fail(t, "expected ')' to close the '(' at offset " + std::to_string(open.begin));
      if (t.is(")")) return;
      if (t.is("(")) skip_parens(t);
      else if (t.is("{") || t.is("}") || t.is(";")) fail(t, "expected ')'");
      else if (t.kind == TokenKind::word && names_percpu(t.text) && script_.percpu_input_at == std::string::npos)
        script_.percpu_input_at = t.begin;
    }
  }

  void skip_braces(const Token& open) {
    DepthGuard guard(*this, open);
    for (;;) {
      const Token t = lex_.next(LexMode::script);
      if (t.kind == TokenKind::end) fail(t, "expected '}'");
      if (t.is("}")) return;
      if (t.is("{")) skip_braces(t);
    }
  }

  // ---- expressions (precedence climbing) ----
  static int precedence(const Token& t) {
    if (t.kind != TokenKind::punct) return -1;
    static constexpr std::pair<std::string_view, int> table[] = {
        {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6},
        {"<", 7},  {"<=", 7}, {">", 7},  {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},
        {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
    for (const auto& [op, prec] : table)
      if (t.text == op) return prec;
    return -1;
  }

  void expr() {
    const Token first = lex_.peek(LexMode::expr);
    DepthGuard guard(*this, first);
    binary(1);
    if (accept("?")) {
      expr();
      expect(":");
      expr();
    }
  }

  void binary(int min_prec) {
    unary();
    for (;;) {
      const Token op = lex_.peek(LexMode::expr);
      const int prec = precedence(op);
      if (prec < min_prec) return;
      lex_.next(LexMode::expr);
      const Token rhs = lex_.peek(LexMode::expr);
      DepthGuard guard(*this, rhs);
      binary(prec + 1);
    }
  }

  void unary() {
    const Token t = lex_.next(LexMode::expr);
    if (t.is("-") || t.is("+") || t.is("!") || t.is("~")) {
      DepthGuard guard(*this, t);
      unary();
      return;
    }
    if (t.is("(")) {
      expr();
      expect(")");
      return;
    }
    if (t.kind == TokenKind::string) return;  // quoted symbol name
    if (t.kind != TokenKind::word) fail(t, "expected an expression");
    if (t.text[0] >= '0' && t.text[0] <= '9') {
      if (std::any_of(t.text.begin(), t.text.end(), [](char c) { return c == '.' || c == '$'; }))
        fail(t, "malformed number");
      return;
    }
    if (!accept("(")) return;  // a symbol or '.'
    if (one_of(t.text, {"ADDR", "LOADADDR", "SIZEOF", "ALIGNOF", "ORIGIN", "LENGTH", "DEFINED",
                        "CONSTANT"})) {
      const Token name = expect_name(LexMode::script, "a name");
      (void)name;
      expect(")");
      return;
    }
    if (accept(")")) return;  // e.g. SIZEOF_HEADERS written with parentheses
    for (;;) {
      expr();
      if (accept(")")) return;
      expect(",");
    }
  }

  // An assignment, if one starts here: "sym = expr;" "sym += expr" ". = ALIGN(8);"
  bool try_assignment() {
    const size_t saved = lex_.position();
    const Token target = lex_.next(LexMode::expr);
    if ((target.kind == TokenKind::word || target.kind == TokenKind::string) &&
        is_assign_op(lex_.peek(LexMode::expr))) {
      lex_.next(LexMode::expr);
      expr();
      accept(";");
      return true;
    }
    lex_.rewind(saved);
    return false;
  }

  // PROVIDE(sym = expr), PROVIDE_HIDDEN(...), HIDDEN(...): the keyword already consumed.
  void provide() {
    expect("(");
    expect_name(LexMode::expr, "a symbol name");
    const Token op = lex_.next(LexMode::expr);
    if (!op.is("=")) fail(op, "expected '='");
    expr();
    expect(")");
    accept(";");
  }

  // A function-like statement "NAME ( expr, ... )" such as ASSERT(x, "msg") or LONG(0).
  void call_statement() {
    expect("(");
    if (accept(")")) return;
    for (;;) {
      expr();
      if (accept(")")) break;
      expect(",");
    }
    accept(";");
  }

  void include(const Token& keyword) {
    const Token file = expect_name(LexMode::script, "a file name after INCLUDE");
    script_.includes.push_back({keyword.begin, file.end});
  }

  // ---- top level ----
  void top_level(const Token& t) {
    if (t.is(";")) return;
    lex_.rewind(t.begin);
    if (try_assignment()) return;
    lex_.next(LexMode::script);
    if (t.kind != TokenKind::word) fail(t, "expected a linker script command");
    if (t.is("SECTIONS")) return sections();
    if (t.is("MEMORY")) return memory();
    if (t.is("PHDRS")) return phdrs();
    if (t.is("INCLUDE")) return include(t);
    if (t.is("VERSION")) return skip_braces(expect("{", LexMode::script));
    if (one_of(t.text, {"PROVIDE", "PROVIDE_HIDDEN", "HIDDEN"})) return provide();
    if (t.is("ASSERT")) return call_statement();
    if (one_of(t.text, {"FORCE_COMMON_ALLOCATION", "INHIBIT_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION"}))
      return;
    if (t.is("INSERT")) {
      script_.has_insert = true;
      const Token where = lex_.next(LexMode::script);
      if (!where.is("AFTER") && !where.is("BEFORE")) fail(where, "expected AFTER or BEFORE");
      expect_name(LexMode::script, "a section name");
      return;
    }
    // ENTRY(...), OUTPUT_FORMAT(...), OUTPUT_ARCH(...), SEARCH_DIR(...), INPUT(...), GROUP(...),
    // TARGET, STARTUP, OUTPUT, EXTERN, NOCROSSREFS, REGION_ALIAS, ...: arguments are names.
    const Token open = lex_.next(LexMode::script);
    if (!open.is("(")) fail(open, "expected '(' after " + std::string(t.text));
    skip_parens(open);
  }

  void memory() {
    script_.has_memory = true;
    expect("{", LexMode::script);
    for (;;) {
      const Token name = lex_.next(LexMode::script);
      if (name.is("}")) return;
      if (name.is("INCLUDE")) {
        include(name);
        continue;
      }
      if (name.kind != TokenKind::word) fail(name, "expected a memory region name");
      const Token next = lex_.next(LexMode::script);
      Token colon = next;
      if (next.is("(")) {
        skip_parens(next);
        colon = lex_.next(LexMode::script);
      }
      if (!colon.is(":")) fail(colon, "expected ':' after the region name");
      for (const bool origin : {true, false}) {
        const char* what = origin ? "ORIGIN" : "LENGTH";
        const Token key = expect_name(LexMode::expr, what);
        if (!(origin ? one_of(key.text, {"ORIGIN", "org", "o"}) : one_of(key.text, {"LENGTH", "len", "l"})))
          fail(key, std::string("expected ") + what);
        expect("=");
        const Token first = lex_.peek(LexMode::expr);
        expr();
        if (origin && first.kind == TokenKind::word && lex_.position() == first.end && is_literal_zero(first.text))
          script_.region_at_zero.emplace_back(name.text);
        accept(",");
      }
    }
  }

  static bool is_literal_zero(std::string_view n) {
    if (n.size() > 2 && n[0] == '0' && (n[1] == 'x' || n[1] == 'X')) n.remove_prefix(2);
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return c == '0'; });
  }

  void phdrs() {
    script_.has_phdrs = true;
    expect("{", LexMode::script);
    for (;;) {
      const Token name = lex_.next(LexMode::script);
      if (name.is("}")) {
        script_.phdrs_close = name.begin;
        return;
      }
      if (name.kind != TokenKind::word && name.kind != TokenKind::string) fail(name, "expected a program header name");
      const Token type = lex_.next(LexMode::expr);
      if (type.kind != TokenKind::word) fail(type, "expected a program header type");
      bool loads_headers = false;
      for (;;) {
        const Token t = lex_.next(LexMode::expr);
        if (t.is(";")) {
          script_.phdr_entries.push_back({std::string(name.text), loads_headers, {name.begin, t.end}});
          break;
        }
        if (t.is("FILEHDR") || t.is("PHDRS")) {
          loads_headers = true;
          continue;
        }
        if (t.is("AT") || t.is("FLAGS")) {
          expect("(");
          expr();
          expect(")");
          continue;
        }
        fail(t, "expected FILEHDR, PHDRS, AT, FLAGS or ';'");
      }
    }
  }

  void sections() {
    script_.has_sections = true;
    expect("{", LexMode::script);
    for (;;) {
      const Token t = lex_.peek(LexMode::script);
      if (t.is("}")) {
        lex_.next(LexMode::script);
        script_.sections_close = t.begin;
        return;
      }
      if (t.kind == TokenKind::end) fail(t, "expected '}' to close SECTIONS");
      sections_item();
    }
  }

  void sections_item() {
    if (accept(";", LexMode::script)) return;
    if (try_assignment()) return;
    const Token t = lex_.next(LexMode::script);
    if (t.kind == TokenKind::string) return output_section(t);  // "name with spaces" : { ... }
    if (t.kind != TokenKind::word) fail(t, "expected an output section, an assignment or a command");
    if (lex_.has_directives() && try_macro_statement(t)) return;
    if (t.is("INCLUDE")) return include(t);
    if (one_of(t.text, {"PROVIDE", "PROVIDE_HIDDEN", "HIDDEN"})) return provide();
    if (one_of(t.text, {"ASSERT", "ENTRY"})) {
      if (t.is("ENTRY")) return skip_parens(expect("(", LexMode::script));
      return call_statement();
    }
    if (t.is("OVERLAY")) return overlay(t);
    output_section(t);
  }

  // In a C-preprocessor template, a statement such as RO_DATA(4096) or DISCARDS is a macro that
  // cpp expands to sections ldgen cannot see (like INCLUDE). It is an upper-case identifier, with
  // or without "( ... )", that does not parse as an output section ("DATA 0x1000 : { }" does).
  bool try_macro_statement(const Token& name) {
    const bool macro_name = std::all_of(name.text.begin(), name.text.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }) && !(name.text[0] >= '0' && name.text[0] <= '9');
    if (!macro_name) return false;
    // What output_section() may add to script_ before it fails, to take back (not a copy of
    // script_: a template may hold many macro statements).
    const size_t saved = lex_.position();
    const size_t sections = script_.sections.size();
    const size_t includes = script_.includes.size();
    const size_t percpu_input_at = script_.percpu_input_at;
    try {
      output_section(name);
      return true;
    } catch (const ScriptError&) {
      lex_.rewind(saved);
      script_.sections.resize(sections);
      script_.includes.resize(includes);
      script_.percpu_input_at = percpu_input_at;
    }
    const Token open = lex_.peek(LexMode::script);
    if (open.is("(")) skip_parens(lex_.next(LexMode::script));
    accept(";", LexMode::script);
    return true;
  }

  // The "(NOLOAD)" of "name [address] [(type)] :"; the '(' not consumed yet.
  bool is_type_next() {
    const size_t saved = lex_.position();
    bool result = false;
    if (accept("(")) {
      const Token word = lex_.next(LexMode::script);
      result = one_of(word.text, {"NOLOAD", "DSECT", "COPY", "INFO", "OVERLAY", "READONLY", "TYPE"});
    }
    lex_.rewind(saved);
    return result;
  }

  void section_type(OutputSection& sec) {
    const Token open = expect("(");
    const Token word = lex_.peek(LexMode::script);
    sec.type = std::string(word.text);
    skip_parens(open);
  }

  void output_section(const Token& name) {
    OutputSection sec;
    sec.name = std::string(name.text);
    sec.spelling = spelling(name);
    sec.whole.begin = name.begin;
    if (sec.name == ".percpu") script_.percpu_sections.push_back(name.begin);
    if (!lex_.peek(LexMode::expr).is(":")) {
      if (!is_type_next()) {
        expr();
        sec.has_address = true;
      }
      if (is_type_next()) section_type(sec);
    }
    sec.after_colon = expect(":").end;
    for (;;) {  // AT(lma) ALIGN(a) ALIGN_WITH_INPUT SUBALIGN(a) ONLY_IF_RO ONLY_IF_RW
      const Token t = lex_.peek(LexMode::expr);
      if (t.is("AT") || t.is("ALIGN") || t.is("SUBALIGN")) {
        lex_.next(LexMode::expr);
        if (t.is("AT")) sec.has_at = true;
        expect("(");
        expr();
        expect(")");
      } else if (t.is("ALIGN_WITH_INPUT") || t.is("ONLY_IF_RO") || t.is("ONLY_IF_RW")) {
        lex_.next(LexMode::expr);
        sec.conditional |= !t.is("ALIGN_WITH_INPUT");
      } else {
        break;
      }
    }
    const Token open = expect("{", LexMode::script);
    section_contents(open);
    trailer(sec);
    script_.sections.push_back(std::move(sec));
  }

  // "} > region AT> region :phdr :phdr = fill ,", the '}' consumed.
  void trailer(OutputSection& sec) {
    sec.after_body = lex_.position();
    for (;;) {
      Token t = lex_.peek(LexMode::script);
      if (t.is("AT")) {  // "AT > region" with a space is GNU ld syntax too
        const size_t saved = lex_.position();
        lex_.next(LexMode::script);
        if (!lex_.peek(LexMode::script).is(">")) {
          lex_.rewind(saved);
          break;
        }
        t.text = "AT>";
      }
      if (t.is(">") || t.is("AT>")) {
        lex_.next(LexMode::script);
        const Token region = expect_name(LexMode::script, "a memory region name");
        (t.is(">") ? sec.region : sec.lma_region) = std::string(region.text);
        sec.after_body = region.end;
      } else {
        break;
      }
    }
    while (accept(":", LexMode::script))
      sec.phdrs.emplace_back(expect_name(LexMode::script, "a program header name").text);
    if (accept("=")) expr();
    accept(",", LexMode::script);
    sec.whole.end = lex_.position();
  }

  void section_contents(const Token& open) {
    DepthGuard guard(*this, open);
    for (;;) {
      const Token t = lex_.peek(LexMode::script);
      if (t.is("}")) {
        lex_.next(LexMode::script);
        return;
      }
      if (t.kind == TokenKind::end) fail(t, "expected '}' to close the output section");
      if (accept(";", LexMode::script)) continue;
      if (try_assignment()) continue;
      lex_.next(LexMode::script);
      if (t.kind != TokenKind::word && t.kind != TokenKind::string) fail(t, "expected an input section description");
      if (t.kind == TokenKind::string) {
        // A quoted file name: "foo bar.o"(.data)
        if (accept("(", LexMode::script)) skip_parens(t);
      } else if (t.is("INCLUDE")) {
        include(t);
      } else if (one_of(t.text, {"PROVIDE", "PROVIDE_HIDDEN", "HIDDEN"})) {
        provide();
      } else if (one_of(t.text, {"ASSERT", "BYTE", "SHORT", "LONG", "QUAD", "SQUAD", "FILL"})) {
        call_statement();
      } else if (one_of(t.text, {"CONSTRUCTORS", "CREATE_OBJECT_SYMBOLS", "LINKER_VERSION"})) {
        // no arguments
      } else {
        // An input section description: "*(.text .text.*)", "KEEP(*(.init))", "foo.o",
        // "EXCLUDE_FILE(*crtend.o) *(.ctors)".
        if (names_percpu(t.text) && script_.percpu_input_at == std::string::npos) script_.percpu_input_at = t.begin;
        // "archive:member" file patterns ("*libgcc.a:*crt*.o(.text)"): ':' glued to the word.
        const Token colon = lex_.peek(LexMode::script);
        if (colon.is(":") && colon.begin == t.end) {
          lex_.next(LexMode::script);
          const Token member = lex_.peek(LexMode::script);
          if (member.kind == TokenKind::word && member.begin == colon.end) lex_.next(LexMode::script);
        }
        if (accept("(", LexMode::script)) skip_parens(t);
      }
    }
  }

  void overlay(const Token& keyword) {
    OutputSection ov;
    ov.kind = OutputSection::Kind::overlay;
    ov.whole.begin = keyword.begin;
    if (!lex_.peek(LexMode::expr).is(":")) {
      expr();
      ov.has_address = true;
    }
    ov.after_colon = expect(":").end;
    for (;;) {
      const Token t = lex_.peek(LexMode::expr);
      if (t.is("NOCROSSREFS")) {
        lex_.next(LexMode::expr);
      } else if (t.is("AT")) {
        lex_.next(LexMode::expr);
        ov.has_at = true;
        expect("(");
        expr();
        expect(")");
      } else {
        break;
      }
    }
    expect("{", LexMode::script);
    std::string first_spelling;
    for (;;) {
      const Token name = lex_.next(LexMode::script);
      if (name.is("}")) break;
      if (name.kind != TokenKind::word && name.kind != TokenKind::string) fail(name, "expected an overlay section name");
      if (name.text == ".percpu") script_.percpu_sections.push_back(name.begin);
      if (ov.overlay_names.empty()) first_spelling = spelling(name);
      ov.overlay_names.emplace_back(name.text);
      const Token open = expect("{", LexMode::script);
      section_contents(open);
      OutputSection inner;
      trailer(inner);
    }
    if (ov.overlay_names.empty()) fail(keyword, "OVERLAY without sections");
    ov.name = ov.overlay_names.front();
    ov.spelling = first_spelling;
    trailer(ov);
    script_.sections.push_back(std::move(ov));
  }

  Lexer lex_;
  Script script_;
  unsigned depth_ = 0;
};

}  // namespace

Script parse_script(std::string_view source, const std::string& source_name) {
  Parser parser(source, source_name);
  return parser.run();
}

}  // namespace percpu::ldgen::detail
