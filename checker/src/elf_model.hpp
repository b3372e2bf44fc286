// The ELF facts percpu-check works on: plain values, filled by the LIEF adapter from the bounded
// view's small ELF, with the file-only fields (offsets, file sizes, masked types) restored from the
// original headers and what the view reads itself (the template's symbols, the reach records).
// Nothing else in the checker sees LIEF or raw ELF bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "percpu/check.hpp"

namespace percpu::check::detail {

struct ElfSection {
  unsigned index = 0;
  std::string name;
  uint32_t type = 0;  // SHT_*
  uint64_t flags = 0; // SHF_*
  uint64_t addr = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t align = 0;
};

struct ElfSegment {
  uint32_t type = 0;  // PT_*
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t paddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
};

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;  // STT_*
  uint16_t shndx = 0;
};

// The reach records of .note.percpu.reach (layout.hpp "Reach record"): the minimum per kind over
// every translation unit's note; absent when no unit recorded that kind.
struct ReachRecords {
  std::optional<uint64_t> template_access;
  std::optional<uint64_t> hot_access;
};

// The variables' raw material, read by the bounded view (not by LIEF, which would build an object
// per symbol): the symbols of the first template section that are objects or have a size (not
// section, file or label symbols), in symbol-table order. Each record has its offset (value - the
// section's address), size and name (`symbol`, an offset into `strings`); `name` is 0.
struct TemplateSymbols {
  std::vector<VariableRecord> records;
  std::vector<char> strings;  // NUL-terminated names: the string table, or only the part the records use
};

struct ElfModel {
  unsigned elf_class = 0;  // 32 or 64
  uint16_t machine = 0;    // EM_*
  std::vector<ElfSection> sections;  // by index (index 0 is the null section)
  std::vector<ElfSegment> segments;  // the program headers, in order
  // The defined symbols the bounded view selected from .symtab (the layout's names, the user's
  // per-CPU names, the runtime's storage symbols outside the template), without the null symbol.
  std::vector<ElfSymbol> symbols;
  TemplateSymbols template_symbols;  // the per-CPU variables' symbols (read by the bounded view)
  ReachRecords reach;                // read by the bounded view
};

}  // namespace percpu::check::detail
