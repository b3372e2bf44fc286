// Unit tests of the lexer, parser, editor and injector (host only, fast: LABELS unit).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "editor.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "percpu/ldgen.hpp"

namespace ld = percpu::ldgen;
namespace d = percpu::ldgen::detail;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PERCPU_LDGEN_SCRIPTS) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ld::ScriptError error_of(const std::string& text) {
  try {
    ld::InjectOptions o;
    o.cpus = 2;
    static_cast<void>(ld::inject(text, o));  // called for its error
  } catch (const ld::ScriptError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return ld::ScriptError("", 0, 0, "", "");
}

}  // namespace

TEST(Lexer, KeepsPositionsInBothModes) {
  const std::string src = "  .text.* /* c */ :AT>RAM\n. += 4K;";
  d::Lexer lex(src, "t.ld");
  d::Token t = lex.next(d::LexMode::script);
  EXPECT_EQ(t.text, ".text.*");
  EXPECT_EQ(t.begin, 2u);
  EXPECT_EQ(t.end, 9u);
  t = lex.next(d::LexMode::script);
  EXPECT_EQ(t.text, ":");
  EXPECT_EQ(t.begin, 18u);
  t = lex.next(d::LexMode::script);
  EXPECT_EQ(t.text, "AT>");
  t = lex.next(d::LexMode::script);
  EXPECT_EQ(t.text, "RAM");
  t = lex.next(d::LexMode::expr);
  EXPECT_EQ(t.text, ".");
  EXPECT_EQ(t.begin, 26u);
  t = lex.next(d::LexMode::expr);
  EXPECT_EQ(t.text, "+=");
  t = lex.next(d::LexMode::expr);
  EXPECT_EQ(t.text, "4K");
  EXPECT_EQ(lex.next(d::LexMode::expr).text, ";");
  EXPECT_EQ(lex.next(d::LexMode::expr).kind, d::TokenKind::end);
  ASSERT_EQ(lex.comments().size(), 1u);
  EXPECT_EQ(lex.comments()[0].begin, 10u);
  EXPECT_EQ(lex.comments()[0].text, "/* c */");
}

TEST(Lexer, ModesSplitDifferently) {
  d::Lexer a("a-b", "t");
  EXPECT_EQ(a.next(d::LexMode::script).text, "a-b");
  d::Lexer b("a-b<<=2", "t");
  EXPECT_EQ(b.next(d::LexMode::expr).text, "a");
  EXPECT_EQ(b.next(d::LexMode::expr).text, "-");
  EXPECT_EQ(b.next(d::LexMode::expr).text, "b");
  EXPECT_EQ(b.next(d::LexMode::expr).text, "<<=");
}

TEST(Lexer, StringsAndCommentsInsideStrings) {
  d::Lexer lex("\"/* not a comment */\" x", "t");
  EXPECT_TRUE(lex.comments().empty());
  const d::Token s = lex.next(d::LexMode::script);
  EXPECT_EQ(s.kind, d::TokenKind::string);
  EXPECT_EQ(s.text, "/* not a comment */");
  EXPECT_EQ(s.end, 21u);
}

TEST(Parser, EverySyntaxElement) {
  const std::string src = R"(
OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)
SEARCH_DIR("=/usr/lib");
INCLUDE memory.ld
MEMORY { rom (rx) : ORIGIN = 0x0, LENGTH = 256K  ram (!rx) : org = 0x20000000, l = 1M }
PHDRS { hdr PT_PHDR PHDRS; text PT_LOAD FILEHDR PHDRS AT(0x1000) FLAGS(5); tls PT_TLS; }
REGION_ALIAS("REGION_TEXT", rom);
PROVIDE(__stack = 0x8000);
ASSERT(1, "top-level assert");
SECTIONS {
  . = SEGMENT_START("text-segment", 0x400000) + SIZEOF_HEADERS;
  .text ALIGN(0x1000) (READONLY) : AT(LOADADDR(.init) + SIZEOF(.init)) ALIGN(16) SUBALIGN(4) {
    KEEP(*(SORT_NONE(.init)))
    *(EXCLUDE_FILE(*crtend.o *otherfile.o) .ctors)
    *(.text .stub .text.* .gnu.linkonce.t.*)
    foo.o
    . = ALIGN(8);
    LONG(0xdeadbeef) BYTE(1) SHORT(2) QUAD(3) SQUAD(-4) FILL(0x90909090)
    PROVIDE_HIDDEN(__etext = .);
    HIDDEN(x = 1 ? 2 : 3);
    CONSTRUCTORS
    ASSERT(. < 0x800000, "too big");
  } > rom AT> ram :text :hdr =0x90,
  .data (NOLOAD) : ONLY_IF_RW { *(.data) *libgcc.a:*crt*.o(.data) archive.a: } >ram AT > rom
  OVERLAY 0x1000 : NOCROSSREFS AT(0x4000) { .o1 { *(.o1) } :text .o2 { *(.o2) } } > ram :text
  x = DEFINED(y) ? (y << 2) % 3 : -~!1 && 2 || 3 | 4 ^ 5 & 6 == 7 != 8 <= 9 >= 10 >> 1;
  /DISCARD/ : { *(.note.GNU-stack) }
  .comment 0 : { *(.comment) }
}
INSERT AFTER .text;
)";
  const d::Script s = d::parse_script(src, "all.ld");
  EXPECT_TRUE(s.has_memory);
  EXPECT_TRUE(s.has_phdrs);
  ASSERT_EQ(s.phdr_entries.size(), 3u);
  EXPECT_EQ(s.phdr_entries[1].name, "text");
  EXPECT_EQ(src.substr(s.phdr_entries[1].whole.begin, s.phdr_entries[1].whole.end - s.phdr_entries[1].whole.begin),
            "text PT_LOAD FILEHDR PHDRS AT(0x1000) FLAGS(5);");
  ASSERT_EQ(s.includes.size(), 1u);
  ASSERT_EQ(s.sections.size(), 5u);
  const d::OutputSection& text = s.sections[0];
  EXPECT_EQ(text.name, ".text");
  EXPECT_TRUE(text.has_address);
  EXPECT_EQ(text.type, "READONLY");
  EXPECT_TRUE(text.has_at);
  EXPECT_EQ(text.region, "rom");
  EXPECT_EQ(text.lma_region, "ram");
  EXPECT_EQ(text.phdrs, (std::vector<std::string>{"text", "hdr"}));
  EXPECT_EQ(src.substr(text.whole.begin, 5), ".text");
  EXPECT_EQ(src.substr(text.whole.end - 6, 6), "=0x90,");
  EXPECT_EQ(src.substr(text.after_body - 7, 7), "AT> ram");
  EXPECT_EQ(src[text.after_colon - 1], ':');
  EXPECT_EQ(s.sections[1].type, "NOLOAD");
  EXPECT_FALSE(s.sections[1].has_address);
  EXPECT_TRUE(s.sections[1].conditional);
  EXPECT_EQ(s.sections[1].region, "ram");
  EXPECT_EQ(s.sections[1].lma_region, "rom");
  EXPECT_EQ(s.sections[2].kind, d::OutputSection::Kind::overlay);
  EXPECT_EQ(s.sections[2].overlay_names, (std::vector<std::string>{".o1", ".o2"}));
  EXPECT_TRUE(s.sections[2].has_at);
  EXPECT_EQ(s.sections[3].name, "/DISCARD/");
  EXPECT_TRUE(s.sections[4].has_address);
}

TEST(Parser, ErrorLocations) {
  struct Case {
    const char* text;
    unsigned line, column;
    const char* message;
  } cases[] = {
      {"SECTIONS {\n  .text : { *(.text }\n}", 2, 21, "expected ')'"},
      {"SECTIONS {\n  . = 1 +;\n}", 2, 10, "expected an expression"},
      {"SECTIONS { .text 0x10 { } }", 1, 23, "expected ':'"},
      {"MEMORY { ram : ORIGIN = 0 }", 1, 27, "expected LENGTH"},
      {"PHDRS { text PT_LOAD BOGUS; }", 1, 22, "expected FILEHDR"},
      {"SECTIONS { OVERLAY : { } }", 1, 12, "OVERLAY without sections"},
      {"\"unterminated", 1, 1, "unterminated string"},
      {"SECTIONS { . = 0x1$; }", 1, 16, "malformed number"},
  };
  for (const Case& c : cases) {
    const ld::ScriptError e = error_of(c.text);
    EXPECT_EQ(e.line(), c.line) << c.text;
    EXPECT_EQ(e.column(), c.column) << c.text;
    EXPECT_NE(e.message().find(c.message), std::string::npos) << e.what();
    EXPECT_EQ(e.file(), "<stdin>");
  }
  const ld::ScriptError e = error_of("SECTIONS {\n  . = 1 +;\n}");
  EXPECT_EQ(e.source_line(), "  . = 1 +;");
  EXPECT_EQ(std::string(e.what()).rfind("<stdin>:2:10: expected an expression", 0), 0u) << e.what();
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = "SECTIONS { . = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "; }";
  const ld::ScriptError e = error_of(deep);
  EXPECT_NE(e.message().find("nesting too deep"), std::string::npos);
  const std::string neg = "SECTIONS { . = " + std::string(100000, '-') + "1; }";
  EXPECT_NE(error_of(neg).message().find("nesting too deep"), std::string::npos);
}

TEST(Editor, AppliesInsertionsInOrder) {
  EXPECT_EQ(d::apply_edits("abcdef", {{4, "Y"}, {0, "X"}, {6, "Z"}, {4, "W"}}), "XabcdYWefZ");
}

class Fixtures : public ::testing::TestWithParam<const char*> {};

TEST_P(Fixtures, UntouchedTextRoundTripsByteForByte) {
  const std::string src = fixture(GetParam());
  for (auto model : {percpu::layout::AddressModel::zero, percpu::layout::AddressModel::delta}) {
    ld::InjectOptions o;
    o.cpus = 3;
    o.vma = model;
    if (std::string(GetParam()) == "hypervisor-phdrs.ld" && model == percpu::layout::AddressModel::zero) {
      EXPECT_THROW(static_cast<void>(ld::inject(src, o)), ld::ScriptError);  // FILEHDR PHDRS: no room below VMA 0
      continue;
    }
    const std::string out = ld::inject(src, o);
    const d::Lexer lex(out, "out");
    const d::OwnedText owned = d::find_owned(lex);
    EXPECT_TRUE(owned.block_found);
    EXPECT_EQ(owned.cpus, 3u);
    EXPECT_EQ(owned.vma, model);
    EXPECT_EQ(owned.stripped, src);
    EXPECT_EQ(ld::inject(out, o), out);
    const ld::BlockInfo info = ld::inspect_block(out, "out");
    EXPECT_TRUE(info.present && info.owned_by_ldgen);
    EXPECT_EQ(info.cpus, 3u);
    EXPECT_EQ(info.vma, model);
    EXPECT_EQ(out.find("NOLOAD) : {\n    _percpu_load_start"), std::string::npos);
  }
  const ld::BlockInfo none = ld::inspect_block(src, "in");
  EXPECT_FALSE(none.present || none.owned_by_ldgen);
}

INSTANTIATE_TEST_SUITE_P(All, Fixtures,
                         ::testing::Values("tutorial-kernel.ld", "higher-half.ld", "linux-style-at.ld",
                                           "hypervisor-phdrs.ld", "stm32-mcu.ld", "rtos-ram.ld",
                                           "overlay.ld", "include-main.ld", "phdrs-nofilehdr.ld",
                                           "after-option.ld", "vmlinux-style.ld", "mcu-phdrs.ld"));

TEST(Inject, OptionsAreValidated) {
  ld::InjectOptions o;
  EXPECT_THROW(static_cast<void>(ld::inject("SECTIONS { .data : { } }", o)), percpu::InvalidArgument);
  o.cpus = 1;
  o.after = ".data";
  o.before = ".bss";
  EXPECT_THROW(static_cast<void>(ld::inject("SECTIONS { .data : { } }", o)), percpu::InvalidArgument);
}

TEST(Inject, DamagedBlocksAreRefused) {
  ld::InjectOptions o;
  o.cpus = 2;
  const std::string good = ld::inject("SECTIONS { .data : { *(.data) } .bss : { *(.bss) } }", o);
  const std::string no_end = good.substr(0, good.find(percpu::layout::kBlockEndMarker));
  EXPECT_THROW(static_cast<void>(ld::inject(no_end + "}", o)), ld::ScriptError);
  std::string two = good;
  two.insert(two.rfind('}'), std::string(percpu::layout::kBlockBeginMarker) + " cpus=2 vma=zero */");
  EXPECT_THROW(static_cast<void>(ld::inject(two, o)), ld::ScriptError);
}

TEST(Fragment, IsTheBlockAlone) {
  ld::InjectOptions o;
  o.cpus = 16;
  const std::string f = ld::emit_fragment(o);
  EXPECT_EQ(f.rfind("  /* percpu-ldgen: begin cpus=16 vma=zero */\n", 0), 0u);
  EXPECT_NE(f.find(". += _percpu_stride * 16 - "), std::string::npos);
  EXPECT_NE(f.find(".percpu 0x0 : AT(_percpu_start)"), std::string::npos);
  // The fragment is valid script syntax inside SECTIONS.
  EXPECT_NO_THROW(d::parse_script("SECTIONS {\n" + f + "}\n", "fragment"));
}

namespace {

std::string injected(const std::string& script, const std::string& after = "", const std::string& before = "") {
  ld::InjectOptions o;
  o.cpus = 2;
  o.after = after;
  o.before = before;
  return ld::inject(script, o);
}

// Byte offset of the block in the output, compared with the position of a marker text.
bool block_before(const std::string& out, const std::string& text) {
  return out.find(percpu::layout::kBlockBeginMarker) < out.find(text);
}

}  // namespace

TEST(Placement, BeforeTlsAndBssAfterTheLastDataSection) {
  const std::string out = injected(
      "SECTIONS { .text : { *(.text) } .data : { *(.data) } .tdata : { *(.tdata) } .tbss : { *(.tbss) }"
      " .bss : { *(.bss) } .comment 0 : { *(.comment) } }");
  EXPECT_TRUE(block_before(out, ".tdata :"));
  EXPECT_FALSE(block_before(out, ".data :"));
  EXPECT_NE(out.find(".tdata : /*percpu-ldgen{*/ AT(ADDR(.tdata)) /*}percpu-ldgen*/"), std::string::npos);
}

TEST(Placement, NoloadCountsAsBssAndNonAllocatedSectionsAreIgnored) {
  const std::string out = injected(
      "SECTIONS { .text : { *(.text) } .rodata : { *(.rodata) } .stack (NOLOAD) : { . += 4K; }"
      " .debug_info 0 : { *(.debug_info) } }");
  EXPECT_TRUE(block_before(out, ".stack"));
  EXPECT_FALSE(block_before(out, ".rodata :"));
  const std::string no_bss = injected("SECTIONS { .text : { *(.text) } .data : { *(.data) } /DISCARD/ : { *(.x) } }");
  EXPECT_TRUE(block_before(no_bss, "/DISCARD/"));
  EXPECT_FALSE(block_before(no_bss, ".data :"));
}

TEST(Placement, AfterAndBeforeOptions) {
  const std::string script = "SECTIONS { .text : { *(.text) } .data : { *(.data) } __bss_start = .; .bss : { *(.bss) } }";
  EXPECT_TRUE(block_before(injected(script, ".text"), ".data :"));
  const std::string before = injected(script, "", ".bss");
  EXPECT_TRUE(block_before(before, ".bss :"));
  EXPECT_FALSE(block_before(before, "__bss_start"));
  EXPECT_THROW(injected(script, ".nope"), ld::ScriptError);
}

TEST(Placement, ExistingLoadAddressesAreLeftAlone) {
  const std::string out = injected(
      "SECTIONS { . = 0xffffffff80100000; .data : AT(ADDR(.data) - 0xffffffff80000000) { *(.data) }"
      " .bss : AT(ADDR(.bss) - 0xffffffff80000000) { *(.bss) } }");
  EXPECT_EQ(out.find("/*percpu-ldgen{*/"), std::string::npos);  // .bss already says AT()
  EXPECT_NE(out.find(".percpu 0x0 : AT(_percpu_start - ADDR(.data) + LOADADDR(.data))"), std::string::npos);
}

TEST(Placement, ConditionalSectionsAreNotLoadAnchors) {
  const std::string out = injected(
      "SECTIONS { .data : AT(0x1000) { *(.data) } .gcc_except_table : ONLY_IF_RW { *(.gcc_except_table) }"
      " .bss : { *(.bss) } }");
  EXPECT_NE(out.find("AT(_percpu_start - ADDR(.data) + LOADADDR(.data))"), std::string::npos);
  EXPECT_TRUE(block_before(out, ".bss"));
  EXPECT_FALSE(block_before(out, ".gcc_except_table"));
}

TEST(Placement, PhdrNamesAreMadeUnique) {
  const std::string out = injected(
      "PHDRS { text PT_LOAD; percpu PT_LOAD; }\n"
      "SECTIONS { .text : { *(.text) } :text .data : { *(.data) } :percpu .bss : { *(.bss) } }");
  EXPECT_NE(out.find("percpu2 PT_LOAD FLAGS(6);"), std::string::npos);
  EXPECT_NE(out.find("} :percpu2\n"), std::string::npos);
  EXPECT_NE(out.find("{ *(.bss) } /*percpu-ldgen{*/ :percpu_next /*}percpu-ldgen*/"), std::string::npos);
}

TEST(Inspect, HandWrittenBlocksArePresentButNotOwned) {
  const std::string hand = "SECTIONS { .data : { *(.data) } .percpu 0 : AT(0x1000) { *(.percpu) } }";
  const ld::BlockInfo info = ld::inspect_block(hand, "hand.ld");
  EXPECT_TRUE(info.present);
  EXPECT_FALSE(info.owned_by_ldgen);
  EXPECT_EQ(info.cpus, 0u);
  EXPECT_THROW(static_cast<void>(ld::inspect_block("SECTIONS {", "bad.ld")), ld::ScriptError);
}

TEST(Lexer, CommentsEndWordsAndNulIsNotAWordCharacter) {
  const std::string src = std::string("RAM/* c */x") + '\0' + "y";
  d::Lexer lex(src, "t");
  EXPECT_EQ(lex.next(d::LexMode::script).text, "RAM");
  EXPECT_EQ(lex.next(d::LexMode::script).text, "x");
  EXPECT_THROW(lex.next(d::LexMode::script), ld::ScriptError);  // the NUL
  // The fuzzer's find: a NUL glued "/*" into a word, so the parser and the marker scan disagreed.
  const std::string nul = std::string("SECTIONS { .text : { *(.text) } :t") + '\0' + "/*\n.data : { } */ }";
  EXPECT_THROW(static_cast<void>(ld::inspect_block(nul, "nul")), ld::ScriptError);
}
