#include "placement.hpp"

#include <algorithm>

namespace percpu::ldgen::detail {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// Sections that take no address space: discarded, debug and other non-allocated sections.
bool is_non_alloc(const OutputSection& s) {
  if (s.kind == OutputSection::Kind::overlay) return false;
  const std::string& n = s.name;
  return n == "/DISCARD/" || n == ".comment" || starts_with(n, ".debug") || starts_with(n, ".stab") ||
         starts_with(n, ".zdebug") || n == ".gnu.attributes" || n == ".ARM.attributes" ||
         n == ".riscv.attributes" || n == ".note.GNU-stack" || starts_with(n, ".gnu.build.attributes") ||
         n == ".symtab" || n == ".strtab" || n == ".shstrtab" || n == ".line" || s.type == "INFO" ||
         s.type == "COPY" || s.type == "DSECT";
}

// Zero-initialized, thread-local or reserved-space sections, before which the block goes.
bool is_bss_like(const OutputSection& s) {
  if (s.kind == OutputSection::Kind::overlay) return false;
  const std::string& n = s.name;
  // .sbss2 is the read-only small-data area (PowerPC/RISC-V ABIs), next to .rodata: not it.
  return s.type == "NOLOAD" || n == ".bss" || starts_with(n, ".bss.") ||
         (starts_with(n, ".sbss") && !starts_with(n, ".sbss2")) ||
         starts_with(n, ".tbss") || starts_with(n, ".tdata") || n == ".lbss" || n == "COMMON" ||
         starts_with(n, ".noinit") || n == ".stack" || n == ".heap" || n == "._user_heap_stack";
}

bool is_tls(const OutputSection& s) { return starts_with(s.name, ".tdata") || starts_with(s.name, ".tbss"); }

bool has_name(const OutputSection& s, const std::string& name) {
  return s.name == name ||
         std::find(s.overlay_names.begin(), s.overlay_names.end(), name) != s.overlay_names.end();
}

constexpr int kNone = -1;

struct Place {
  int prev = kNone;  // the section the block follows
  int next = kNone;  // the section after the block
  size_t at = 0;     // insertion offset
};

int next_alloc(const Script& s, int from) {
  for (int i = from; i < static_cast<int>(s.sections.size()); ++i)
    if (!is_non_alloc(s.sections[static_cast<size_t>(i)])) return i;
  return kNone;
}
int prev_alloc(const Script& s, int before) {
  for (int i = before - 1; i >= 0; --i)
    if (!is_non_alloc(s.sections[static_cast<size_t>(i)])) return i;
  return kNone;
}

Place choose_place(const Script& s, const Lexer& lexer, const InjectOptions& o) {
  const int count = static_cast<int>(s.sections.size());
  auto find = [&](const std::string& name, const char* option) {
    for (int i = 0; i < count; ++i)
      if (has_name(s.sections[static_cast<size_t>(i)], name)) return i;
    lexer.fail(s.sections_close, std::string("no output section named '") + name + "' for " + option);
  };
  Place p;
  if (!o.after.empty()) {
    p.prev = find(o.after, "--after");
    p.next = next_alloc(s, p.prev + 1);
  } else if (!o.before.empty()) {
    p.next = find(o.before, "--before");
    p.prev = prev_alloc(s, p.next);
    p.at = s.sections[static_cast<size_t>(p.next)].whole.begin;
    return p;
  } else {
    // After the last initialized-data section before the first zero-initialized one. TLS
    // sections are skipped on both sides: the block goes before them when they sit between the
    // data and .bss (kernels), and after the data that follows them (GNU ld's default script).
    int first_bss = kNone;
    for (int i = 0; i < count && first_bss == kNone; ++i) {
      const OutputSection& sec = s.sections[static_cast<size_t>(i)];
      if (!is_non_alloc(sec) && is_bss_like(sec) && !is_tls(sec)) first_bss = i;
    }
    for (int i = (first_bss == kNone ? count : first_bss) - 1; i >= 0 && p.prev == kNone; --i) {
      const OutputSection& sec = s.sections[static_cast<size_t>(i)];
      if (!is_non_alloc(sec) && !is_bss_like(sec) && !is_tls(sec)) p.prev = i;
    }
    p.next = p.prev == kNone ? next_alloc(s, 0) : next_alloc(s, p.prev + 1);
  }
  if (p.prev == kNone) {
    if (p.next == kNone) lexer.fail(s.sections_close, "SECTIONS has no output section to place the block next to");
    p.at = s.sections[static_cast<size_t>(p.next)].whole.begin;
  } else {
    p.at = s.sections[static_cast<size_t>(p.prev)].whole.end;
  }
  return p;
}

// The program headers in effect at the end of section `index`: the last explicit ":phdr" list
// at or before it (a section without one stays in the previous section's headers).
std::vector<std::string> phdrs_in_effect(const Script& s, int index) {
  for (int i = index; i >= 0; --i)
    if (!s.sections[static_cast<size_t>(i)].phdrs.empty()) return s.sections[static_cast<size_t>(i)].phdrs;
  return {};
}

std::string lma_of(const std::string& vma, const std::string& anchor) {
  if (anchor.empty()) return vma;
  return vma + " - ADDR(" + anchor + ") + LOADADDR(" + anchor + ")";
}

}  // namespace

namespace {

// Pieces shared by every shape.
constexpr const char* kAlign = "ALIGN(MAX(4K, ALIGNOF(.percpu)))";
constexpr const char* kAreaAlign = "MAX(64, ALIGNOF(.percpu))";
constexpr const char* kTemplateSize = "(_percpu_load_end - _percpu_load_start)";

// layout::stride: [template | pad | reserve | pad]. The symbols' expressions are written out in
// full (no symbol refers to another): GNU ld and lld evaluate forward references early.
std::string stride_rules(const BlockShape& b) {
  if (b.reserve == 0)
    return std::string("  _percpu_stride = ABSOLUTE(ALIGN(MAX(_percpu_load_end - _percpu_load_start, 1), ") +
           kAreaAlign + "));\n";
  const std::string offset = std::string("ALIGN(") + kTemplateSize + ", " + kAreaAlign + ")";
  const std::string size = std::to_string(b.reserve);
  return "  _percpu_reserve_offset = ABSOLUTE(" + offset + ");\n  _percpu_reserve_size = ABSOLUTE(" + size +
         ");\n  _percpu_stride = ABSOLUTE(ALIGN(" + offset + " + " + size + ", " + kAreaAlign + "));\n";
}
constexpr const char* kTemplateBody =
    "    _percpu_load_start = .;\n"
    "    KEEP(*(.percpu .percpu.*))\n"
    "    _percpu_load_end = .;\n";
std::string phdr_suffix(const BlockShape& b) { return b.phdr.empty() ? "" : " :" + b.phdr; }

// No MEMORY regions. The rest of the areas is a NOLOAD section with the right load address:
// whatever section follows the block (even when the one named next is empty and dropped)
// continues from its VMA-to-LMA delta, not from the VMA-0 template's. It starts after the
// template's bytes, so its load range does not overlap the template's (lld checks that). The
// symbol assignment keeps it from being discarded when it is empty.
std::string render_plain(const BlockShape& b, const std::string& n) {
  std::string out = std::string("  . = ") + kAlign + ";\n  _percpu_start = .;\n";
  out += "  .percpu " + std::string(b.delta ? "_percpu_start" : "0x0") + " : AT(" +
         lma_of("_percpu_start", b.lma_anchor) + ") {\n" + kTemplateBody + "  }" + phdr_suffix(b) + "\n";
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
  out += std::string("  .percpu 0x0 : {\n") + kTemplateBody + "  } AT> " + b.load_region + phdr_suffix(b) + "\n";
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
  out += std::string("  .percpu : {\n") + kTemplateBody + "  } > " + b.region +
         (stored_elsewhere ? " AT> " + b.load_region : "") + phdr_suffix(b) + "\n";
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
                    " vma=" + (b.delta ? "delta" : "zero") + " */\n";
  if (b.reserve != 0)
    out += "  /* every area: template, then a dynamic reserve of " + std::to_string(b.reserve) +
           " bytes at _percpu_reserve_offset (percpu/dynamic.hpp) */\n";
  if (!b.regions) out += render_plain(b, n);
  else if (b.delta) out += render_regions_delta(b, n);
  else out += render_regions_zero(b, n);
  out += std::string("  ") + percpu::layout::kBlockEndMarker;
  return out;
}

std::vector<Edit> plan_edits(const Script& s, const Lexer& lexer, const InjectOptions& o) {
  if (!s.has_sections) lexer.fail(lexer.source().size(), "the script has no SECTIONS command");
  if (!s.percpu_sections.empty())
    lexer.fail(s.percpu_sections.front(),
               "the script already has a hand-written .percpu output section; remove it and let "
               "percpu-ldgen write the block");
  if (s.percpu_input_at != std::string::npos)
    lexer.fail(s.percpu_input_at,
               "an input section pattern here takes the .percpu input sections; remove it so they "
               "go to the template");
  const Place p = choose_place(s, lexer, o);
  const OutputSection* prev = p.prev == kNone ? nullptr : &s.sections[static_cast<size_t>(p.prev)];
  const OutputSection* next = p.next == kNone ? nullptr : &s.sections[static_cast<size_t>(p.next)];
  const size_t where = prev ? prev->whole.begin : next->whole.begin;
  if (prev && prev->kind == OutputSection::Kind::overlay)
    lexer.fail(prev->whole.begin,
               "the block would follow an OVERLAY, whose load addresses are not contiguous; pass "
               "--after NAME or --before NAME to place it next to an ordinary output section");

  BlockShape shape;
  shape.cpus = o.cpus;
  shape.reserve = o.reserve;
  shape.delta = o.vma == percpu::layout::AddressModel::delta;
  bool uses_regions = s.has_memory;
  for (const OutputSection& sec : s.sections) uses_regions |= !sec.region.empty();
  std::vector<Edit> edits;

  if (uses_regions) {
    if (!prev || prev->region.empty())
      lexer.fail(where, "the script uses MEMORY regions but the output section before the block (" +
                            (prev ? prev->name : std::string("none")) +
                            ") is not placed with '> REGION'; pass --after NAME naming a section in "
                            "the RAM region");
    shape.regions = true;
    shape.region = prev->region;
    shape.load_region = prev->lma_region.empty() ? prev->region : prev->lma_region;
  } else {
    // A script that never says AT() is identity-mapped: the template is loaded at
    // _percpu_start. Otherwise the block keeps the VMA-to-LMA delta of an earlier section that
    // surely exists (not an ONLY_IF_RO/RW one, whose ADDR() may name nothing).
    const bool uses_at = std::any_of(s.sections.begin(), s.sections.end(), [](const OutputSection& sec) {
      return sec.has_at || !sec.lma_region.empty();
    });
    for (int i = p.prev; uses_at && i >= 0 && shape.lma_anchor.empty(); --i) {
      const OutputSection& sec = s.sections[static_cast<size_t>(i)];
      if (!is_non_alloc(sec) && !sec.conditional && sec.kind == OutputSection::Kind::section)
        shape.lma_anchor = sec.name;
    }
    if (next && !next->has_at && next->lma_region.empty()) {
      if (next->kind == OutputSection::Kind::overlay)
        lexer.fail(next->whole.begin,
                   "the OVERLAY after the block has no AT(); give it one or pass --after/--before");
      edits.push_back(
          {next->after_colon, marked(" AT(" + lma_of("ADDR(" + next->name + ")", shape.lma_anchor) + ")")});
    }
  }

  bool uses_phdrs = s.has_phdrs;
  for (const OutputSection& sec : s.sections) uses_phdrs |= !sec.phdrs.empty();
  if (uses_phdrs) {
    if (!s.has_phdrs)
      lexer.fail(where, "sections name program headers but PHDRS is not in this file (INCLUDEd?); "
                        "percpu-ldgen must add a PT_LOAD header to it");
    auto taken = [&](const std::string& n) {
      return std::any_of(s.phdr_entries.begin(), s.phdr_entries.end(), [&](const PhdrEntry& e) { return e.name == n; });
    };
    auto fresh = [&](std::string base) {
      std::string n = base;
      for (unsigned k = 2; taken(n); ++k) n = base + std::to_string(k);
      return n;
    };
    const std::vector<std::string> current = phdrs_in_effect(s, p.prev);
    size_t at = s.phdrs_close;
    if (!current.empty())
      for (const PhdrEntry& e : s.phdr_entries)
        if (e.name == current.front()) at = e.whole.end;
    // The template gets a PT_LOAD of its own (at VMA 0 it cannot share one; in the delta model
    // its load address may jump, e.g. from RAM to FLASH). The areas and the section after the
    // block get another new one: lld computes a segment's file size from its first to its last
    // section's file offset, so a section after the template, back in the data segment, would
    // stretch that segment's p_filesz over the template's bytes (p_filesz > p_memsz on 64K
    // pages). GNU ld leaves a section that only inherits its header out of every segment when
    // '.' was assigned before it, so the next section names its header.
    if (current.empty() && next && next->phdrs.empty())
      lexer.fail(next->whole.begin, "cannot tell which program header '" + next->name +
                                        "' belongs to; name one with ':phdr' on it");
    shape.phdr = fresh("percpu");
    const std::string after = fresh("percpu_next");
    shape.areas_phdrs = " :" + after;
    std::string headers = "\n  " + shape.phdr + " PT_LOAD FLAGS(6);\n  " + after + " PT_LOAD FLAGS(6);";
    if (shape.regions && shape.delta) {  // the padding before the template: a third one
      const std::string pad = fresh("percpu_pad");
      shape.pad_phdr = " :" + pad;
      headers = "\n  " + pad + " PT_LOAD FLAGS(6);" + headers;
    }
    edits.push_back({at, marked(headers)});
    if (next && next->phdrs.empty()) edits.push_back({next->after_body, marked(" :" + after)});
  }
  edits.push_back({p.at, render_block(shape)});
  return edits;
}

}  // namespace percpu::ldgen::detail
