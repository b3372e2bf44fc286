// Placement: where the block goes in a parsed script and what must change around it (the next
// section's load address, its program header, a PHDRS entry, memory regions), as a list of
// marked insertions for the editor.
#pragma once

#include <string>
#include <vector>

#include "editor.hpp"
#include "lexer.hpp"
#include "percpu/ldgen.hpp"
#include "script.hpp"

namespace percpu::ldgen::detail {

// What the block needs to know about its surroundings.
struct BlockShape {
  unsigned cpus = 1;
  uint64_t reserve = 0;      // dynamic reserve bytes per area (0: none, no reserve symbols)
  bool delta = false;
  std::string lma_anchor;    // output section whose VMA-to-LMA delta the template keeps; empty: none
  std::string phdr;          // program header for the template; empty: none
  std::string pad_phdr;      // " :pad" for the delta regions shape's padding section
  std::string areas_phdrs;   // " :a :b" for the areas section (the headers after the block)
  std::string region;        // regions shape: the VMA region that holds the reserved areas
  std::string load_region;   // regions shape: the template's load region
  bool regions = false;
};

// The block's text, starting with kBlockLead and ending with the end marker.
std::string render_block(const BlockShape& shape);

// Throws ScriptError (located with `lexer`, whose source is the script parsed) on a script
// ldgen cannot edit safely.
std::vector<Edit> plan_edits(const Script& script, const Lexer& lexer, const InjectOptions& options);

}  // namespace percpu::ldgen::detail
