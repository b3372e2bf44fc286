// Unit tests of the script shapes and input kinds of issue 12: cpp templates, quoted names,
// PHDRS runs, INSERT, MEMORY at address 0, CRLF, BOM, the error display, hand edits between
// the markers (host only, fast: part of ldgen.unit).
#include <gtest/gtest.h>

#include <string>

#include "lexer.hpp"
#include "parser.hpp"
#include "percpu/ldgen.hpp"

namespace ld = percpu::ldgen;
namespace d = percpu::ldgen::detail;

namespace {

ld::InjectOptions options(unsigned cpus = 2) {
  ld::InjectOptions o;
  o.cpus = cpus;
  return o;
}

std::string message_of(const std::string& script, const ld::InjectOptions& o = options()) {
  try {
    static_cast<void>(ld::inject(script, o));  // called for its error
  } catch (const ld::ScriptError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// What the error says the caller can change (the core names no flag; the CLI and Python word it).
percpu::Remedy remedy_of(const std::string& script) {
  try {
    static_cast<void>(ld::inject(script, options()));  // called for its error
  } catch (const ld::ScriptError& e) {
    return e.remedy();
  }
  return percpu::Remedy::none;
}

}  // namespace

TEST(Template, HashLinesAreKeptAndSkipped) {
  const std::string src =
      "#include \"x.h\"\n#define TWO_LINES 1 \\\n  still the define\n#define C 1 /* a comment\n over lines */\n"
      "SECTIONS { .data : { *(.data) } # lld comment with \"quote /*\n .bss : { *(.bss) } }\n";
  const std::string out = ld::inject(src, options());
  EXPECT_EQ(out.substr(0, 80), src.substr(0, 80));
  EXPECT_TRUE(contains(out, "# lld comment with \"quote /*\n"));
  const d::Lexer lex(src, "t");
  EXPECT_TRUE(lex.has_directives());
  EXPECT_FALSE(d::Lexer("SECTIONS { } # only a comment", "t").has_directives());
}

TEST(Template, MacroStatementsOnlyInTemplates) {
  const std::string body = "SECTIONS { .text : { *(.text) } RO_DATA(4096) .data : { *(.data) } BSS(8) DISCARDS }\n";
  EXPECT_TRUE(contains(ld::inject("#define X 1\n" + body, options()), "percpu-ldgen: begin"));
  EXPECT_TRUE(contains(message_of(body), "expected ':'"));  // not a template: still a syntax error
  // An upper-case output section with an address is still a section.
  const d::Script s = d::parse_script(
      "#if 1\n#endif\nSECTIONS { DATA 0x1000 : { *(.data) } MORE ALIGN(4) : { *(.m) } DWARF_DEBUG ELF_DETAILS }", "t");
  ASSERT_EQ(s.sections.size(), 2u);
  EXPECT_EQ(s.sections[0].name, "DATA");
  EXPECT_EQ(s.sections[1].name, "MORE");
}

TEST(Template, NothingIsInsertedInsideAConditional) {
  const std::string msg = message_of(
      "SECTIONS {\n#ifdef A\n .data : { *(.data) }\n#endif\n .bss : { *(.bss) } }\n");
  EXPECT_TRUE(contains(msg, "inside the #if at line 2")) << msg;
  EXPECT_TRUE(contains(message_of("SECTIONS { .data : { *(.data) } }\n#endif\n"), "#endif without #if"));
}

TEST(Quoted, SectionAndFileNames) {
  const d::Script s = d::parse_script(
      "SECTIONS { \".my data\" : AT(0x1000) { \"foo bar.o\"(.data) KEEP(\"x y.o\"(.d)) } "
      "OVERLAY 0x2000 : AT(0x3000) { \".ov a\" { *(.a) } } }", "t");
  ASSERT_EQ(s.sections.size(), 2u);
  EXPECT_EQ(s.sections[0].name, ".my data");
  EXPECT_EQ(s.sections[0].spelling, "\".my data\"");
  EXPECT_EQ(s.sections[1].spelling, "\".ov a\"");
  const std::string out = ld::inject(
      "SECTIONS { \".my data\" : AT(0x1000) { *(.data) } \".my bss\" : { *(.bss) } }", [] {
        ld::InjectOptions o = options();
        o.after = ".my data";
        return o;
      }());
  EXPECT_TRUE(contains(out, "AT(ADDR(\".my bss\") - ADDR(\".my data\") + LOADADDR(\".my data\"))")) << out;
}

TEST(Phdrs, TheBlockLeavesTheDataHeadersRun) {
  const std::string script =
      "PHDRS { text PT_LOAD; data PT_LOAD; }\nSECTIONS { .text : { *(.text) } :text .data : { *(.data) } :data"
      " .bss : { *(.bss) } :data .other : { *(.o) } :text }";
  const std::string out = ld::inject(script, options());
  EXPECT_LT(out.find(".bss :"), out.find("percpu-ldgen: begin"));
  EXPECT_GT(out.find(".other :"), out.find("percpu-ldgen: end"));
  ld::InjectOptions after = options();
  after.after = ".data";
  EXPECT_TRUE(contains(message_of(script, after), "segment would span the per-CPU areas"));
}

TEST(Shapes, InsertScriptsAlignInsideASectionAndHaveNoGuard) {
  const std::string insert = ld::inject("SECTIONS { .x : { *(.x) } } INSERT AFTER .data;", options());
  EXPECT_TRUE(contains(insert, ".percpu.pad (NOLOAD) : { . += 1; . = ALIGN(MAX(4K, ALIGNOF(.percpu))); _percpu_start = .; }"));
  EXPECT_FALSE(contains(insert, "an orphan section"));
  const std::string plain = ld::inject("SECTIONS { .data : { *(.data) } .bss : { *(.bss) } }", options());
  EXPECT_TRUE(contains(plain, "ASSERT(. == ADDR(.percpu) + SIZEOF(.percpu), "));
  EXPECT_FALSE(contains(plain, ".percpu.pad"));
}

TEST(Shapes, ZeroModelRefusesARegionAtAddressZero) {
  const std::string mcu = "MEMORY { FLASH : ORIGIN = 0x00000000, LENGTH = 64K RAM : ORIGIN = 0x20000000, LENGTH = 8K }\n"
                          "SECTIONS { .text : { *(.text) } > FLASH .data : { *(.data) } > RAM AT> FLASH"
                          " .bss : { *(.bss) } > RAM }";
  EXPECT_TRUE(contains(message_of(mcu), "MEMORY region FLASH starts at address 0")) << message_of(mcu);
  ld::InjectOptions delta = options();
  delta.vma = percpu::layout::AddressModel::delta;
  EXPECT_TRUE(contains(ld::inject(mcu, delta), "vma=delta"));
}

TEST(LineEndings, CrlfStaysCrlfAndBomIsKept) {
  const std::string crlf = "SECTIONS\r\n{\r\n  .data : { *(.data) }\r\n  .bss : { *(.bss) }\r\n}\r\n";
  const std::string out = ld::inject(crlf, options());
  size_t lf = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\n') {
      ++lf;
      EXPECT_EQ(out[i - 1], '\r') << "a bare LF at byte " << i;
    }
  EXPECT_GT(lf, 10u);
  EXPECT_EQ(ld::inject(out, options()), out);
  EXPECT_EQ(ld::inject(out, options(4)), ld::inject(crlf, options(4)));
  const std::string bom = "\xEF\xBB\xBFSECTIONS { .data : { *(.data) } }";
  EXPECT_EQ(ld::inject(bom, options()).substr(0, 3), "\xEF\xBB\xBF");
  try {
    static_cast<void>(ld::inject("\xEF\xBB\xBFSECTIONS @", options()));
    ADD_FAILURE();
  } catch (const ld::ScriptError& e) {
    EXPECT_EQ(e.column(), 10u);
    EXPECT_EQ(e.source_line(), "SECTIONS @");
  }
}

TEST(Excerpt, EscapesCutsAndKeepsTabs) {
  EXPECT_EQ(ld::excerpt("\tab\x1b[0m x", 9), "  \tab\\x1b[0m x\n  \t" + std::string(10, ' ') + "^\n");
  EXPECT_EQ(ld::excerpt("caf\xC3\xA9 \xFF @", 9), "  caf\xC3\xA9 \\xff @\n  " + std::string(10, ' ') + "^\n");
  const std::string line = std::string(1000, 'a') + "@" + std::string(1000, 'b');
  const std::string shown = ld::excerpt(line, 1001);
  EXPECT_LT(shown.size(), 300u);
  EXPECT_EQ(shown.substr(0, 5), "  ...");
  const size_t caret = shown.find('^') - shown.find('\n') - 1;
  EXPECT_EQ(shown[caret], '@');
}

TEST(Markers, HandEditsAreRefusedUnlessForced) {
  const std::string out = ld::inject("SECTIONS { .data : { *(.data) } .bss : { *(.bss) } }", options());
  EXPECT_TRUE(ld::inspect_block(out, "k.ld").edited.empty());
  std::string edited = out;
  edited.insert(edited.find("    _percpu_end = .;"), "    mine = 1;\n");
  const std::string msg = message_of(edited);
  EXPECT_TRUE(contains(msg, "forcing discards them")) << msg;
  EXPECT_FALSE(contains(msg, "--")) << "a core message names no flag: " << msg;
  EXPECT_EQ(remedy_of(edited), percpu::Remedy::force);
  EXPECT_FALSE(ld::inspect_block(edited, "k.ld").edited.empty());
  ld::InjectOptions force = options();
  force.force = true;
  EXPECT_EQ(ld::inject(edited, force), out);
  // A stray inline insertion without a block is not what ldgen writes either.
  EXPECT_EQ(remedy_of("SECTIONS { .data : { *(.data) } /*percpu-ldgen{*/ x = 1; /*}percpu-ldgen*/ }"),
            percpu::Remedy::force);
  EXPECT_EQ(remedy_of("SECTIONS {\n  . = 1 +;\n}"), percpu::Remedy::none);  // control: a syntax error
}
