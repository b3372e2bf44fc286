// The ELF facts percpu-check works on: plain values, filled by the LIEF adapter from the bounded
// view's small ELF, with the file-only fields (offsets, file sizes, masked types) restored from the
// original headers. Nothing else in the checker sees LIEF or raw ELF bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  uint8_t bind = 0;  // STB_*
  uint16_t shndx = 0;
};

// The reach records of .note.percpu.reach (layout.hpp "Reach record"): the minimum per kind over
// every translation unit's note; absent when no unit recorded that kind.
struct ReachRecords {
  std::optional<uint64_t> template_access;
  std::optional<uint64_t> hot_access;
};

struct ElfModel {
  unsigned elf_class = 0;  // 32 or 64
  uint16_t machine = 0;    // EM_*
  uint64_t entry = 0;
  std::vector<ElfSection> sections;  // by index (index 0 is the null section)
  std::vector<ElfSegment> segments;  // the program headers, in order
  std::vector<ElfSymbol> symbols;    // .symtab, without the null symbol
  // The template's bytes (every PROGBITS section of the template's name, by section index).
  std::vector<std::pair<unsigned, std::vector<uint8_t>>> template_bytes;
  ReachRecords reach;  // read by the bounded view (not by LIEF)
};

}  // namespace percpu::check::detail
