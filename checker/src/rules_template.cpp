// The template, the layout's symbols and the variables: template.*, crate.template_progbits, symbols.*, variables.*.
// One function per rule id (docs/percpu-check.md documents each id, its message and its fix).
#include <elf.h>

#include <algorithm>

#include "rule_kit.hpp"

namespace percpu::check::detail {

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


}  // namespace percpu::check::detail
