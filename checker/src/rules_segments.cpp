// The program headers and the access sequences' reach: segments.*, reach.*.
// One function per rule id (docs/percpu-check.md documents each id, its message and its fix).
#include <elf.h>

#include <algorithm>
#include <optional>

#include "rule_kit.hpp"

namespace percpu::check::detail {

namespace {

// The PT_LOAD of a VMA-0 template when it also holds another section (it then spans from address
// 0 to that section): segments.template_alone reports it, segments.size leaves it alone.
const ElfSegment* shared_template_segment(const Analysis& a) {
  const ElfSegment* own = a.tmpl && a.tmpl->addr == 0 && a.tmpl->size ? segment_of(a.elf, *a.tmpl) : nullptr;
  if (!own) return nullptr;
  for (const ElfSection& s : a.elf.sections)
    if (&s != a.tmpl && occupies_image(s) && segment_of(a.elf, s) == own) return own;
  return nullptr;
}

}  // namespace

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

namespace {

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

}  // namespace

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


}  // namespace percpu::check::detail
