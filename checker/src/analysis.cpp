// The layout model (see analysis.hpp).
#include "analysis.hpp"

#include "variables.hpp"

#include <cxxabi.h>
#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace percpu::check::detail {
namespace {

constexpr uint16_t kEmLoongArch = 258;  // EM_LOONGARCH (not in every <elf.h>)
constexpr uint64_t kCacheLine = 64;

std::string arch_name(uint16_t machine, unsigned elf_class) {
  switch (machine) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_RISCV: return elf_class == 32 ? "riscv32" : "riscv64";
    case kEmLoongArch: return elf_class == 32 ? "loongarch32" : "loongarch64";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    default: return "machine-" + std::to_string(machine);
  }
}

std::string or_default(const std::string& value, const char* fallback) {
  return !value.empty() ? value : (fallback ? fallback : "");
}

const ElfSymbol* find_defined(const ElfModel& elf, const std::string& name) {
  if (name.empty()) return nullptr;
  for (const ElfSymbol& s : elf.symbols)
    if (s.shndx != SHN_UNDEF && s.name == name) return &s;
  return nullptr;
}

constexpr const char* kInitializerSuffix = "_percpu_initializer_must_be_a_constant_expression";

// Only mangled names (_Z...): __cxa_demangle also reads a bare type encoding, so a C variable
// named `x` or `i` would otherwise be shown as "long long" or "int".
std::string demangled_or_raw(const std::string& symbol) {
  if (symbol.rfind("_Z", 0) != 0) return symbol;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status),
                                                   std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : symbol;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// PERCPU_DEFINE's storage object: a data object with a `percpu_storage::` component in its
// demangled name (not the constexpr initializer that lives next to it in .rodata).
bool is_runtime_storage(const ElfSymbol& s) {
  if (s.type != STT_OBJECT || s.name.rfind("_Z", 0) != 0) return false;
  const std::string name = demangled_or_raw(s.name);
  if (ends_with(name, kInitializerSuffix)) return false;
  const std::string component = std::string(percpu::layout::kStorageNamespace) + "::";
  for (size_t at = name.find(component); at != std::string::npos; at = name.find(component, at + 1))
    if (at == 0 || (at >= 2 && name.compare(at - 2, 2, "::") == 0) || name[at - 1] == ' ') return true;
  return false;
}

std::string section_name(const ElfModel& elf, uint16_t shndx) {
  if (shndx == SHN_ABS) return "*ABS*";
  if (shndx < elf.sections.size()) return elf.sections[shndx].name;
  return "section " + std::to_string(shndx);
}

// Every per-CPU variable outside the template: storage symbols by their namespace, the user's by
// name (a named symbol that is not defined at all is reported too: --gc-sections may drop it).
void find_swallowed(Analysis& a) {
  auto in_template = [&](const ElfSymbol& s) {
    for (const ElfSection* t : a.templates)
      if (s.shndx == t->index) return true;
    return false;
  };
  const std::set<std::string> named(a.options.percpu_symbols.begin(), a.options.percpu_symbols.end());
  std::set<std::string> seen;
  for (const ElfSymbol& s : a.elf.symbols) {
    if (s.shndx == SHN_UNDEF || !(named.count(s.name) || is_runtime_storage(s))) continue;
    seen.insert(s.name);
    if (!in_template(s)) a.swallowed.push_back({s.name, demangle(s.name), section_name(a.elf, s.shndx)});
  }
  for (const std::string& name : named)
    if (!seen.count(name)) a.swallowed.push_back({name, demangle(name), ""});
}

bool contains(const ElfSegment& p, const ElfSection& s) {
  if (p.type != PT_LOAD) return false;
  if (s.addr < p.vaddr || s.addr - p.vaddr > p.memsz || s.size > p.memsz - (s.addr - p.vaddr)) return false;
  if (s.type == SHT_NOBITS || s.size == 0) return true;
  return s.offset >= p.offset && s.offset - p.offset < p.filesz;
}

// The template's variables, from the symbols the bounded view collected (moved, not copied).
void build_variables(Analysis& a) {
  a.layout.variables = VariablesBuilder::build(std::move(a.elf.template_symbols), a.layout, a.options.hot);
}

// VMA - LMA of the image around the template: that of the last allocated section before it that
// is loaded (the section percpu-ldgen translates the block's AT()s like), else of the first one
// after it. 0 for an identity-mapped kernel, 0xffffffff80000000 for a typical higher-half one.
std::optional<uint64_t> image_delta(const Analysis& a) {
  auto delta_of = [&](const ElfSection& s) -> std::optional<uint64_t> {
    if (&s == a.tmpl || &s == a.areas_section || !occupies_image(s)) return std::nullopt;
    const std::optional<uint64_t> lma = lma_of(a.elf, s);
    if (!lma) return std::nullopt;
    return s.addr - *lma;
  };
  const unsigned pivot = a.tmpl ? a.tmpl->index : 0;
  for (size_t i = std::min<size_t>(pivot, a.elf.sections.size()); i-- > 0;)
    if (const auto d = delta_of(a.elf.sections[i])) return d;
  for (size_t i = pivot; i < a.elf.sections.size(); ++i)
    if (const auto d = delta_of(a.elf.sections[i])) return d;
  return std::nullopt;
}

// The Rust crate's fragment puts the areas inside the template's output section: no stride
// symbol, no areas section, _percpu_end - _percpu_start == SIZEOF(.percpu), and the section is
// larger than [_percpu_load_start, _percpu_load_end) (at least one area beyond the template).
bool is_rust_crate(const Analysis& a) {
  if (a.options.profile != Profile::percpu || !a.tmpl || a.stride || a.areas_section || a.image) return false;
  if (!a.start || !a.end || !a.load_start || !a.load_end) return false;
  if (a.load_start->value != a.tmpl->addr || a.load_end->value < a.load_start->value) return false;
  const uint64_t bytes = a.load_end->value - a.load_start->value;
  return a.end->value > a.start->value && a.end->value - a.start->value == a.tmpl->size && a.tmpl->size > bytes;
}

LayoutKind layout_kind(const Analysis& a) {
  if (a.options.profile == Profile::linux) return LayoutKind::linux;
  // _percpu_image at the start symbol: the template is loaded in place as CPU 0's area (a script
  // whose MEMORY has one RAM region); the runtime copies nothing from it: the ordinary layout.
  if (a.image && !(a.start && a.image->value == a.start->value)) return LayoutKind::rom;
  return is_rust_crate(a) ? LayoutKind::rust_crate : LayoutKind::percpu;
}

}  // namespace

bool occupies_image(const ElfSection& s) {
  if (s.index == 0 || !(s.flags & SHF_ALLOC) || s.size == 0) return false;
  return !(s.type == SHT_NOBITS && (s.flags & SHF_TLS));
}

}  // namespace percpu::check::detail

namespace percpu::check {

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace percpu::check

namespace percpu::check::detail {
std::string storage_symbol_marker() {
  const std::string ns = percpu::layout::kStorageNamespace;
  return std::to_string(ns.size()) + ns;
}

std::string demangle(const std::string& symbol) {
  std::string name = demangled_or_raw(symbol);
  const std::string storage = std::string(percpu::layout::kStorageNamespace) + "::";
  for (size_t at = name.find(storage); at != std::string::npos; at = name.find(storage, at))
    name.erase(at, storage.size());
  return name;
}

Names names_for(const Options& options) {
  const percpu::layout::Names& base =
      options.profile == Profile::linux ? percpu::layout::kLinuxNames : percpu::layout::kPercpuNames;
  const Names& o = options.names;
  return {or_default(o.section, base.section),       or_default(o.start, base.start),
          or_default(o.end, base.end),               or_default(o.load_start, base.load_start),
          or_default(o.load_end, base.load_end),     or_default(o.stride, base.stride),
          or_default(o.image, base.image),           or_default(o.hot_end, base.hot_end)};
}

const ElfSegment* segment_of(const ElfModel& elf, const ElfSection& section) {
  for (const ElfSegment& p : elf.segments)
    if (contains(p, section)) return &p;
  return nullptr;
}

std::optional<uint64_t> lma_of(const ElfModel& elf, const ElfSection& section) {
  const ElfSegment* p = segment_of(elf, section);
  if (!p) return std::nullopt;
  return p->paddr + (section.addr - p->vaddr);
}

Analysis analyze(ElfModel elf, const Options& options) {
  Analysis a;
  a.elf = std::move(elf);
  a.options = options;
  a.names = names_for(options);
  for (const ElfSection& s : a.elf.sections) {
    if (s.index == 0) continue;
    if (s.name == a.names.section) a.templates.push_back(&s);
    if (s.name == a.names.section + ".areas" && !a.areas_section) a.areas_section = &s;
  }
  a.tmpl = a.templates.empty() ? nullptr : a.templates.front();
  a.start = find_defined(a.elf, a.names.start);
  a.end = find_defined(a.elf, a.names.end);
  a.load_start = find_defined(a.elf, a.names.load_start);
  a.load_end = find_defined(a.elf, a.names.load_end);
  a.stride = find_defined(a.elf, a.names.stride);
  if (options.profile == Profile::percpu) {
    a.reserve_offset = find_defined(a.elf, percpu::layout::kReserveOffsetSymbol);
    a.reserve_size = find_defined(a.elf, percpu::layout::kReserveSizeSymbol);
  }
  a.image = find_defined(a.elf, a.names.image);
  a.hot_end = find_defined(a.elf, a.names.hot_end);
  a.image_delta = image_delta(a);
  find_swallowed(a);

  Layout& l = a.layout;
  l.arch = arch_name(a.elf.machine, a.elf.elf_class);
  l.elf_class = a.elf.elf_class;
  l.kind = layout_kind(a);
  if (!a.tmpl) return a;
  a.template_lma = a.tmpl->size ? lma_of(a.elf, *a.tmpl) : std::nullopt;
  l.template_vma = a.tmpl->addr;
  l.template_lma = a.template_lma.value_or(a.tmpl->addr);
  l.template_size = l.kind == LayoutKind::rust_crate ? a.load_end->value - a.load_start->value : a.tmpl->size;
  l.template_align = std::max<uint64_t>(a.tmpl->align, 1);
  l.model = l.template_vma == 0 ? percpu::layout::AddressModel::zero : percpu::layout::AddressModel::delta;
  const uint64_t contract_align = percpu::layout::is_power_of_two(l.template_align) ? l.template_align : 1;
  // The ELF's stride when it has one, even 0 (stride.alignment reports it with that value).
  if (l.kind == LayoutKind::rust_crate) l.stride = percpu::layout::crate_stride(l.template_size);
  else l.stride = a.stride ? a.stride->value : percpu::layout::stride(l.template_size, contract_align);
  l.has_reserve = a.reserve_offset && a.reserve_size;
  l.reserve_offset = l.has_reserve ? a.reserve_offset->value : 0;
  l.reserve_size = l.has_reserve ? a.reserve_size->value : 0;
  l.areas_start = a.start ? a.start->value : l.template_lma;
  if (a.end) {
    l.areas_end = a.end->value;
    l.cpu_count = l.areas_end > l.areas_start && l.stride ? (l.areas_end - l.areas_start) / l.stride : 0;
  } else {
    l.areas_end = l.areas_start + l.template_size;  // linux: only the template's image is in the ELF
  }
  // A count above the most CPUs a layout can reserve comes from a broken or corrupted file
  // (cpus.count / areas.size say so): listing 2^20 bases of it made a 18 KB file a 25 MB report.
  if (l.cpu_count <= kMaxListedAreas)
    for (uint64_t cpu = 0; cpu < l.cpu_count; ++cpu) l.areas.push_back(l.areas_start + cpu * l.stride);
  build_variables(a);
  return a;
}

std::vector<FalseSharing> false_sharing(const Layout& layout) {
  std::vector<FalseSharing> out;
  auto last_line = [](const Variable& v) { return (v.offset + (v.size ? v.size - 1 : 0)) / kCacheLine; };
  const Variables& vars = layout.variables;
  for (size_t h = 0; h < vars.size(); ++h) {
    const Variable hot = vars[h];
    if (!hot.hot) continue;
    FalseSharing f{hot.name, hot.cache_line, last_line(hot), {}};
    for (size_t o = 0; o < vars.size(); ++o) {
      const Variable other = vars[o];
      if (o == h || (other.offset == hot.offset && other.symbol == hot.symbol)) continue;
      if (other.cache_line <= f.last_line && last_line(other) >= f.first_line) f.shared_with.push_back(other.name);
    }
    if (!f.shared_with.empty()) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace percpu::check::detail
