// The rules: one function per rule id, each a relationship of docs/layout-contract.md
// (percpu/layout.hpp). docs/percpu-check.md documents every id, its message and its fix.
#include <elf.h>

#include <functional>

#include "analysis.hpp"

namespace percpu::check::detail {
namespace {

namespace layout = percpu::layout;

constexpr uint64_t kMaxSegmentSize = uint64_t{4} << 30;

struct Outcome {
  RuleStatus status = RuleStatus::pass;
  std::string reason;
  std::vector<Finding> findings;
};

Outcome pass() { return {}; }
Outcome skip(std::string reason) { return {RuleStatus::skip, std::move(reason), {}}; }

// Collects a rule's findings; the rule fails when it has any.
struct Verdict {
  std::string rule;
  std::vector<Finding> findings;
  void fail(std::string message, std::string hint) { findings.push_back({rule, std::move(message), std::move(hint)}); }
  Outcome done() const { return findings.empty() ? pass() : Outcome{RuleStatus::fail, "", findings}; }
};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

bool overlaps(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end) {
  return a_start < b_end && b_start < a_end;
}

const char* kNoTemplate = "no template section (see template.exists)";

std::string missing(const std::string& symbol) { return "symbol " + quoted(symbol) + " is missing (see symbols.present)"; }

Outcome template_exists(const Analysis& a, Verdict& v) {
  if (a.templates.empty())
    v.fail("no section named " + quoted(a.names.section),
           "link with the .percpu block (percpu-ldgen SCRIPT --cpus N), or name the template with --section / "
           "--profile linux");
  else if (a.templates.size() > 1)
    v.fail(std::to_string(a.templates.size()) + " sections named " + quoted(a.names.section),
           "define the template output section once in the linker script");
  return v.done();
}

Outcome template_flags(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  const uint64_t f = a.tmpl->flags;
  if (!(f & SHF_ALLOC) || !(f & SHF_WRITE) || (f & SHF_EXECINSTR)) {
    std::string flags = std::string(f & SHF_WRITE ? "W" : "") + (f & SHF_ALLOC ? "A" : "") + (f & SHF_EXECINSTR ? "X" : "");
    v.fail(quoted(a.names.section) + " has flags '" + flags + "': it must be ALLOC+WRITE and not EXEC",
           "put only writable data in the template (no code, no READONLY output section)");
  }
  return v.done();
}

Outcome template_progbits(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (a.tmpl->type == SHT_NOBITS && a.tmpl->size > 0)
    v.fail(quoted(a.names.section) + " is NOBITS (NOLOAD): the initial values of its " + std::to_string(a.tmpl->size) +
               " bytes are not in the file",
           "remove NOLOAD from the template's output section; only the areas after it are NOLOAD");
  else if (a.tmpl->type != SHT_PROGBITS && a.tmpl->type != SHT_NOBITS)
    v.fail(quoted(a.names.section) + " has section type " + std::to_string(a.tmpl->type) + ", not PROGBITS",
           "the template must be an ordinary data section");
  return v.done();
}

Outcome template_address_model(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (a.tmpl->addr == 0) return pass();
  if (!a.start) return skip(missing(a.names.start));
  if (a.tmpl->addr != a.start->value)
    v.fail(quoted(a.names.section) + " is linked at " + hex(a.tmpl->addr) + ": neither 0 (zero model) nor " +
               a.names.start + " " + hex(a.start->value) + " (delta model)",
           "link the template at 0x0 with AT(" + a.names.start + ") or at " + a.names.start +
               " (percpu-ldgen --vma zero|delta)");
  return v.done();
}

Outcome symbols_present(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);  // no block at all: one finding (template.exists), not two
  std::string absent;
  const std::pair<const std::string*, const ElfSymbol*> wanted[] = {
      {&a.names.start, a.start}, {&a.names.end, a.end}, {&a.names.load_start, a.load_start}, {&a.names.load_end, a.load_end}};
  for (const auto& [name, symbol] : wanted)
    if (!name->empty() && !symbol) absent += (absent.empty() ? "" : ", ") + *name;
  if (!absent.empty())
    v.fail("missing symbols: " + absent,
           "define them in the linker script (percpu-ldgen emits all of them), or name yours with "
           "--start-symbol/--end-symbol/--load-start-symbol/--load-end-symbol");
  return v.done();
}

Outcome symbols_load_range(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.load_start) return skip(missing(a.names.load_start));
  if (!a.load_end) return skip(missing(a.names.load_end));
  if (a.load_start->value != a.tmpl->addr)
    v.fail(a.names.load_start + " is " + hex(a.load_start->value) + ", the template starts at " + hex(a.tmpl->addr),
           "assign " + a.names.load_start + " = . as the first statement inside the template's output section");
  if (a.load_end->value - a.load_start->value != a.tmpl->size)
    v.fail(a.names.load_end + " - " + a.names.load_start + " is " + hex(a.load_end->value - a.load_start->value) +
               ", the template is " + hex(a.tmpl->size) + " bytes",
           "assign " + a.names.load_end + " = . as the last statement inside the template's output section");
  return v.done();
}

Outcome variables_inside(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  std::string bad;
  size_t count = 0;
  for (const Variable& var : a.layout.variables) {
    std::string why;
    if (var.size == 0) why = "st_size 0";
    else if (var.offset > a.tmpl->size || var.size > a.tmpl->size - var.offset) why = "outside the template";
    if (why.empty()) continue;
    if (++count <= 3) bad += std::string(bad.empty() ? "" : "; ") + var.symbol + " at offset " + hex(var.offset) + " (" + why + ")";
  }
  if (count)
    v.fail(std::to_string(count) + " per-CPU symbol" + (count > 1 ? "s" : "") + " not inside the template with a size: " + bad +
               (count > 3 ? "; ..." : ""),
           "declare per-CPU data as sized objects in the template's input sections; do not place symbols in it by hand");
  return v.done();
}

Outcome areas_start_aligned(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  const uint64_t align = layout::area_align(a.layout.template_align);
  const uint64_t required = a.options.profile == Profile::percpu ? std::max(layout::kAreaBlockAlign, align) : align;
  if (a.start->value % required)
    v.fail(a.names.start + " " + hex(a.start->value) + " is not aligned to " + hex(required),
           "align it before the template: . = ALIGN(MAX(4K, ALIGNOF(" + a.names.section + ")));");
  return v.done();
}

Outcome areas_start_is_load_address(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.template_lma) return skip("the template is in no PT_LOAD segment, so it has no load address");
  const uint64_t delta = a.image_delta.value_or(0);
  const uint64_t expected = *a.template_lma + delta;
  if (a.start->value != expected)
    v.fail(a.names.start + " is " + hex(a.start->value) + " but the template is loaded at " + hex(*a.template_lma) +
               ", which the image maps at " + hex(expected) + " (VMA - LMA " + hex(delta) + ")",
           "load the template at " + a.names.start + ": '" + a.names.start + " = .;' right before '" + a.names.section +
               " 0x0 : AT(" + a.names.start + ")' (translated like the sections before it)");
  return v.done();
}

Outcome areas_size(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the profile has no end symbol: the areas are allocated at boot");
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  const uint64_t start = a.start->value;
  const uint64_t end = a.end->value;
  const uint64_t stride = a.layout.stride;
  if (end <= start)
    v.fail(a.names.end + " " + hex(end) + " is not above " + a.names.start + " " + hex(start),
           "reserve the areas after the template: " + a.names.end + " = " + a.names.start + " + stride * CPU_NUM");
  else if ((end - start) % stride)
    v.fail(a.names.end + " - " + a.names.start + " = " + hex(end - start) + " is not a multiple of the stride " + hex(stride),
           "reserve stride * CPU_NUM bytes: " + a.names.end + " = " + a.names.start + " + " +
               (a.names.stride.empty() ? "stride" : a.names.stride) + " * CPU_NUM");
  return v.done();
}

Outcome stride_alignment(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  const uint64_t align = a.layout.template_align;
  if (!layout::is_power_of_two(align)) {
    v.fail("the template's alignment " + std::to_string(align) + " is not a power of two", "fix the template's ALIGN()");
    return v.done();
  }
  if (!a.stride) {
    if (a.options.profile == Profile::linux) return skip("Linux computes its unit size at boot (no stride symbol)");
    return pass();  // the layout's stride is the contract's by construction
  }
  const uint64_t want = layout::stride(a.tmpl->size, align, a.layout.reserve_size);
  const uint64_t got = a.stride->value;
  std::string why;
  if (got % layout::kMinAreaAlign) why = "not a multiple of 64";
  else if (got % align) why = "not a multiple of the template's alignment " + std::to_string(align);
  else if (got != want) why = "not the contract's stride";
  if (!why.empty())
    v.fail(a.names.stride + " is " + hex(got) + " (" + why + "); the contract gives " + hex(want) + " for a " +
               hex(a.tmpl->size) + "-byte template aligned to " + std::to_string(align) +
               (a.layout.has_reserve ? " and a " + hex(a.layout.reserve_size) + "-byte reserve" : ""),
           a.names.stride + " = ABSOLUTE(ALIGN(MAX(size, 1), MAX(64, ALIGNOF(" + a.names.section +
               ")))) (percpu-ldgen emits it)");
  return v.done();
}

// The dynamic reserve sits after the template at the contract's offset (aligned to the area
// alignment) and the stride covers template + reserve: no allocation can reach the next area.
Outcome reserve_inside(const Analysis& a, Verdict& v) {
  if (!a.reserve_offset && !a.reserve_size) return pass();  // no reserve: nothing can reach past the template
  if (!a.tmpl) return skip(kNoTemplate);
  const std::string hint = "regenerate the block with percpu-ldgen --reserve SIZE (it emits both symbols and the stride)";
  if (!a.reserve_offset || !a.reserve_size) {
    v.fail(std::string("only one of ") + layout::kReserveOffsetSymbol + " and " + layout::kReserveSizeSymbol +
               " is defined", hint);
    return v.done();
  }
  const Layout& l = a.layout;
  if (!layout::is_power_of_two(l.template_align)) return skip("the template's alignment is not a power of two");
  const uint64_t want = layout::reserve_offset(l.template_size, l.template_align);
  if (l.reserve_offset != want)
    v.fail(std::string(layout::kReserveOffsetSymbol) + " is " + hex(l.reserve_offset) + "; the contract gives " +
               hex(want) + " (the template's end aligned to the area alignment " +
               std::to_string(layout::area_align(l.template_align)) + ")", hint);
  if (l.reserve_size > layout::kMaxReserve)
    v.fail(std::string(layout::kReserveSizeSymbol) + " is " + hex(l.reserve_size) + ", more than the limit " +
               hex(layout::kMaxReserve), hint);
  else if (l.reserve_offset + l.reserve_size > l.stride)
    v.fail("the reserve [" + hex(l.reserve_offset) + ", " + hex(l.reserve_offset + l.reserve_size) +
               ") reaches past the stride " + hex(l.stride) + ": CPU n's reserve overlaps CPU n+1's area", hint);
  return v.done();
}

Outcome cpus_count(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the areas are allocated at boot: the CPU count is not in the ELF");
  if (!a.options.cpus) return skip("no --cpus given");
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  if (a.layout.cpu_count != *a.options.cpus)
    v.fail("the areas hold " + std::to_string(a.layout.cpu_count) + " CPUs (" + hex(a.layout.areas_end - a.layout.areas_start) +
               " bytes, stride " + hex(a.layout.stride) + "), expected " + std::to_string(*a.options.cpus),
           "regenerate the block with percpu-ldgen --cpus " + std::to_string(*a.options.cpus) + " (or fix --cpus)");
  return v.done();
}

Outcome areas_no_overlap(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the profile has no reserved areas in the ELF");
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  const uint64_t start = a.start->value;
  const uint64_t end = a.end->value;
  if (end <= start) return skip("the reserved range is empty (see areas.size)");
  const uint64_t delta = a.image_delta.value_or(0);
  const uint64_t lstart = start - delta;
  const uint64_t lend = end - delta;
  const std::string range = "the reserved areas [" + hex(start) + ", " + hex(end) + ")";
  const std::string hint = "place the block after the initialized data and before nothing it could cover "
                           "(let percpu-ldgen place it, or use --after/--before)";
  for (const ElfSection& s : a.elf.sections) {
    if (s.index == 0 || &s == a.tmpl || &s == a.areas_section || !(s.flags & SHF_ALLOC) || s.size == 0) continue;
    if (s.type == SHT_NOBITS && (s.flags & SHF_TLS)) continue;  // .tbss takes no address space
    if (overlaps(start, end, s.addr, s.addr + s.size))
      v.fail(range + " overlap section " + s.name + " [" + hex(s.addr) + ", " + hex(s.addr + s.size) + ") (VMA)", hint);
    else if (const auto lma = lma_of(a.elf, s); lma && overlaps(lstart, lend, *lma, *lma + s.size))
      v.fail(range + " (load " + hex(lstart) + ") overlap section " + s.name + " loaded at [" + hex(*lma) + ", " +
                 hex(*lma + s.size) + ") (LMA)", hint);
  }
  for (size_t i = 0; i < a.elf.segments.size(); ++i) {
    const ElfSegment& p = a.elf.segments[i];
    if (p.type != PT_LOAD || p.memsz == 0) continue;
    bool ours = false;  // segments holding the template or the areas are judged by their sections
    for (const ElfSection* s : {a.tmpl, a.areas_section})
      if (s && segment_of(a.elf, *s) == &p) ours = true;
    if (ours) continue;
    if (overlaps(start, end, p.vaddr, p.vaddr + p.memsz))
      v.fail(range + " overlap PT_LOAD segment " + std::to_string(i) + " [" + hex(p.vaddr) + ", " + hex(p.vaddr + p.memsz) + ") (VMA)", hint);
    else if (overlaps(lstart, lend, p.paddr, p.paddr + p.memsz))
      v.fail(range + " (load " + hex(lstart) + ") overlap PT_LOAD segment " + std::to_string(i) + " loaded at [" +
                 hex(p.paddr) + ", " + hex(p.paddr + p.memsz) + ") (LMA)", hint);
  }
  return v.done();
}

Outcome segments_sane(const Analysis& a, Verdict& v) {
  for (size_t i = 0; i < a.elf.segments.size(); ++i) {
    const ElfSegment& p = a.elf.segments[i];
    if (p.type != PT_LOAD) continue;
    if (p.memsz > kMaxSegmentSize)
      v.fail("PT_LOAD segment " + std::to_string(i) + " at " + hex(p.vaddr) + " is " + hex(p.memsz) +
                 " bytes in memory (more than 4 GiB)",
             "a section after the VMA-0 template inherited its addresses: give it an explicit AT() or address "
             "(percpu-ldgen restates the next section's AT)");
    else if (p.filesz > p.memsz)
      v.fail("PT_LOAD segment " + std::to_string(i) + " has file size " + hex(p.filesz) + " above its memory size " + hex(p.memsz),
             "the file is corrupted or was produced by a broken tool");
  }
  // A VMA-0 template shares its PT_LOAD with nothing: another section in it means the segment
  // spans from address 0 to that section (the template's VMA leaked into the segment).
  const ElfSegment* own = a.tmpl && a.tmpl->addr == 0 && a.tmpl->size ? segment_of(a.elf, *a.tmpl) : nullptr;
  for (const ElfSection& s : a.elf.sections) {
    if (!own || &s == a.tmpl || s.index == 0 || !(s.flags & SHF_ALLOC) || s.size == 0) continue;
    if (s.type == SHT_NOBITS && (s.flags & SHF_TLS)) continue;
    if (segment_of(a.elf, s) == own)
      v.fail("the PT_LOAD segment of the VMA-0 template also holds " + s.name + " at " + hex(s.addr) +
                 ": the segment spans from address 0",
             "give the template its own output section statement with AT() and restate the next section's "
             "address and AT() (percpu-ldgen does)");
  }
  if (!a.tmpl || !a.image_delta) return v.done();
  // The first allocated section after the template (and percpu-ldgen's areas) in section order.
  unsigned after = a.tmpl->index;
  if (a.areas_section) after = std::max(after, a.areas_section->index);
  for (const ElfSection& s : a.elf.sections) {
    if (s.index <= after || !(s.flags & SHF_ALLOC) || (s.flags & SHF_TLS)) continue;
    const auto lma = lma_of(a.elf, s);
    if (lma && s.addr - *lma != *a.image_delta)
      v.fail("section " + s.name + " after the template is at " + hex(s.addr) + " but loaded at " + hex(*lma) +
                 " (VMA - LMA " + hex(s.addr - *lma) + "; the rest of the image has " + hex(*a.image_delta) + ")",
             "restate its load address: " + s.name + " : AT(ADDR(" + s.name + ") - <offset>) (percpu-ldgen does this)");
    break;
  }
  return v.done();
}

Outcome reach_arch(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (a.layout.model != layout::AddressModel::zero) return skip("delta model: variables are reached by ordinary addresses");
  uint64_t reach = 0;
  std::string how;
  const std::string& arch = a.layout.arch;
  if (arch == "x86_64") reach = layout::kReachX86_64, how = "%gs:disp32";
  else if (arch == "aarch64") reach = layout::kReachAArch64, how = "movz #:abs_g0:";
  else if (arch == "riscv64" || arch == "riscv32") reach = layout::kReachRiscv, how = "lui %hi + %lo";
  else if (arch == "loongarch64" || arch == "loongarch32") reach = layout::kReachLoongArch, how = "lu12i.w + ori";
  else return skip("no reach limit is known for " + arch);
  if (a.tmpl->size > reach)
    v.fail("the template is " + hex(a.tmpl->size) + " bytes; " + arch + "'s access sequence (" + how + ") reaches " + hex(reach),
           "make per-CPU data smaller (per-CPU pointers to big buffers)");
  return v.done();
}

using RuleFn = Outcome (*)(const Analysis&, Verdict&);
struct Rule {
  const char* id;
  RuleFn fn;
};

constexpr Rule kRules[] = {
    {"template.exists", template_exists},
    {"template.flags", template_flags},
    {"template.progbits", template_progbits},
    {"template.address_model", template_address_model},
    {"symbols.present", symbols_present},
    {"symbols.load_range", symbols_load_range},
    {"variables.inside", variables_inside},
    {"areas.start_aligned", areas_start_aligned},
    {"areas.start_is_load_address", areas_start_is_load_address},
    {"areas.size", areas_size},
    {"stride.alignment", stride_alignment},
    {"reserve.inside", reserve_inside},
    {"cpus.count", cpus_count},
    {"areas.no_overlap", areas_no_overlap},
    {"segments.sane", segments_sane},
    {"reach.arch", reach_arch},
};

}  // namespace

void run_rules(const Analysis& analysis, Report& report) {
  for (const Rule& rule : kRules) {
    Verdict verdict{rule.id, {}};
    Outcome outcome = rule.fn(analysis, verdict);
    report.rules.push_back({rule.id, outcome.status, outcome.reason});
    for (Finding& f : outcome.findings) report.findings.push_back(std::move(f));
  }
}

}  // namespace percpu::check::detail

namespace percpu::check {

const std::vector<std::string>& rule_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& rule : detail::kRules) out.push_back(rule.id);
    return out;
  }();
  return ids;
}

}  // namespace percpu::check
