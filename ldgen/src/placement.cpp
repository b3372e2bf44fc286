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

using Index = std::optional<size_t>;  // an index into Script::sections, or none

// Where the block goes: after `prev` (if any), before `next` (if any), at byte `at`.
struct Place {
  Index prev;
  Index next;
  size_t at = 0;
};

Index next_alloc(const Script& s, size_t from) {
  for (size_t i = from; i < s.sections.size(); ++i)
    if (!is_non_alloc(s.sections[i])) return i;
  return std::nullopt;
}

Index prev_alloc(const Script& s, size_t before) {
  for (size_t i = before; i-- > 0;)
    if (!is_non_alloc(s.sections[i])) return i;
  return std::nullopt;
}

Index after(Index i) { return i ? std::optional<size_t>(*i + 1) : std::optional<size_t>(0); }

size_t find_section(const Script& s, const Lexer& lexer, const std::string& name, const char* where) {
  for (size_t i = 0; i < s.sections.size(); ++i)
    if (has_name(s.sections[i], name)) return i;
  lexer.fail(s.sections_close, std::string("no output section named '") + name + "' to place the block " + where);
}

// After the last initialized-data section before the first zero-initialized one. TLS sections
// are skipped on both sides: the block goes before them when they sit between the data and .bss
// (kernels), and after the data that follows them (GNU ld's default script).
Index default_prev(const Script& s) {
  size_t first_bss = s.sections.size();
  for (size_t i = 0; i < s.sections.size(); ++i) {
    const OutputSection& sec = s.sections[i];
    if (!is_non_alloc(sec) && is_bss_like(sec) && !is_tls(sec)) {
      first_bss = i;
      break;
    }
  }
  for (size_t i = first_bss; i-- > 0;) {
    const OutputSection& sec = s.sections[i];
    if (!is_non_alloc(sec) && !is_bss_like(sec) && !is_tls(sec)) return i;
  }
  return std::nullopt;
}

// The program headers in effect at the end of section `index`: the last explicit ":phdr" list
// at or before it (a section without one stays in the previous section's headers).
std::vector<std::string> phdrs_in_effect(const Script& s, Index index) {
  for (size_t i = index ? *index + 1 : 0; i-- > 0;)
    if (!s.sections[i].phdrs.empty()) return s.sections[i].phdrs;
  return {};
}

bool shares_a_header(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& h) { return std::find(b.begin(), b.end(), h) != b.end(); });
}

// With PHDRS, a section after the block that names a header of the section before it
// (".data :data ... .bss :data") makes that segment span the areas. The default placement then
// moves past every section of that header; an explicit --after/--before is refused.
Place leave_segment_runs(const Script& s, const Lexer& lexer, const InjectOptions& o, Place p) {
  const std::vector<std::string> current = phdrs_in_effect(s, p.prev);
  while (p.next && !current.empty() && shares_a_header(current, s.sections[*p.next].phdrs)) {
    const OutputSection& next = s.sections[*p.next];
    if (!o.after.empty() || !o.before.empty())
      lexer.fail(next.whole.begin, "'" + next.name + "' is in program header '" + current.front() +
                                       "' like the section before the block, so that segment would span the "
                                       "per-CPU areas; place the block after '" + next.name +
                                       "' or give it a header of its own");
    p.prev = p.next;
    p.next = next_alloc(s, *p.prev + 1);
    p.at = next.whole.end;
  }
  return p;
}

// Re-running on ldgen's own output: the block goes back exactly where it was.
Place place_at(const Script& s, const Lexer& lexer, size_t at) {
  for (size_t i = 0; i < s.sections.size(); ++i) {
    if (s.sections[i].whole.end == at) return {i, next_alloc(s, i + 1), at};
    if (s.sections[i].whole.begin == at) return {prev_alloc(s, i), i, at};
  }
  lexer.fail(at, "the percpu-ldgen block is not next to an output section; delete it and run percpu-ldgen again");
}

Place choose_place(const Script& s, const Lexer& lexer, const InjectOptions& o, std::optional<size_t> block_at) {
  if (block_at) return place_at(s, lexer, *block_at);
  Place p;
  if (!o.before.empty()) {
    p.next = find_section(s, lexer, o.before, "before");
    p.prev = prev_alloc(s, *p.next);
    p.at = s.sections[*p.next].whole.begin;
    return leave_segment_runs(s, lexer, o, p);
  }
  p.prev = !o.after.empty() ? Index(find_section(s, lexer, o.after, "after")) : default_prev(s);
  p.next = next_alloc(s, *after(p.prev));
  if (!p.prev && !p.next) lexer.fail(s.sections_close, "SECTIONS has no output section to place the block next to");
  p.at = p.prev ? s.sections[*p.prev].whole.end : s.sections[*p.next].whole.begin;
  return leave_segment_runs(s, lexer, o, p);
}

void refuse_foreign_percpu(const Script& s, const Lexer& lexer) {
  if (!s.has_sections) lexer.fail(lexer.source().size(), "the script has no SECTIONS command");
  if (!s.percpu_sections.empty())
    lexer.fail(s.percpu_sections.front(),
               "the script already has a hand-written .percpu output section; remove it and let "
               "percpu-ldgen write the block");
  if (s.percpu_input_at != std::string::npos)
    lexer.fail(s.percpu_input_at,
               "an input section pattern here takes the .percpu input sections; remove it so they "
               "go to the template");
}

// Everything placement decides: the shape of the block and the insertions around it.
struct Plan {
  const Script& s;
  const Lexer& lexer;
  const OutputSection* prev;
  const OutputSection* next;
  size_t where;  // the offset errors about the placement point at
  BlockShape shape;
  std::vector<Edit> edits;
};

// The template's image is stored in the load region of the section before the block. When that
// one is zero-initialized and loaded nowhere (the block follows '.bss > RAM' after a PHDRS run, or
// --after .bss) while the data before it is stored elsewhere ('.data > RAM AT> FLASH', '> VRAM AT>
// LOAD'), the image would go to RAM, where nothing stores it, or to a virtual address; storing it
// with the data instead overlaps the zero-initialized section's load range (lld: "load address
// range overlaps"). Refused: the block belongs after the data.
void refuse_image_after_unloaded(const Plan& plan) {
  const Script& s = plan.s;
  const OutputSection& prev = *plan.prev;
  if (!is_bss_like(prev) || starts_with(prev.name, ".tdata")) return;
  auto stored_in = [](const OutputSection& sec) { return sec.lma_region.empty() ? sec.region : sec.lma_region; };
  for (size_t i = static_cast<size_t>(&prev - s.sections.data()); i-- > 0;) {
    const OutputSection& data = s.sections[i];
    if (is_non_alloc(data) || (is_bss_like(data) && !starts_with(data.name, ".tdata")) || data.region != prev.region)
      continue;
    if (stored_in(data) != stored_in(prev))
      plan.lexer.fail(plan.where, "the block would follow '" + prev.name + "', which is loaded nowhere, while '" +
                                      data.name + "' before it is stored in region " + stored_in(data) +
                                      ", where the template's image must go too; place the block after " +
                                      data.name + ", and with PHDRS give the zero-initialized sections after "
                                      "it a program header of their own",
                      Remedy::choose_place);
    return;
  }
}

// MEMORY regions: the areas go into the region of the section before the block.
void use_regions(Plan& plan) {
  if (!plan.prev || plan.prev->region.empty())
    plan.lexer.fail(plan.where, "the script uses MEMORY regions but the output section before the block (" +
                                    (plan.prev ? plan.prev->name : std::string("none")) +
                                    ") is not placed with '> REGION'; place the block after a section in the "
                                    "RAM region",
                    Remedy::choose_place);
  // The zero model links the template at VMA 0: flash mapped at address 0 (Cortex-M) is there.
  if (!plan.shape.delta && !plan.s.region_at_zero.empty())
    plan.lexer.fail(plan.where, "MEMORY region " + plan.s.region_at_zero.front() +
                                    " starts at address 0, where the zero address model links the template "
                                    "(.percpu at VMA 0 would overlap it); use the delta address model",
                    Remedy::delta_model);
  plan.shape.regions = true;
  plan.shape.region = plan.prev->region;
  plan.shape.load_region = plan.prev->lma_region.empty() ? plan.prev->region : plan.prev->lma_region;
}

// No regions. A script that never says AT() is identity-mapped: the template is loaded at
// _percpu_start. Otherwise the block keeps the VMA-to-LMA delta of an earlier section that surely
// exists (not an ONLY_IF_RO/RW one, whose ADDR() may name nothing), and the section after the
// block restates its own load address.
void use_load_addresses(Plan& plan, Index prev) {
  const Script& s = plan.s;
  const bool uses_at = std::any_of(s.sections.begin(), s.sections.end(), [](const OutputSection& sec) {
    return sec.has_at || !sec.lma_region.empty();
  });
  for (size_t i = prev ? *prev + 1 : 0; uses_at && i-- > 0 && plan.shape.lma_anchor.empty();) {
    const OutputSection& sec = s.sections[i];
    if (!is_non_alloc(sec) && !sec.conditional && sec.kind == OutputSection::Kind::section)
      plan.shape.lma_anchor = sec.spelling;
  }
  const OutputSection* next = plan.next;
  if (!next || next->has_at || !next->lma_region.empty()) return;
  if (next->kind == OutputSection::Kind::overlay)
    plan.lexer.fail(next->whole.begin, "the OVERLAY after the block has no AT(); give it one or place the block elsewhere",
                    Remedy::choose_place);
  plan.edits.push_back(
      {next->after_colon, marked(" AT(" + lma_of("ADDR(" + next->spelling + ")", plan.shape.lma_anchor) + ")")});
}

// PHDRS: the template gets a PT_LOAD of its own (at VMA 0 it cannot share one; in the delta model
// its load address may jump, e.g. from RAM to FLASH). The areas and the section after the block
// get another new one: lld computes a segment's file size from its first to its last section's
// file offset, so a section after the template, back in the data segment, would stretch that
// segment's p_filesz over the template's bytes (p_filesz > p_memsz on 64K pages). GNU ld leaves a
// section that only inherits its header out of every segment when '.' was assigned before it, so
// the next section names its header.
void use_phdrs(Plan& plan, Index prev) {
  const Script& s = plan.s;
  if (!s.has_phdrs)
    plan.lexer.fail(plan.where, "sections name program headers but PHDRS is not in this file (INCLUDEd?); "
                                "percpu-ldgen must add a PT_LOAD header to it");
  auto taken = [&](const std::string& n) {
    return std::any_of(s.phdr_entries.begin(), s.phdr_entries.end(), [&](const PhdrEntry& e) { return e.name == n; });
  };
  auto fresh = [&](const std::string& base) {
    std::string n = base;
    for (unsigned k = 2; taken(n); ++k) n = base + std::to_string(k);
    return n;
  };
  // The ELF and program headers are loaded below the lowest address of their segment's sections;
  // with the template at VMA 0 there is no room (lld: "could not allocate headers"; GNU ld puts
  // a higher-half .text at VMA 0 with them).
  for (const PhdrEntry& e : s.phdr_entries)
    if (e.loads_headers && !plan.shape.delta)
      plan.lexer.fail(e.whole.begin, "program header '" + e.name +
                                         "' loads the ELF headers (FILEHDR/PHDRS), which need room below its "
                                         "sections, but the zero address model links the template at VMA 0; "
                                         "drop FILEHDR PHDRS, or use the delta address model",
                      Remedy::delta_model);
  const std::vector<std::string> current = phdrs_in_effect(s, prev);
  size_t at = s.phdrs_close;
  for (const PhdrEntry& e : s.phdr_entries)
    if (!current.empty() && e.name == current.front()) at = e.whole.end;
  const OutputSection* next = plan.next;
  if (current.empty() && next && next->phdrs.empty())
    plan.lexer.fail(next->whole.begin, "cannot tell which program header '" + next->name +
                                           "' belongs to; name one with ':phdr' on it");
  plan.shape.phdr = fresh("percpu");
  const std::string areas = fresh("percpu_next");
  plan.shape.areas_phdrs = " :" + areas;
  std::string headers = "\n  " + plan.shape.phdr + " PT_LOAD FLAGS(6);\n  " + areas + " PT_LOAD FLAGS(6);";
  if (plan.shape.regions) {  // the padding before the template: a third one
    const std::string pad = fresh("percpu_pad");
    plan.shape.pad_phdr = " :" + pad;
    headers = "\n  " + pad + " PT_LOAD FLAGS(6);" + headers;
  }
  plan.edits.push_back({at, marked(headers)});
  if (next && next->phdrs.empty()) plan.edits.push_back({next->after_body, marked(" :" + areas)});
}

// In a C-preprocessor template, text inside #if ... #endif may be dropped by cpp: the block and
// its insertions must not go there.
void refuse_conditional_edits(const std::vector<Edit>& edits, const Lexer& lexer) {
  for (const Edit& e : edits)
    for (const Span& c : lexer.conditionals())
      if (c.begin < e.offset && e.offset < c.end)
        lexer.fail(e.offset, "percpu-ldgen would insert here, inside the #if at line " +
                                 std::to_string(lexer.error_at(c.begin, "").line()) +
                                 " that cpp may drop; run percpu-ldgen on the preprocessed script, or place "
                                 "the block next to a section outside #if ... #endif",
                   Remedy::choose_place);
}

}  // namespace

std::vector<Edit> plan_edits(const Script& s, const Lexer& lexer, const InjectOptions& o,
                             std::optional<size_t> block_at) {
  refuse_foreign_percpu(s, lexer);
  const Place p = choose_place(s, lexer, o, block_at);
  Plan plan{s, lexer, p.prev ? &s.sections[*p.prev] : nullptr, p.next ? &s.sections[*p.next] : nullptr, 0, {}, {}};
  plan.where = plan.prev ? plan.prev->whole.begin : plan.next->whole.begin;
  if (plan.prev && plan.prev->kind == OutputSection::Kind::overlay)
    lexer.fail(plan.where,
               "the block would follow an OVERLAY, whose load addresses are not contiguous; place it next "
               "to an ordinary output section",
               Remedy::choose_place);
  plan.shape.cpus = o.cpus;
  plan.shape.reserve = o.reserve;
  plan.shape.delta = o.vma == percpu::layout::AddressModel::delta;
  plan.shape.insert = s.has_insert;

  const bool uses_regions = s.has_memory || std::any_of(s.sections.begin(), s.sections.end(), [](const OutputSection& sec) {
                              return !sec.region.empty();
                            });
  if (uses_regions) use_regions(plan);
  else use_load_addresses(plan, p.prev);
  const bool uses_phdrs = s.has_phdrs || std::any_of(s.sections.begin(), s.sections.end(), [](const OutputSection& sec) {
                            return !sec.phdrs.empty();
                          });
  if (uses_phdrs) use_phdrs(plan, p.prev);
  if (uses_regions) refuse_image_after_unloaded(plan);  // after the PHDRS refusals, which came first
  plan.edits.push_back({p.at, render_block(plan.shape)});
  refuse_conditional_edits(plan.edits, lexer);
  return plan.edits;
}

}  // namespace percpu::ldgen::detail
