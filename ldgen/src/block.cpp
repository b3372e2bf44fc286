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

namespace l = percpu::layout;

// The names of layout.hpp, as strings to build the text from.
const std::string kSection = l::kPercpuNames.section;
const std::string kStart = l::kPercpuNames.start;
const std::string kEnd = l::kPercpuNames.end;
const std::string kLoadStart = l::kPercpuNames.load_start;
const std::string kLoadEnd = l::kPercpuNames.load_end;
const std::string kStride = l::kPercpuNames.stride;
const std::string kImage = l::kPercpuNames.image;
const std::string kPad = kSection + ".pad";      // the NOLOAD section that aligns the template
const std::string kAreas = kSection + ".areas";  // the NOLOAD section of the other areas

// A size as a linker script writes it: 4096 is "4K" (the suffix ld and lld both read).
std::string script_size(uint64_t bytes) {
  if (bytes != 0 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "K";
  return std::to_string(bytes);
}

// Pieces shared by every shape.
const std::string kAlign = "ALIGN(MAX(" + script_size(l::kAreaBlockAlign) + ", ALIGNOF(" + kSection + ")))";
const std::string kAreaAlign = "MAX(" + std::to_string(l::kMinAreaAlign) + ", ALIGNOF(" + kSection + "))";

// The template's contents. Hot variables (PERCPU_DEFINE_HOT) come first, so that their offsets
// fit the architectures' short hot access sequences; the ASSERT turns a hot part past
// layout::kHotReach into a link error (GNU ld and lld) instead of a truncated offset. Inside the
// output section an ASSERT takes its ';' (GNU ld and ld.lld 14/19 evaluate it there).
std::string template_body() {
  const std::string hot = l::kHotInputSection, end = l::kPercpuNames.hot_end;
  const std::string reach = std::to_string(l::kHotReach);
  return "    " + kLoadStart + " = .;\n"
         "    KEEP(*(" + hot + " " + hot + ".*))\n"
         "    " + end + " = .;\n"
         "    ASSERT(" + end + " - " + kLoadStart + " <= " + reach + ", \"percpu: the hot per-CPU "
         "variables (" + hot + ", PERCPU_DEFINE_HOT) take more than " + reach + " bytes, the reach "
         "of the hot access sequences\");\n"
         "    KEEP(*(" + kSection + " " + kSection + ".*))\n"
         "    " + kLoadEnd + " = .;\n";
}
const std::string kTemplateSize = "(" + kLoadEnd + " - " + kLoadStart + ")";
// ld.lld places an orphan section (one the script does not name, e.g. glibc's __libc_subfreeres)
// after the last output section of the same kind, which is the template: at VMA 0, or inside the
// areas. Orphans go before the first statement after it that is not a symbol assignment; this
// ASSERT is one (it assigns '.' to itself in lld), so an orphan there makes the link fail with
// this message instead of overlapping the areas. GNU ld wants no ';' after a statement ASSERT.
const std::string kOrphanGuard =
    "  ASSERT(. == ADDR(" + kSection + ") + SIZEOF(" + kSection +
    "), \"percpu-ldgen: an orphan section was placed after " + kSection +
    "; name it in the linker script before the block (docs/ldgen.md, Orphan sections)\")\n";

// layout::stride: [template | pad | reserve | pad]. Each expression is written out in full (no
// symbol refers to another): GNU ld and lld evaluate forward references early.
std::string reserve_offset_expr() { return "ALIGN(" + kTemplateSize + ", " + kAreaAlign + ")"; }
std::string reserve_stride_expr(const BlockShape& b) {
  return "ALIGN(" + reserve_offset_expr() + " + " + std::to_string(b.reserve) + ", " + kAreaAlign + ")";
}

std::string stride_rules(const BlockShape& b) {
  if (b.reserve == 0)
    return "  " + kStride + " = ABSOLUTE(ALIGN(MAX(" + kLoadEnd + " - " + kLoadStart + ", 1), " + kAreaAlign +
           "));\n";
  return "  " + std::string(l::kReserveOffsetSymbol) + " = ABSOLUTE(" + reserve_offset_expr() + ");\n  " +
         l::kReserveSizeSymbol + " = ABSOLUTE(" + std::to_string(b.reserve) + ");\n  " + kStride +
         " = ABSOLUTE(" + reserve_stride_expr(b) + ");\n";
}

std::string phdr_suffix(const BlockShape& b) { return b.phdr.empty() ? "" : " :" + b.phdr; }

// The template's section of the shapes without MEMORY regions: at VMA 0 (zero model) or at
// the start symbol (delta model), loaded at the start symbol's address.
std::string template_section(const BlockShape& b) {
  return "  " + kSection + " " + (b.delta ? kStart : std::string("0x0")) + " : AT(" + lma_of(kStart, b.lma_anchor) +
         ") {\n" + template_body() + "  }" + phdr_suffix(b) + "\n";
}

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
                                            : "ALIGN(MAX(" + kTemplateSize + ", 1), " + kAreaAlign + ")";
  std::string out = "  " + kPad + " (NOLOAD) : { . += 1; . = " + kAlign + "; " + kStart + " = .; }\n";
  out += template_section(b);
  out += stride_rules(b);
  const std::string areas_at = b.delta ? "" : " AT(" + lma_of("ADDR(" + kAreas + ")", b.lma_anchor) + ")";
  out += "  " + kAreas + " (" + kStart + " + " + kTemplateSize + ") (NOLOAD) :" + areas_at + " {\n    . += MAX(" +
         stride + " * " + n + " - " + kTemplateSize + ", 1);\n    " + kEnd + " = " + kStart + " + " + stride +
         " * " + n + ";\n  }" + b.areas_phdrs + "\n";
  return out;
}

// No MEMORY regions. The rest of the areas is a NOLOAD section with the right load address:
// whatever section follows the block (even when the one named next is empty and dropped)
// continues from its VMA-to-LMA delta, not from the VMA-0 template's. It starts after the
// template's bytes, so its load range does not overlap the template's (lld checks that). The
// symbol assignment keeps it from being discarded when it is empty.
std::string render_plain(const BlockShape& b, const std::string& n) {
  if (b.insert) return render_insert(b, n);
  std::string out = "  . = " + kAlign + ";\n  " + kStart + " = .;\n";
  out += template_section(b);
  out += kOrphanGuard;
  out += stride_rules(b);
  // In the delta model the template's load address already has the right delta, and an AT()
  // would make lld start a new PT_LOAD with p_filesz 0 in the template's page, which an ELF
  // loader maps as fresh zero pages over the template (Linux and qemu-user do).
  const std::string areas_at = b.delta ? "" : " AT(" + lma_of("ADDR(" + kAreas + ")", b.lma_anchor) + ")";
  out += "  " + kAreas + " (" + kStart + " + " + kTemplateSize + ") (NOLOAD) :" + areas_at + " {\n    . += " +
         kStride + " * " + n + " - " + kTemplateSize + ";\n    " + kEnd + " = .;\n  }" + b.areas_phdrs + "\n";
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
  std::string out = "  " + kAreas + " (NOLOAD) : AT(ADDR(" + kAreas + ")) {\n    . = " + kAlign + ";\n    " +
                    kStart + " = .;\n    . += " + kStride + " * " + n + ";\n    " + kEnd + " = .;\n  } > " +
                    b.region + b.areas_phdrs + "\n";
  out += "  " + kSection + " 0x0 : {\n" + template_body() + "  } AT> " + b.load_region + phdr_suffix(b) + "\n";
  out += kOrphanGuard;
  out += "  " + kImage + " = LOADADDR(" + kSection + ");\n";
  out += stride_rules(b);
  return out;
}

// MEMORY regions, delta model. The template is linked in the RAM region itself: a NOLOAD
// padding section aligns it (ALIGNOF cannot be an ALIGN() attribute, GNU ld wants a constant).
// Pad and areas have their own AT() and header, so that their load ranges stay off the
// template's image (lld checks overlaps). The areas of CPUs 1..N-1 follow the template.
std::string render_regions_delta(const BlockShape& b, const std::string& n) {
  const bool stored_elsewhere = b.load_region != b.region;
  std::string out = "  " + kPad + " (NOLOAD) : AT(ADDR(" + kPad + ")) { . = " + kAlign + "; } > " + b.region +
                    b.pad_phdr + "\n";
  out += "  " + kSection + " : {\n" + template_body() + "  } > " + b.region +
         (stored_elsewhere ? " AT> " + b.load_region : "") + phdr_suffix(b) + "\n";
  out += kOrphanGuard;
  out += "  " + kStart + " = ADDR(" + kSection + ");\n  " + kImage + " = LOADADDR(" + kSection + ");\n";
  out += stride_rules(b);
  out += "  " + kAreas + " (NOLOAD) : AT(ADDR(" + kAreas + ")) {\n    . = " + kStart + " + " + kStride + " * " + n +
         ";\n    " + kEnd + " = .;\n  } > " + b.region + b.areas_phdrs + "\n";
  return out;
}

}  // namespace

std::string render_block(const BlockShape& b) {
  const std::string n = std::to_string(b.cpus);
  std::string out = std::string(kBlockLead) + l::kBlockBeginMarker + " cpus=" + n +
                    " vma=" + l::to_string(b.model()) +
                    (b.reserve ? " reserve=" + std::to_string(b.reserve) : "") + " */\n";
  if (!b.regions) out += render_plain(b, n);
  else if (b.delta) out += render_regions_delta(b, n);
  else out += render_regions_zero(b, n);
  out += std::string("  ") + l::kBlockEndMarker;
  return out;
}

}  // namespace percpu::ldgen::detail
