// The bounded view: reads ONLY the ELF header, the program and section header tables, the section
// name table, the reach notes and .symtab with its string table, checking every offset and size
// against the file size. It keeps the template's variables itself, compactly (TemplateSymbols),
// and builds a small ELF of the headers and the few other symbols the rules look up for LIEF.
//
// Why: LIEF parses whatever a file holds (relocation sections quadratically, debug sections in
// full) and builds an object per symbol; a kernel ELF with debug info and --emit-relocs is hundreds
// of MB, and one may have a million per-CPU variables. The checks need a few MB of it, so the cost
// is bounded by the symbol table, which is read in chunks, never whole.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "elf_model.hpp"

namespace percpu::check::detail {

// Where the bytes come from: a file (pread) or a buffer (tests, the fuzzer).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly n bytes at offset (the caller has checked the range); throws percpu::IoError on I/O errors.
  virtual void read(uint64_t offset, void* out, uint64_t n) const = 0;
};

struct BoundedElf {
  std::vector<uint8_t> image;  // the small ELF: headers, section names, the selected symbols
  // What the small ELF does not keep and the model needs: the original section types (sections
  // whose bytes are left out are NOBITS in the image), file offsets and segment file sizes.
  std::vector<uint32_t> section_types;
  std::vector<uint64_t> section_offsets;
  std::vector<uint64_t> section_sizes;
  std::vector<uint64_t> segment_offsets;
  std::vector<uint64_t> segment_filesz;
  ReachRecords reach;  // from the .note.percpu.reach sections, read note by note
  TemplateSymbols template_symbols;  // the first template section's variables (not in the image)
};

// Symbols read from .symtab at a time: 64K entries, 1.5 MiB of ELF64 entries in memory.
inline constexpr size_t kSymbolChunk = size_t{1} << 16;

// The defined symbols the image keeps besides those of the template section(s): by exact name
// (the layout's own, the user's per-CPU names) or by a part of the name (the mangled storage
// namespace of PERCPU_DEFINE).
struct SymbolSelection {
  SymbolSelection(std::vector<std::string> exact = {}, std::vector<std::string> parts = {})
      : names(std::move(exact)), name_parts(std::move(parts)) {}
  std::vector<std::string> names;
  std::vector<std::string> name_parts;
};

// Throws ElfError("<name>: <reason>") on anything it cannot read or that does not add up. The
// image's symbol table holds the defined symbols that `symbols` selects (by exact name anywhere;
// by name part outside the template sections), not the others; the variables of the first section
// named template_section go to template_symbols. .symtab is read symbol_chunk entries at a time
// (tests pass a tiny chunk to cross chunk boundaries).
[[nodiscard]] BoundedElf view_elf(const ByteSource& source, const std::string& name, const std::string& template_section,
                                  const SymbolSelection& symbols, size_t symbol_chunk = kSymbolChunk);

// Opens path and views it. Only regular files: anything else (a FIFO, a device, a socket, a
// directory) is refused before any open() that could block.
[[nodiscard]] BoundedElf view_elf_file(const std::string& path, const std::string& template_section,
                                       const SymbolSelection& symbols);

// Puts the original types, offsets and file sizes back into a model parsed from the image, and
// moves what the view read itself (reach records, the template's symbols) into it.
void restore_file_fields(ElfModel& model, BoundedElf& view);

}  // namespace percpu::check::detail
