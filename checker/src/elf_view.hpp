// The bounded view: reads ONLY the ELF header, the program and section header tables, the section
// name table, .symtab with its string table and the template's bytes, checking every offset and
// size against the file size, and builds a small ELF of just those pieces for LIEF.
//
// Why: LIEF parses whatever a file holds (relocation sections quadratically, debug sections in
// full); a kernel ELF with debug info and --emit-relocs is hundreds of MB. The checks need a few
// MB of it, so the cost is bounded by the symbol table, not by the file.
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
  // Reads exactly n bytes at offset (the caller has checked the range); throws ElfError on I/O errors.
  virtual void read(uint64_t offset, void* out, uint64_t n) const = 0;
};

struct BoundedElf {
  std::vector<uint8_t> image;  // the small ELF: headers, tables, symbols, template bytes
  // What the small ELF does not keep and the model needs: the original section types (sections
  // whose bytes are left out are NOBITS in the image), file offsets and segment file sizes.
  std::vector<uint32_t> section_types;
  std::vector<uint64_t> section_offsets;
  std::vector<uint64_t> section_sizes;
  std::vector<uint64_t> segment_offsets;
  std::vector<uint64_t> segment_filesz;
  ReachRecords reach;  // from the .note.percpu.reach sections, read note by note
};

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
// image's symbol table holds the symbols defined in the template section(s) and the defined
// symbols that `symbols` selects, not the others.
BoundedElf view_elf(const ByteSource& source, const std::string& name, const std::string& template_section,
                    const SymbolSelection& symbols);

// Opens path and views it. Only regular files: anything else (a FIFO, a device, a socket, a
// directory) is refused before any open() that could block.
BoundedElf view_elf_file(const std::string& path, const std::string& template_section,
                         const SymbolSelection& symbols);

// Puts the original types, offsets and file sizes back into a model parsed from the image.
void restore_file_fields(ElfModel& model, const BoundedElf& view);

}  // namespace percpu::check::detail
