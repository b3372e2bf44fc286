// The syntax tree of a linker script: only what placement needs, each piece with the byte
// offsets of its source text so the editor can insert next to it without touching anything else.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace percpu::ldgen::detail {

struct Span {
  size_t begin = 0;
  size_t end = 0;  // one past the last byte
};

// An output section statement, or an OVERLAY (kind == overlay; name is its first section).
struct OutputSection {
  enum class Kind { section, overlay } kind = Kind::section;
  std::string name;        // without quotes
  std::string spelling;    // as written (quoted names keep their quotes), for ADDR(...) and the like
  std::vector<std::string> overlay_names;  // overlay: every section in it
  Span whole;              // from the name to the last byte of the statement (fill, comma)
  bool has_address = false;
  bool has_at = false;     // AT(lma)
  bool conditional = false;  // ONLY_IF_RO / ONLY_IF_RW: may not exist in the output
  std::string type;        // NOLOAD, COPY, ... or empty
  size_t after_colon = 0;  // where an AT() may be inserted
  size_t after_body = 0;   // after '}' and the "> region AT> region" that follow it
  std::string region;      // > region
  std::string lma_region;  // AT> region
  std::vector<std::string> phdrs;
};

struct PhdrEntry {
  std::string name;
  bool loads_headers = false;  // FILEHDR or PHDRS: the ELF headers are in this segment
  Span whole;  // through its ';'
};

struct Script {
  std::vector<OutputSection> sections;  // every SECTIONS command's sections and overlays, in order
  bool has_sections = false;
  size_t sections_close = 0;            // offset of the last SECTIONS command's closing '}'
  bool has_memory = false;
  std::vector<std::string> region_at_zero;  // MEMORY regions whose ORIGIN is a literal 0
  bool has_insert = false;              // INSERT AFTER/BEFORE: an addition to another script
  bool has_phdrs = false;
  size_t phdrs_close = 0;               // offset of PHDRS' closing '}'
  std::vector<PhdrEntry> phdr_entries;
  std::vector<Span> includes;           // INCLUDE commands (not followed)
  std::vector<size_t> percpu_sections;  // offsets of output sections named .percpu
  size_t percpu_input_at = std::string::npos;  // an input pattern naming .percpu outside ldgen's block
};

}  // namespace percpu::ldgen::detail
