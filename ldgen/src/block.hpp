// The text of the per-CPU block for each script shape (plain, MEMORY regions zero/delta), from
// what placement found out about its surroundings.
#pragma once

#include <stdint.h>

#include <string>

#include "percpu/layout.hpp"

namespace percpu::ldgen::detail {

// What the block needs to know about its surroundings.
struct BlockShape {
  unsigned cpus = 1;
  uint64_t reserve = 0;      // dynamic reserve bytes per area (0: none, no reserve symbols)
  bool delta = false;        // the delta address model (model() names it)
  std::string lma_anchor;    // output section (as spelled) whose VMA-to-LMA delta the template keeps; empty: none
  std::string phdr;          // program header for the template; empty: none
  std::string pad_phdr;      // " :pad" for the delta regions shape's padding section
  std::string areas_phdrs;   // " :a :b" for the areas section (the headers after the block)
  std::string region;        // regions shape: the VMA region that holds the reserved areas
  std::string load_region;   // regions shape: the template's load region
  bool regions = false;
  bool insert = false;       // an INSERT script: '.' is only assigned inside output sections

  percpu::layout::AddressModel model() const {
    return delta ? percpu::layout::AddressModel::delta : percpu::layout::AddressModel::zero;
  }
};

// The block's text, starting with kBlockLead and ending with the end marker. Lines end in '\n'.
std::string render_block(const BlockShape& shape);

// lma_of("X", "a") = "X - ADDR(a) + LOADADDR(a)": the load address of VMA X with a's delta.
std::string lma_of(const std::string& vma, const std::string& anchor);

}  // namespace percpu::ldgen::detail
