// The block's text for each shape. Every shape keeps the contract of layout.hpp: the template
// (.percpu, PROGBITS, its initial values) and N areas of _percpu_stride bytes from _percpu_start.
#include "block.hpp"

#include "editor.hpp"
#include "percpu/layout.hpp"

namespace percpu::ldgen::detail {

std::string lma_of(const std::string& vma, const std::string& anchor) {
  if (anchor.empty()) return vma;
  return vma + " - ADDR(" + anchor + ") + LOADADDR(" + anchor + ")";
}

namespace {

// Pieces shared by every shape.
constexpr const char* kAlign = "ALIGN(MAX(4K, ALIGNOF(.percpu)))";
constexpr const char* kAreaAlign = "MAX(64, ALIGNOF(.percpu))";

// The template's contents. Hot variables (PERCPU_DEFINE_HOT) come first, so that their offsets
// fit the architectures' short hot access sequences; the ASSERT turns a hot part past
// layout::kHotReach into a link error (GNU ld and lld) instead of a truncated offset. Inside the
// output section an ASSERT takes its ';' (GNU ld and ld.lld 14/19 evaluate it there).
std::string template_body() {
  namespace l = percpu::layout;
  const std::string hot = l::kHotInputSection, end = l::kHotEndSymbol;
  const std::string reach = std::to_string(l::kHotReach);
  return "    _percpu_load_start = .;\n"
         "    KEEP(*(" + hot + " " + hot + ".*))\n"
         "    " + end + " = .;\n"
         "    ASSERT(" + end + " - _percpu_load_start <= " + reach + ", \"percpu: the hot per-CPU "
         "variables (" + hot + ", PERCPU_DEFINE_HOT) take more than " + reach + " bytes, the reach "
         "of the hot access sequences\");\n"
         "    KEEP(*(.percpu .percpu.*))\n"
         "    _percpu_load_end = .;\n";
}
constexpr const char* kTemplateSize = "(_percpu_load_end - _percpu_load_start)";
// ld.lld places an orphan section (one the script does not name, e.g. glibc's __libc_subfreeres)
// after the last output section of the same kind, which is the template: at VMA 0, or inside the
// areas. Orphans go before the first statement after it that is not a symbol assignment; this
// ASSERT is one (it assigns '.' to itself in lld), so an orphan there makes the link fail with
// this message instead of overlapping the areas. GNU ld wants no ';' after a statement ASSERT.
constexpr const char* kOrphanGuard =
    "  ASSERT(. == ADDR(.percpu) + SIZEOF(.percpu), \"percpu-ldgen: an orphan section was placed after "
    ".percpu; name it in the linker script before the block (docs/ldgen.md, Orphan sections)\")\n";

// layout::stride: [template | pad | reserve | pad]. Each expression is written out in full (no
// symbol refers to another): GNU ld and lld evaluate forward references early.
std::string reserve_offset_expr() { return std::string("ALIGN(") + kTemplateSize + ", " + kAreaAlign + ")"; }
std::string reserve_stride_expr(const BlockShape& b) {
  return "ALIGN(" + reserve_offset_expr() + " + " + std::to_string(b.reserve) + ", " + kAreaAlign + ")";
}

std::string stride_rules(const BlockShape& b) {
  if (b.reserve == 0)
    return std::string("  _percpu_stride = ABSOLUTE(ALIGN(MAX(_percpu_load_end - _percpu_load_start, 1), ") +
           kAreaAlign + "));\n";
  return "  _percpu_reserve_offset = ABSOLUTE(" + reserve_offset_expr() + ");\n  _percpu_reserve_size = ABSOLUTE(" +
         std::to_string(b.reserve) + ");\n  _percpu_stride = ABSOLUTE(" + reserve_stride_expr(b) + ");\n";
}

std::string phdr_suffix(const BlockShape& b) { return b.phdr.empty() ? "" : " :" + b.phdr; }

// An INSERT script (an addition to the linker's built-in layout). lld moves the statements
// between its sections to its end, so everything the layout needs is inside sections:
// - the alignment is a NOLOAD section's (a '.' assignment there: ld.lld 19 "does not converge");
//   it is never empty ('. += 1' first), since lld puts an empty one into the areas' segment,
//   whose zero-fill would then cover the template's image at _percpu_start;
// - the areas use the stride's expression, not _percpu_stride (assigned at the end: ld.lld 14
//   moves '.' backwards in its first passes), and are at least one byte, because GNU ld makes an
//   empty section unallocated and the default script's .bss then inherits the template's
//   VMA-to-LMA delta; _percpu_end is still _percpu_start + stride * N;
// - no orphan guard (it would be evaluated at the end).
std::string render_insert(const BlockShape& b, const std::string& n) {
  const std::string stride = b.reserve != 0 ? reserve_stride_expr(b)
                                            : std::string("ALIGN(MAX(") + kTemplateSize + ", 1), MAX(64, ALIGNOF(.percpu)))";
  std::string out = std::string("  .percpu.pad (NOLOAD) : { . += 1; . = ") + kAlign + "; _percpu_start = .; }\n";
  out += "  .percpu " + std::string(b.delta ? "_percpu_start" : "0x0") + " : AT(" +
         lma_of("_percpu_start", b.lma_anchor) + ") {\n" + template_body() + "  }" + phdr_suffix(b) + "\n";
  out += stride_rules(b);
  const std::string areas_at = b.delta ? "" : " AT(" + lma_of("ADDR(.percpu.areas)", b.lma_anchor) + ")";
  out += std::string("  .percpu.areas (_percpu_start + ") + kTemplateSize + ") (NOLOAD) :" + areas_at +
         " {\n    . += MAX(" + stride + " * " + n + " - " + kTemplateSize + ", 1);\n    _percpu_end = _percpu_start + " +
         stride + " * " + n + ";\n  }" + b.areas_phdrs + "\n";
  return out;
}

// No MEMORY regions. The rest of the areas is a NOLOAD section with the right load address:
// whatever section follows the block (even when the one named next is empty and dropped)
// continues from its VMA-to-LMA delta, not from the VMA-0 template's. It starts after the
// template's bytes, so its load range does not overlap the template's (lld checks that). The
// symbol assignment keeps it from being discarded when it is empty.
std::string render_plain(const BlockShape& b, const std::string& n) {
  if (b.insert) return render_insert(b, n);
  std::string out = std::string("  . = ") + kAlign + ";\n  _percpu_start = .;\n";
  out += "  .percpu " + std::string(b.delta ? "_percpu_start" : "0x0") + " : AT(" +
         lma_of("_percpu_start", b.lma_anchor) + ") {\n" + template_body() + "  }" + phdr_suffix(b) + "\n";
  out += kOrphanGuard;
  out += stride_rules(b);
  // In the delta model the template's load address already has the right delta, and an AT()
  // would make lld start a new PT_LOAD with p_filesz 0 in the template's page, which an ELF
  // loader maps as fresh zero pages over the template (Linux and qemu-user do).
  const std::string areas_at = b.delta ? "" : " AT(" + lma_of("ADDR(.percpu.areas)", b.lma_anchor) + ")";
  out += std::string("  .percpu.areas (_percpu_start + ") + kTemplateSize + ") (NOLOAD) :" + areas_at +
         " {\n    . += _percpu_stride * " + n + " - " + kTemplateSize + ";\n    _percpu_end = .;\n  }" +
         b.areas_phdrs + "\n";
  return out;
}

// MEMORY regions, zero model. The areas are a NOLOAD section in the RAM region: inside an
// output section '.' moves the region's pointer too (an assignment to '.' outside a section does
// not); its own AT() keeps its load range off the template's image (lld checks overlaps). It
// comes first: lld puts a section without '> REGION' in its AT> region, where VMA 0 "overflows"
// it, unless the previous section already moved to another region. The template's image goes to
// the load region (FLASH), not to _percpu_start: the startup code copies it from _percpu_image
// into the areas, as it copies .data.
std::string render_regions_zero(const BlockShape& b, const std::string& n) {
  std::string out = std::string("  .percpu.areas (NOLOAD) : AT(ADDR(.percpu.areas)) {\n    . = ") + kAlign +
                    ";\n    _percpu_start = .;\n    . += _percpu_stride * " + n +
                    ";\n    _percpu_end = .;\n  } > " + b.region + b.areas_phdrs + "\n";
  out += std::string("  .percpu 0x0 : {\n") + template_body() + "  } AT> " + b.load_region + phdr_suffix(b) + "\n";
  out += kOrphanGuard;
  out += "  _percpu_image = LOADADDR(.percpu);\n";
  out += stride_rules(b);
  return out;
}

// MEMORY regions, delta model. The template is linked in the RAM region itself: a NOLOAD
// padding section aligns it (ALIGNOF cannot be an ALIGN() attribute, GNU ld wants a constant).
// Pad and areas have their own AT() and header, so that their load ranges stay off the
// template's image (lld checks overlaps). The areas of CPUs 1..N-1 follow the template.
std::string render_regions_delta(const BlockShape& b, const std::string& n) {
  const bool stored_elsewhere = b.load_region != b.region;
  std::string out = std::string("  .percpu.pad (NOLOAD) : AT(ADDR(.percpu.pad)) { . = ") + kAlign + "; } > " +
                    b.region + b.pad_phdr + "\n";
  out += std::string("  .percpu : {\n") + template_body() + "  } > " + b.region +
         (stored_elsewhere ? " AT> " + b.load_region : "") + phdr_suffix(b) + "\n";
  out += kOrphanGuard;
  out += "  _percpu_start = ADDR(.percpu);\n  _percpu_image = LOADADDR(.percpu);\n";
  out += stride_rules(b);
  out += "  .percpu.areas (NOLOAD) : AT(ADDR(.percpu.areas)) {\n    . = _percpu_start + _percpu_stride * " + n +
         ";\n    _percpu_end = .;\n  } > " + b.region + b.areas_phdrs + "\n";
  return out;
}

}  // namespace

std::string render_block(const BlockShape& b) {
  const std::string n = std::to_string(b.cpus);
  std::string out = std::string(kBlockLead) + percpu::layout::kBlockBeginMarker + " cpus=" + n +
                    " vma=" + (b.delta ? "delta" : "zero") +
                    (b.reserve ? " reserve=" + std::to_string(b.reserve) : "") + " */\n";
  if (!b.regions) out += render_plain(b, n);
  else if (b.delta) out += render_regions_delta(b, n);
  else out += render_regions_zero(b, n);
  out += std::string("  ") + percpu::layout::kBlockEndMarker;
  return out;
}

}  // namespace percpu::ldgen::detail
