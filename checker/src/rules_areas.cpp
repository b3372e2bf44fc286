// The areas: areas.*, rom.*, stride.alignment, reserve.inside, crate.stride_alignment, cpus.count.
// One function per rule id (docs/percpu-check.md documents each id, its message and its fix).
#include <elf.h>

#include <algorithm>

#include "rule_kit.hpp"

namespace percpu::check::detail {

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

namespace {

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

}  // namespace

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
  // Nor is a NOBITS template's (template.progbits reports that one mistake; GNU ld gives a NOLOAD
  // template stored in RAM the load address where the areas then start).
  const bool template_at_start = !is_rom(a) && a.tmpl->type != SHT_NOBITS && a.template_lma &&
                                 *a.template_lma + delta == start;
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


}  // namespace percpu::check::detail
