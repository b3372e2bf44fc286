// percpu/check.hpp - percpu-check: verify and inspect the per-CPU layout of a linked ELF file.
//
// The file is read through a bounded view (headers, section table and symbol table only, every
// offset checked against the file size; the template's variables kept compactly, see Variables),
// handed to LIEF as a small ELF, turned into a layout model and checked rule by rule. The rules are the relationships of
// docs/layout-contract.md (percpu/layout.hpp); docs/percpu-check.md lists every rule id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "percpu/error.hpp"
#include "percpu/layout.hpp"

// GNU dialects predefine `linux` as a macro, which would turn Profile::linux into a number.
#ifdef linux
#undef linux
#endif

namespace percpu::check {

// Which names the template and its symbols have (percpu::layout::kPercpuNames / kLinuxNames).
enum class Profile { percpu, linux };

// A layout's section and symbol names as text (the contract's percpu::layout::BasicNames).
using Names = percpu::layout::BasicNames<std::string>;

struct Options {
  std::optional<unsigned> cpus;  // the CPU count the layout must have (rule cpus.count): 1 to kMaxCpus
  Profile profile = Profile::percpu;
  std::vector<std::string> hot;  // glob patterns (fnmatch) of hot variables, for false-sharing hints
  // Symbols the user says are per-CPU variables (exact ELF names) besides PERCPU_DEFINE's storage
  // symbols: each must be defined inside the template (rule variables.swallowed).
  std::vector<std::string> percpu_symbols;
  // Overrides of the profile's names (the CLI's --section, --start-symbol, ...; Python's section=,
  // start_symbol=, ...); an empty one is the profile's name.
  Names names;
};

// One per-CPU variable: a symbol of the template section that is an object or has a size.
struct Variable {
  std::string name;    // demangled, without `percpu_storage::` components
  std::string symbol;  // the ELF symbol as linked
  uint64_t offset = 0;  // from the template's start: the same in every CPU's area
  uint64_t size = 0;
  // The alignment the layout guarantees: the largest power of two dividing the offset, capped by
  // the template's alignment (every area base is aligned to at least that).
  uint64_t align = 0;
  uint64_t cache_line = 0;      // offset / 64
  uint64_t padding_before = 0;  // unused bytes between the previous variable's end and this one
  bool hot = false;             // matched one of Options::hot
  // Copied from the layout so that a Variable answers address_on() alone.
  uint64_t area_base = 0;
  uint64_t area_stride = 0;

  [[nodiscard]] uint64_t address_on(uint64_t cpu) const { return area_base + cpu * area_stride + offset; }
};

namespace detail {
// One variable as Variables stores it: 24 bytes, its names in the table's string pools. The
// checker's bounded ELF view and layout model fill these; nothing else needs to.
struct VariableRecord {
  uint64_t offset = 0;  // from the template's start
  uint64_t size = 0;
  uint32_t symbol = 0;  // the ELF name: offset of a NUL-terminated string in the symbol pool
  // Bit 31: hot. Bits 0-30: 0 when the display name is the symbol itself, else 1 + the offset of
  // the display name (demangled, `percpu_storage::` removed) in the name pool.
  uint32_t name = 0;
};
class VariablesBuilder;
}  // namespace detail

// The per-CPU variables of a layout, by offset: a compact table that makes each Variable when it
// is read. A kernel may have a million per-CPU variables; held as Variable objects (two strings
// and eight integers each) they took ~240 bytes apiece, here they take 24 bytes plus the symbol's
// name once (a second, demangled name only when it differs, as for C++). What a Variable derives
// from the layout (align, cache_line, padding_before, area_base, area_stride) is computed on read.
//
// It reads like a const std::vector<Variable>, except that elements are values:
//
//   const percpu::check::Layout l = percpu::check::inspect("kernel.elf", {});
//   for (const percpu::check::Variable& v : l.variables)      // v: made for this iteration
//     std::printf("%s at +%#llx\n", v.name.c_str(), (unsigned long long)v.offset);
//   if (!l.variables.empty()) {
//     const percpu::check::Variable last = l.variables.back();   // the one at the highest offset
//     uint64_t end = last.offset + last.size;
//   }
//
// A `const Variable&` bound to an element lives for that statement or loop step only: copy the
// Variable to keep it. Ordered by offset, then symbol name, then size (aliases at one offset keep a
// stable order).
class Variables {
 public:
  // An input iterator: *it is a Variable made on the spot (`for (const Variable& v : vars)` works).
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Variable;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Variable;

    iterator() = default;
    [[nodiscard]] Variable operator*() const { return (*table_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.table_ == b.table_ && a.index_ == b.index_; }
    friend bool operator!=(const iterator& a, const iterator& b) { return !(a == b); }

   private:
    friend class Variables;
    iterator(const Variables* table, size_t index) : table_(table), index_(index) {}
    const Variables* table_ = nullptr;
    size_t index_ = 0;
  };
  using const_iterator = iterator;
  using value_type = Variable;
  using size_type = size_t;

  Variables() = default;  // no variables

  [[nodiscard]] size_t size() const noexcept { return records_.size(); }
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  // The i-th variable by offset (i < size()).
  [[nodiscard]] Variable operator[](size_t i) const;
  // As operator[], but throws std::out_of_range when i >= size().
  [[nodiscard]] Variable at(size_t i) const;
  [[nodiscard]] Variable front() const { return (*this)[0]; }
  [[nodiscard]] Variable back() const { return (*this)[size() - 1]; }
  [[nodiscard]] iterator begin() const { return {this, 0}; }
  [[nodiscard]] iterator end() const { return {this, size()}; }

 private:
  friend class detail::VariablesBuilder;
  // The end of the bytes of every variable before i (the max of offset + size): what
  // padding_before is measured from.
  uint64_t covered_before(size_t i) const;

  std::vector<detail::VariableRecord> records_;  // by offset
  std::vector<char> symbols_;                    // NUL-terminated ELF names (the string table, or the used part of it)
  std::vector<char> names_;                      // NUL-terminated display names that differ from their symbol
  // covered_before(i) where it is not the end of variable i - 1 (an earlier variable reaches further:
  // aliases, overlapping symbols), by index. Empty for an ordinary template.
  std::vector<std::pair<size_t, uint64_t>> covered_;
  uint64_t template_align_ = 1;  // the layout's, for Variable::align
  uint64_t area_base_ = 0;       // Layout::areas_start
  uint64_t area_stride_ = 0;     // Layout::stride
};

// Which layout the ELF has, recognised from its symbols (docs/layout-contract.md).
enum class LayoutKind {
  percpu,      // percpu-ldgen's block: template, then the other areas (.percpu.areas)
  rom,         // the ROM/flash model: image at _percpu_image in the load region, areas in RAM
  rust_crate,  // the Rust crate `percpu`'s fragment: the areas inside .percpu, stride rounded to 64
  linux,       // profile linux: the areas are allocated at boot
};

struct Layout {
  std::string arch;       // "x86_64", "aarch64", "riscv64", "riscv32", "loongarch64", "machine-N"
  unsigned elf_class = 0; // 32 or 64
  percpu::layout::AddressModel model = percpu::layout::AddressModel::zero;
  LayoutKind kind = LayoutKind::percpu;
  uint64_t template_vma = 0;
  uint64_t template_lma = 0;
  uint64_t template_size = 0;  // the template's bytes (rust-crate: without the areas in the section)
  uint64_t template_align = 0;
  // The distance between two CPUs' areas: the ELF's stride symbol when it has one (so that a wrong
  // one shows), else percpu::layout::stride(template_size, template_align).
  uint64_t stride = 0;
  uint64_t areas_start = 0;  // CPU 0's area (the start symbol)
  uint64_t areas_end = 0;    // end of the reserved areas (linux: end of the template image)
  uint64_t cpu_count = 0;    // (areas_end - areas_start) / stride; 0 when the ELF does not say (linux)
  std::vector<uint64_t> areas;  // base of each CPU's area; empty when cpu_count > kMaxListedAreas
  // The dynamic reserve (percpu-ldgen --reserve): its offset in every area and its size, from the
  // absolute symbols layout::kReserveOffsetSymbol / kReserveSizeSymbol; both 0 without them.
  // CPU n's reserve starts at areas[n] + reserve_offset (reserve_address()).
  bool has_reserve = false;
  uint64_t reserve_offset = 0;
  uint64_t reserve_size = 0;
  [[nodiscard]] uint64_t reserve_address(uint64_t cpu) const { return areas_start + cpu * stride + reserve_offset; }
  Variables variables;  // by offset
};

// More areas than this are counted but not listed (a corrupted end symbol must not allocate GBs).
inline constexpr uint64_t kMaxListedAreas = uint64_t{1} << 16;

// A rule that failed.
struct Finding {
  std::string rule;     // the rule id, e.g. "template.progbits"
  std::string message;  // one line: what is wrong, with the values
  std::string hint;     // one line: how to fix it
};

enum class RuleStatus { pass, fail, skip };

// Every rule's outcome, in the documented order; a skipped rule says why.
struct RuleResult {
  std::string id;
  RuleStatus status = RuleStatus::pass;
  std::string reason;  // why it was skipped (empty otherwise)
};

struct Report {
  std::string file;
  Layout layout;
  std::vector<Finding> findings;  // failed rules, in rule order
  std::vector<RuleResult> rules;
  bool ok() const { return findings.empty(); }
};

// The bytes are not an ELF file the checker can read (not ELF, truncated, corrupted, unsupported
// class or byte order). what() is one line: "<file>: <reason>". A file that cannot be opened or
// read at all (missing, a directory) is a percpu::IoError instead, with the same one-line what().
class ElfError : public percpu::Error {
 public:
  ElfError(std::string path, std::string reason)
      : percpu::Error(path + ": " + reason), path_(std::move(path)), reason_(std::move(reason)) {}
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

// "0x1f": how the reports, the messages and the Python reprs write addresses and sizes.
[[nodiscard]] std::string hex(uint64_t value);

// The ids of every rule, in the order they run and are reported.
[[nodiscard]] const std::vector<std::string>& rule_ids();

// Errors (percpu/error.hpp): ElfError, percpu::IoError for the file, percpu::InvalidArgument for
// the options (cpus out of range).

// The layout of the file (no verdict).
[[nodiscard]] Layout inspect(const std::string& path, const Options& options);

// The layout and every rule's outcome.
[[nodiscard]] Report check(const std::string& path, const Options& options);

// check() on bytes in memory (unit tests, fuzzers); name stands for the file in messages.
[[nodiscard]] Report check_bytes(const uint8_t* data, size_t size, const std::string& name,
                                 const Options& options);

// The CLI's outputs: --format json (schema "percpu-check/1", docs/percpu-check.md) and the table.
[[nodiscard]] std::string to_json(const Report& report);
[[nodiscard]] std::string to_text(const Report& report);
// Only the failing rules' lines of the table (--quiet).
[[nodiscard]] std::string failures_to_text(const Report& report);
// to_json(report) written to out as it is produced (no document tree, no string of it all: the
// CLI's --format json, whose memory stays bounded with a million variables).
void write_json(std::ostream& out, const Report& report);
void write_text(std::ostream& out, const Report& report);  // to_text(report), streamed likewise
// The "kind" of a layout in reports and JSON: "percpu", "rom", "rust-crate", "linux".
[[nodiscard]] const char* kind_name(LayoutKind kind);
// The "layout" member of that document, and one of its "variables" (Python's to_dict()).
[[nodiscard]] std::string to_json(const Layout& layout);
[[nodiscard]] std::string to_json(const Variable& variable);

// The layout as a picture (docs/percpu-check.md, "The picture"): the template drawn as 64-byte
// cache lines, one <g> with a <title> per variable, padding and false-sharing hints in colour,
// the stride and the areas. A static SVG document (no scripts, fonts, links or images), and an
// HTML page around it with the verdict and a legend (--format svg / html).
[[nodiscard]] std::string to_svg(const Layout& layout);
[[nodiscard]] std::string to_html(const Report& report);

// --format junit: a JUnit XML report, one testcase per rule (rule_ids() order); a failure carries
// each finding's message and hint, a skipped rule its reason (docs/percpu-check.md).
[[nodiscard]] std::string to_junit(const Report& report);

}  // namespace percpu::check
