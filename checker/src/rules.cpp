// The rules: one function per rule id, each a relationship of docs/layout-contract.md
// (percpu/layout.hpp). docs/percpu-check.md documents every id, its message and its fix.
#include <elf.h>

#include <algorithm>
#include <functional>
#include <optional>

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
  return a_start < a_end && b_start < b_end && a_start < b_end && b_start < a_end;  // empty ranges overlap nothing
}

const char* kNoTemplate = "no template section (see template.exists)";

const char* kZeroStride = "the stride symbol is 0 (see stride.alignment)";

// A NOBITS (NOLOAD) template has no load image: its load address and segment say nothing.
const char* kNobitsTemplate = "the template is NOBITS: it has no load image (see template.progbits)";

// Why the rules that read the template skip: none, or more than one (template.exists says which;
// one mistake, one finding).
const char* not_one_template(const Analysis& a) {
  if (!a.tmpl) return kNoTemplate;
  if (a.templates.size() > 1) return "more than one template section (see template.exists)";
  return nullptr;
}

std::string missing(const std::string& symbol) { return "symbol " + quoted(symbol) + " is missing (see symbols.present)"; }

Outcome template_exists(const Analysis& a, Verdict& v) {
  if (a.templates.empty() && !a.swallowed.empty())  // GNU ld drops the template its variables left
    return skip("the template is empty and was dropped: its variables went elsewhere (see variables.swallowed)");
  if (a.templates.empty())
    v.fail("no section named " + quoted(a.names.section),
           "link with the .percpu block (percpu-ldgen SCRIPT --cpus N), or check with the template's own section "
           "name or the linux profile");
  else if (a.templates.size() > 1)
    v.fail(std::to_string(a.templates.size()) + " sections named " + quoted(a.names.section),
           "define the template output section once in the linker script");
  return v.done();
}

Outcome template_flags(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  // lld 14 gives an empty output section the flags of its neighbours (even X): nothing to judge.
  if (a.tmpl->size == 0) return skip("the template is empty: its flags are the linker's choice");
  const uint64_t f = a.tmpl->flags;
  if (!(f & SHF_ALLOC) || !(f & SHF_WRITE) || (f & SHF_EXECINSTR)) {
    std::string flags = std::string(f & SHF_WRITE ? "W" : "") + (f & SHF_ALLOC ? "A" : "") + (f & SHF_EXECINSTR ? "X" : "");
    v.fail(quoted(a.names.section) + " has flags '" + flags + "': it must be ALLOC+WRITE and not EXEC",
           "put only writable data in the template (no code, no READONLY output section)");
  }
  return v.done();
}

bool is_crate(const Analysis& a) { return a.layout.kind == LayoutKind::rust_crate; }
bool is_rom(const Analysis& a) { return a.layout.kind == LayoutKind::rom; }
const char* kCrateHint = "generate the block with percpu-ldgen SCRIPT --cpus N (a PROGBITS template, a stride "
                         "rounded to the largest alignment, NOLOAD areas after it): docs/ldgen.md";

Outcome template_progbits(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (is_crate(a)) return skip("the Rust crate's layout: see crate.template_progbits");
  if (a.tmpl->type == SHT_NOBITS && a.tmpl->size > 0)
    v.fail(quoted(a.names.section) + " is NOBITS (NOLOAD): the initial values of its " + std::to_string(a.tmpl->size) +
               " bytes are not in the file",
           "remove NOLOAD from the template's output section; only the areas after it are NOLOAD");
  else if (a.tmpl->type != SHT_PROGBITS && a.tmpl->type != SHT_NOBITS)
    v.fail(quoted(a.names.section) + " has section type " + std::to_string(a.tmpl->type) + ", not PROGBITS",
           "the template must be an ordinary data section");
  return v.done();
}

// The Rust crate's fragment makes .percpu NOLOAD: the initial values never reach the areas.
Outcome crate_template_progbits(const Analysis& a, Verdict& v) {
  if (!is_crate(a)) return skip("not the Rust crate's layout");
  if (a.tmpl->type == SHT_NOBITS)
    v.fail(quoted(a.names.section) + " is NOBITS: the Rust crate's fragment makes it NOLOAD, so the initial values of its " +
               std::to_string(a.layout.template_size) + " template bytes are not in the file and every area starts as zeros",
           std::string("remove (NOLOAD) from the .percpu output section, or ") + kCrateHint);
  return v.done();
}

Outcome template_address_model(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
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
  if (const char* why = not_one_template(a)) return skip(why);  // no block at all: one finding (template.exists), not two
  std::string absent;
  const std::pair<const std::string*, const ElfSymbol*> wanted[] = {
      {&a.names.start, a.start}, {&a.names.end, a.end}, {&a.names.load_start, a.load_start}, {&a.names.load_end, a.load_end}};
  for (const auto& [name, symbol] : wanted)
    if (!name->empty() && !symbol) absent += (absent.empty() ? "" : ", ") + *name;
  if (!absent.empty())
    v.fail("missing symbols: " + absent,
           "define them in the linker script (percpu-ldgen emits all of them), or check with your own start, "
           "end, load start and load end symbol names");
  return v.done();
}

Outcome symbols_load_range(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (!a.load_start) return skip(missing(a.names.load_start));
  if (!a.load_end) return skip(missing(a.names.load_end));
  if (a.load_start->value != a.tmpl->addr)
    v.fail(a.names.load_start + " is " + hex(a.load_start->value) + ", the template starts at " + hex(a.tmpl->addr),
           "assign " + a.names.load_start + " = . as the first statement inside the template's output section");
  // The Rust crate's section also holds the areas: its template is a prefix of the section.
  if (is_crate(a) ? a.load_end->value - a.load_start->value > a.tmpl->size
                  : a.load_end->value - a.load_start->value != a.tmpl->size)
    v.fail(a.names.load_end + " - " + a.names.load_start + " is " + hex(a.load_end->value - a.load_start->value) +
               ", the template is " + hex(a.tmpl->size) + " bytes",
           "assign " + a.names.load_end + " = . as the last statement inside the template's output section");
  return v.done();
}

Outcome variables_inside(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
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

// Per-CPU variables the link put outside the template (a greedy pattern before the block, such as
// `*(.data .data.* .p*)`, collected them): every CPU then shares one copy. One finding per section
// they went to, naming them.
Outcome variables_swallowed(const Analysis& a, Verdict& v) {
  constexpr size_t kListed = 16;
  std::vector<std::pair<std::string, std::vector<const Swallowed*>>> by_section;
  for (const Swallowed& s : a.swallowed) {
    auto it = std::find_if(by_section.begin(), by_section.end(), [&](const auto& e) { return e.first == s.section; });
    if (it == by_section.end()) it = by_section.insert(by_section.end(), {s.section, {}});
    it->second.push_back(&s);
  }
  for (const auto& [section, vars] : by_section) {
    std::string list;
    for (size_t i = 0; i < vars.size() && i < kListed; ++i) list += (i ? ", " : "") + vars[i]->name;
    if (vars.size() > kListed) list += " and " + std::to_string(vars.size() - kListed) + " more";
    if (section.empty())
      v.fail("per-CPU symbol" + std::string(vars.size() > 1 ? "s " : " ") + list + " (named as per-CPU) not defined in the file",
             "define the variable (PERCPU_DEFINE) and keep it from --gc-sections (KEEP), or fix the name");
    else
      v.fail(std::to_string(vars.size()) + " per-CPU variable" + (vars.size() > 1 ? "s" : "") + " in " + quoted(section) +
                 " instead of the template " + quoted(a.names.section) + " (one copy shared by every CPU): " + list,
             "an input pattern before the block matches the per-CPU sections (e.g. *(.data .data.* .p*) or "
             "*(.percpu*)): narrow it so that only the block collects " + a.names.section + " and " + a.names.section + ".*");
  }
  return v.done();
}

Outcome areas_start_aligned(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (!a.start) return skip(missing(a.names.start));
  const uint64_t align = layout::area_align(a.layout.template_align);
  const uint64_t required = a.options.profile == Profile::percpu ? std::max(layout::kAreaBlockAlign, align) : align;
  if (a.start->value % required)
    v.fail(a.names.start + " " + hex(a.start->value) + " is not aligned to " + hex(required),
           "align it before the template: . = ALIGN(MAX(4K, ALIGNOF(" + a.names.section + ")));");
  return v.done();
}

Outcome areas_start_is_load_address(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (!a.start) return skip(missing(a.names.start));
  if (a.tmpl->type == SHT_NOBITS) return skip(kNobitsTemplate);
  if (!a.template_lma) return skip("the template is in no PT_LOAD segment, so it has no load address");
  if (is_rom(a)) return skip("ROM/flash layout: init() copies the image at " + a.names.image + " (see rom.image)");
  const uint64_t delta = a.image_delta.value_or(0);
  const uint64_t expected = *a.template_lma + delta;
  if (a.start->value != expected)
    v.fail(a.names.start + " is " + hex(a.start->value) + " but the template is loaded at " + hex(*a.template_lma) +
               ", which the image maps at " + hex(expected) + " (VMA - LMA " + hex(delta) + ")",
           "load the template at " + a.names.start + ": '" + a.names.start + " = .;' right before '" + a.names.section +
               " 0x0 : AT(" + a.names.start + ")' (translated like the sections before it)");
  return v.done();
}

// ROM/flash model: the template's image is in the file at _percpu_image (its load address), and
// nothing the program uses at run time lies on it (init() copies it into the areas).
Outcome rom_image(const Analysis& a, Verdict& v) {
  if (!is_rom(a)) return skip("not the ROM/flash layout (no " + a.names.image + " symbol away from the areas)");
  if (!a.tmpl) return skip(kNoTemplate);
  const uint64_t image = a.image->value;
  const uint64_t size = a.layout.template_size;
  const std::string hint = "store the template in the load region: .percpu 0x0 : { ... } AT> FLASH with " + a.names.image +
                           " = LOADADDR(.percpu) (percpu-ldgen writes this for MEMORY scripts)";
  if (image == 0)
    v.fail(a.names.image + " is 0: the runtime reads an absent (weak) " + a.names.image + " as 0 and would not copy the image",
           "store the image anywhere but at address 0 (put another section first in the load region)");
  if (size && !a.template_lma)
    v.fail(quoted(a.names.section) + " has no bytes in any PT_LOAD segment: the image is not in the file", hint);
  else if (size && *a.template_lma != image)
    v.fail(a.names.image + " is " + hex(image) + " but the template is loaded at " + hex(*a.template_lma), hint);
  if (a.start && a.end && overlaps(image, image + size, a.start->value, a.end->value))
    v.fail("the image [" + hex(image) + ", " + hex(image + size) + ") lies inside the areas [" + hex(a.start->value) + ", " +
               hex(a.end->value) + "): init() would copy it onto itself", hint);
  for (const ElfSection& s : a.elf.sections) {
    if (s.index == 0 || &s == a.tmpl || &s == a.areas_section || !(s.flags & SHF_ALLOC) || s.size == 0) continue;
    if (s.type == SHT_NOBITS && (s.flags & SHF_TLS)) continue;
    if (overlaps(image, image + size, s.addr, s.addr + s.size))
      v.fail("section " + s.name + " [" + hex(s.addr) + ", " + hex(s.addr + s.size) + ") lies on the image [" + hex(image) +
                 ", " + hex(image + size) + ") at run time: the image would be overwritten before init() copies it", hint);
  }
  return v.done();
}

// ROM/flash model: every byte of the areas is reserved by an allocated section (in RAM), so that
// the linker puts nothing else there.
Outcome rom_areas(const Analysis& a, Verdict& v) {
  if (!is_rom(a)) return skip("not the ROM/flash layout (no " + a.names.image + " symbol away from the areas)");
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  std::vector<std::pair<uint64_t, uint64_t>> reserved;
  for (const ElfSection& s : a.elf.sections)
    if (s.index != 0 && (s.flags & SHF_ALLOC) && !(s.flags & SHF_TLS) && s.size) reserved.emplace_back(s.addr, s.addr + s.size);
  std::sort(reserved.begin(), reserved.end());
  uint64_t covered = a.start->value;  // every byte below this is reserved
  for (const auto& [lo, hi] : reserved)
    if (lo <= covered && hi > covered) covered = hi;
  if (covered < a.end->value)
    v.fail("the areas [" + hex(a.start->value) + ", " + hex(a.end->value) + ") are reserved by no section from " + hex(covered) +
               ": the linker may place other data there",
           "reserve the areas in RAM: .percpu.areas (NOLOAD) : { . += " + (a.names.stride.empty() ? "stride" : a.names.stride) +
               " * CPU_NUM; } > RAM (percpu-ldgen writes this)");
  return v.done();
}

Outcome areas_size(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the profile has no end symbol: the areas are allocated at boot");
  if (const char* why = not_one_template(a)) return skip(why);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  const uint64_t start = a.start->value;
  const uint64_t end = a.end->value;
  const uint64_t stride = a.layout.stride;
  if (stride == 0) return skip(kZeroStride);
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
  if (const char* why = not_one_template(a)) return skip(why);
  if (is_crate(a)) return skip("the Rust crate's layout: see crate.stride_alignment");
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
  if (got == 0) why = "zero: every CPU would share one area";
  else if (got % layout::kMinAreaAlign) why = "not a multiple of 64";
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

// The Rust crate rounds the stride to 64 only: with a variable aligned above 64, CPU 1's area (and
// every odd CPU's) starts off that alignment.
Outcome crate_stride_alignment(const Analysis& a, Verdict& v) {
  if (!is_crate(a)) return skip("not the Rust crate's layout");
  const uint64_t align = a.layout.template_align;
  const uint64_t stride = a.layout.stride;
  if (stride % align == 0) return pass();
  std::string victims;
  size_t count = 0;
  for (const Variable& var : a.layout.variables)
    if (var.offset % align == 0 && ++count <= 3) victims += (victims.empty() ? "" : ", ") + var.name;
  v.fail("the Rust crate's stride " + hex(stride) + " (template " + hex(a.layout.template_size) +
             " bytes rounded to 64) is not a multiple of the template's alignment " + std::to_string(align) +
             ": on odd CPUs the variables aligned to " + std::to_string(align) + " are misaligned" +
             (victims.empty() ? "" : " (" + victims + (count > 3 ? ", ..." : "") + ")"),
         std::string("round the stride to MAX(64, ALIGNOF(.percpu)), or ") + kCrateHint);
  return v.done();
}

Outcome cpus_count(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the areas are allocated at boot: the CPU count is not in the ELF");
  if (!a.options.cpus) return skip("no CPU count given");
  if (const char* why = not_one_template(a)) return skip(why);
  if (!a.start) return skip(missing(a.names.start));
  if (!a.end) return skip(missing(a.names.end));
  if (a.layout.stride == 0) return skip(kZeroStride);
  if (a.layout.cpu_count != *a.options.cpus)
    v.fail("the areas hold " + std::to_string(a.layout.cpu_count) + " CPUs (" + hex(a.layout.areas_end - a.layout.areas_start) +
               " bytes, stride " + hex(a.layout.stride) + "), expected " + std::to_string(*a.options.cpus),
           "regenerate the block with percpu-ldgen --cpus " + std::to_string(*a.options.cpus) + " (or fix the expected CPU count)");
  return v.done();
}

bool in_segment(const ElfSegment& p, const ElfSection& s) {
  if (s.type == SHT_NOBITS || s.size == 0) return s.addr >= p.vaddr && s.addr < p.vaddr + p.memsz;
  return s.offset >= p.offset && s.offset < p.offset + p.filesz && s.addr >= p.vaddr && s.addr < p.vaddr + p.memsz;
}


// The names of the allocated sections in the segment besides the template and the areas.
std::string other_sections_in(const Analysis& a, const ElfSegment& p) {
  std::string names;
  for (const ElfSection& s : a.elf.sections)
    if (&s != a.tmpl && &s != a.areas_section && s.index != 0 && (s.flags & SHF_ALLOC) &&
        !(s.type == SHT_NOBITS && (s.flags & SHF_TLS)) && in_segment(p, s))  // empty ones too: they name it
      names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

Outcome areas_no_overlap(const Analysis& a, Verdict& v) {
  if (a.names.end.empty()) return skip("the profile has no reserved areas in the ELF");
  if (const char* why = not_one_template(a)) return skip(why);
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
    if (&s == a.tmpl || &s == a.areas_section || !occupies_image(s)) continue;
    if (overlaps(start, end, s.addr, s.addr + s.size))
      v.fail(range + " overlap section " + s.name + " [" + hex(s.addr) + ", " + hex(s.addr + s.size) + ") (VMA)", hint);
    else if (const auto lma = lma_of(a.elf, s); lma && !is_rom(a) && overlaps(lstart, lend, *lma, *lma + s.size))
      v.fail(range + " (load " + hex(lstart) + ") overlap section " + s.name + " loaded at [" + hex(*lma) + ", " +
                 hex(*lma + s.size) + ") (LMA)", hint);
  }
  // In the ROM/flash model no image is loaded at the areas (init() copies it there from the load
  // region), even when translating the image's LMA by the data's delta lands on the start symbol.
  const bool template_at_start = !is_rom(a) && a.template_lma && *a.template_lma + delta == start;
  for (size_t i = 0; i < a.elf.segments.size(); ++i) {
    const ElfSegment& p = a.elf.segments[i];
    if (p.type != PT_LOAD || p.memsz == 0) continue;
    // The template's own segment is judged by its sections (above), and so are sections inside
    // the areas. A segment may cover the other CPUs' areas (they are NOLOAD: zero-fill, or lld's
    // zero file bytes between sections, is harmless before init() copies the template), but not
    // CPU 0's area, where the template's image is loaded: it would clobber it. Only when the
    // template is loaded there (else areas.start_is_load_address reports the one mistake). The
    // finding names the segment's sections (the culprit, e.g. a .bss put in the data segment).
    if (!template_at_start || in_segment(p, *a.tmpl)) continue;
    const uint64_t cpu0 = a.tmpl->size;
    const bool by_vma = overlaps(start, start + cpu0, p.vaddr, p.vaddr + p.memsz);
    const bool by_lma = overlaps(lstart, lstart + cpu0, p.paddr, p.paddr + p.memsz);
    if (!by_vma && !by_lma) continue;
    const std::string others = other_sections_in(a, p);
    const std::string what = "PT_LOAD segment " + std::to_string(i) + (others.empty() ? "" : " (" + others + ")");
    const std::string seg_hint = others.empty() ? hint
        : "the segment of " + others + " spans the areas: give the sections after the block their own PT_LOAD "
          "(percpu-ldgen gives the next one :percpu_next), or keep them out of the block's range";
    if (by_vma)
      v.fail(range + " overlap " + what + " [" + hex(p.vaddr) + ", " + hex(p.vaddr + p.memsz) + ") (VMA)", seg_hint);
    else
      v.fail(range + " (load " + hex(lstart) + ") overlap " + what + " loaded at [" + hex(p.paddr) + ", " +
                 hex(p.paddr + p.memsz) + ") (LMA)", seg_hint);
  }
  return v.done();
}

// The PT_LOAD of a VMA-0 template when it also holds another section (it then spans from address
// 0 to that section): segments.template_alone reports it, segments.size leaves it alone.
const ElfSegment* shared_template_segment(const Analysis& a) {
  const ElfSegment* own = a.tmpl && a.tmpl->addr == 0 && a.tmpl->size ? segment_of(a.elf, *a.tmpl) : nullptr;
  if (!own) return nullptr;
  for (const ElfSection& s : a.elf.sections)
    if (&s != a.tmpl && occupies_image(s) && segment_of(a.elf, s) == own) return own;
  return nullptr;
}

Outcome segments_size(const Analysis& a, Verdict& v) {
  const ElfSegment* shared = shared_template_segment(a);
  for (size_t i = 0; i < a.elf.segments.size(); ++i) {
    const ElfSegment& p = a.elf.segments[i];
    if (p.type != PT_LOAD || &p == shared) continue;
    if (p.memsz > kMaxSegmentSize)
      v.fail("PT_LOAD segment " + std::to_string(i) + " at " + hex(p.vaddr) + " is " + hex(p.memsz) +
                 " bytes in memory (more than 4 GiB)",
             "a section after the VMA-0 template inherited its addresses, or a section reserves far too much: "
             "give it an explicit AT() or address (percpu-ldgen restates the next section's AT)");
    else if (p.filesz > p.memsz)
      v.fail("PT_LOAD segment " + std::to_string(i) + " has file size " + hex(p.filesz) + " above its memory size " + hex(p.memsz),
             "the file is corrupted or was produced by a broken tool");
  }
  return v.done();
}

// A VMA-0 template shares its PT_LOAD with nothing: another section in it means the segment
// spans from address 0 to that section (the template's VMA leaked into the segment).
Outcome segments_template_alone(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (a.tmpl->type == SHT_NOBITS) return skip(kNobitsTemplate);
  const ElfSegment* own = shared_template_segment(a);
  if (!own) return v.done();
  for (const ElfSection& s : a.elf.sections)
    if (&s != a.tmpl && occupies_image(s) && segment_of(a.elf, s) == own)
      v.fail("the PT_LOAD segment of the VMA-0 template also holds " + s.name + " at " + hex(s.addr) +
                 ": the segment spans from address 0",
             "give the template its own output section statement with AT() and restate the next section's "
             "address and AT() (percpu-ldgen does)");
  return v.done();
}

// The first allocated section after the template (and percpu-ldgen's areas) in section order keeps
// the image's VMA - LMA offset: the VMA-0 template did not leak into its load address.
Outcome segments_next_load_address(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (a.tmpl->type == SHT_NOBITS) return skip(kNobitsTemplate);
  // In a MEMORY script each region gives its sections their own VMA - LMA (ROM/flash layout).
  if (is_rom(a)) return skip("ROM/flash layout: each MEMORY region has its own VMA - LMA");
  if (!a.image_delta) return pass();  // no other loaded section: nothing can have leaked
  if (shared_template_segment(a)) return skip("the template's segment holds other sections (see segments.template_alone)");
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

// The access sequence of the zero model and how far it reaches, by architecture and reach.
struct AccessModel {
  uint64_t reach = 0;
  std::string how;
};

std::optional<AccessModel> default_access(const std::string& arch) {
  if (arch == "x86_64") return AccessModel{layout::kReachX86_64, "%gs:disp32"};
  if (arch == "aarch64") return AccessModel{layout::kReachAArch64, "movz #:abs_g0:"};
  if (arch == "riscv64" || arch == "riscv32") return AccessModel{layout::kReachRiscv, "lui %hi + %lo"};
  if (arch == "loongarch64" || arch == "loongarch32") return AccessModel{layout::kReachLoongArch, "lu12i.w + ori"};
  return std::nullopt;
}

// The recorded reach names its model where the arch has more than one.
std::string access_name(const std::string& arch, uint64_t reach, const std::string& fallback) {
  if (arch == "aarch64" && reach == layout::kReachAArch64Large) return "movz #:abs_g1: + movk #:abs_g0_nc: (PERCPU_AARCH64_LARGE_OFFSETS)";
  if (arch == "aarch64" && reach == layout::kReachAArch64) return "movz #:abs_g0: (the default; PERCPU_AARCH64_LARGE_OFFSETS reaches 4 GiB)";
  return fallback;
}

// Variables (first three) whose bytes end past reach, among those starting below `below`.
std::string past(const Layout& l, uint64_t reach, uint64_t below, size_t& count) {
  std::string names;
  count = 0;
  for (const Variable& var : l.variables)
    if (var.offset < below && var.offset + var.size > reach && ++count <= 3)
      names += (names.empty() ? "" : ", ") + var.name + " at " + hex(var.offset) + " (" + std::to_string(var.size) + " bytes)";
  return count > 3 ? names + ", ..." : names;
}

Outcome reach_arch(const Analysis& a, Verdict& v) {
  if (const char* why = not_one_template(a)) return skip(why);
  if (a.layout.model != layout::AddressModel::zero) return skip("delta model: variables are reached by ordinary addresses");
  const std::string& arch = a.layout.arch;
  const std::optional<AccessModel> fallback = default_access(arch);
  const std::optional<uint64_t> recorded = a.elf.reach.template_access;
  if (!fallback && !recorded) return skip("no reach limit is known for " + arch + " and the file records none");
  const uint64_t reach = recorded.value_or(fallback ? fallback->reach : 0);
  const std::string how = access_name(arch, reach, fallback ? fallback->how : "the recorded access");
  const std::string source = recorded ? std::string("recorded in ") + layout::kReachNoteSection + ", the minimum over the linked units"
                                      : "no reach record in the file: " + arch + "'s default";
  size_t count = 0;
  const std::string names = past(a.layout, reach, ~uint64_t{0}, count);
  const std::string hint = arch == "aarch64" && reach < layout::kReachAArch64Large
                               ? "compile every unit with -DPERCPU_AARCH64_LARGE_OFFSETS (one unit without it limits the "
                                 "file to 64 KiB), or make per-CPU data smaller"
                               : "make per-CPU data smaller (per-CPU pointers to big buffers)";
  if (count)
    v.fail(std::to_string(count) + " per-CPU variable" + (count > 1 ? "s end" : " ends") + " past offset " + hex(reach) + ", the reach of " +
               arch + "'s access " + how + " (" + source + "): " + names, hint);
  else if (a.layout.variables.empty() && a.layout.template_size > reach)
    v.fail("the template is " + hex(a.layout.template_size) + " bytes; " + arch + "'s access " + how + " reaches " + hex(reach) +
               " (" + source + ")", hint);
  return v.done();
}

// The hot part (PERCPU_DEFINE_HOT, first in the template) must end within the short access's reach.
Outcome reach_hot(const Analysis& a, Verdict& v) {
  if (!a.tmpl) return skip(kNoTemplate);
  if (!a.hot_end) return skip("no " + a.names.hot_end + " symbol: no hot part");
  if (a.layout.model != layout::AddressModel::zero) return skip("delta model: the short hot access exists in the zero model only");
  const std::optional<uint64_t> recorded = a.elf.reach.hot_access;
  const uint64_t reach = recorded.value_or(layout::kHotReach);
  const std::string source = recorded ? std::string("recorded in ") + layout::kReachNoteSection : "the contract's kHotReach, no record in the file";
  const uint64_t hot_end = a.hot_end->value - a.tmpl->addr;
  if (a.hot_end->value < a.tmpl->addr || hot_end > reach) {
    size_t count = 0;
    const std::string names = past(a.layout, reach, hot_end, count);
    v.fail("the hot part ends at offset " + hex(hot_end) + ", past the hot access's reach " + hex(reach) + " (" + source + ")" +
               (count ? ": " + names : ""),
           "define fewer or smaller hot variables (PERCPU_DEFINE_HOT), or make the big ones ordinary PERCPU_DEFINE");
  }
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
    {"crate.template_progbits", crate_template_progbits},
    {"template.address_model", template_address_model},
    {"symbols.present", symbols_present},
    {"symbols.load_range", symbols_load_range},
    {"variables.inside", variables_inside},
    {"variables.swallowed", variables_swallowed},
    {"areas.start_aligned", areas_start_aligned},
    {"areas.start_is_load_address", areas_start_is_load_address},
    {"rom.image", rom_image},
    {"rom.areas", rom_areas},
    {"areas.size", areas_size},
    {"stride.alignment", stride_alignment},
    {"reserve.inside", reserve_inside},
    {"crate.stride_alignment", crate_stride_alignment},
    {"cpus.count", cpus_count},
    {"areas.no_overlap", areas_no_overlap},
    {"segments.size", segments_size},
    {"segments.template_alone", segments_template_alone},
    {"segments.next_load_address", segments_next_load_address},
    {"reach.arch", reach_arch},
    {"reach.hot", reach_hot},
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
