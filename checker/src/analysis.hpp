// The layout model: an ElfModel read with a profile's names, turned into the Layout the rules,
// the reports and the Python binding share, plus the facts the rules need beyond it.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "elf_model.hpp"
#include "percpu/check.hpp"

namespace percpu::check::detail {

// The profile's names with the options' overrides applied; an empty name does not exist.
Names names_for(const Options& options);

// A per-CPU variable (PERCPU_DEFINE's storage or a symbol named in Options::percpu_symbols)
// that the link put outside the template, or a named one that is not defined at all.
struct Swallowed {
  std::string symbol;   // the ELF symbol
  std::string name;     // demangled
  std::string section;  // where it went; empty: not defined in the file
};

struct Analysis {
  ElfModel elf;
  Options options;
  Names names;
  std::vector<const ElfSection*> templates;    // every section named names.section
  const ElfSection* tmpl = nullptr;            // the first of them
  const ElfSection* areas_section = nullptr;   // "<section>.areas" (percpu-ldgen's NOLOAD areas)
  const ElfSymbol* start = nullptr;            // defined symbols of the profile (nullptr: missing)
  const ElfSymbol* end = nullptr;
  const ElfSymbol* load_start = nullptr;
  const ElfSymbol* load_end = nullptr;
  const ElfSymbol* stride = nullptr;
  const ElfSymbol* reserve_offset = nullptr;   // layout::kReserveOffsetSymbol (percpu profile only)
  const ElfSymbol* reserve_size = nullptr;     // layout::kReserveSizeSymbol
  const ElfSymbol* image = nullptr;            // defined: the ROM/flash model
  const ElfSymbol* hot_end = nullptr;
  std::optional<uint64_t> template_lma;        // when a PT_LOAD holds the template
  std::optional<uint64_t> image_delta;         // VMA - LMA of the rest of the image
  std::vector<Swallowed> swallowed;             // per-CPU variables outside every template section
  Layout layout;
};

// Marks what the bounded view must keep of the symbol table to find swallowed variables: the
// mangled form of PERCPU_DEFINE's storage namespace (a nested-name component).
std::string storage_symbol_marker();

// Builds the analysis (and its layout); never throws for layouts that break rules.
Analysis analyze(ElfModel elf, const Options& options);

// A section that takes address space in the image: allocated, not empty, not the null section and
// not .tbss (NOBITS TLS: its addresses are each thread's, not the image's). The sections the
// layout's addresses are compared with.
bool occupies_image(const ElfSection& section);

// The PT_LOAD segment that holds the section (by address and, for file-backed sections, offset).
const ElfSegment* segment_of(const ElfModel& elf, const ElfSection& section);
std::optional<uint64_t> lma_of(const ElfModel& elf, const ElfSection& section);

// Variables marked hot that share a 64-byte line with another variable, for the reports.
struct FalseSharing {
  std::string variable;
  uint64_t first_line = 0;
  uint64_t last_line = 0;
  std::vector<std::string> shared_with;
};
std::vector<FalseSharing> false_sharing(const Layout& layout);

std::string demangle(const std::string& symbol);

// The rules part of the table; failures_only: just the FAIL lines (--quiet).
void write_rules(std::ostream& out, const Report& report, bool failures_only);

// Runs every rule in rule_ids() order.
void run_rules(const Analysis& analysis, Report& report);

}  // namespace percpu::check::detail
