// How a layout's Variables (percpu/check.hpp) are made from the template's symbols: the one place
// that writes the compact records, so that the table's invariants (order, name pools, the running
// end of the bytes before each variable) hold by construction.
#pragma once

#include <string>
#include <vector>

#include "elf_model.hpp"
#include "percpu/check.hpp"

namespace percpu::check::detail {

class VariablesBuilder {
 public:
  // The variables of `symbols` (as the bounded view read them) for a layout whose template_align,
  // areas_start and stride are set: names demangled without `percpu_storage::` (kept only when
  // they differ from the symbol), hot when a name or symbol matches one of hot_patterns
  // (fnmatch), ordered by offset, then symbol, then size.
  [[nodiscard]] static Variables build(TemplateSymbols symbols, const Layout& layout,
                                       const std::vector<std::string>& hot_patterns);

 private:
  static void name_and_mark(Variables& v, const std::vector<std::string>& hot_patterns);
  static void sort_by_offset(Variables& v);
  static void note_overlaps(Variables& v);
};

// A variable's guaranteed alignment: the largest power of two dividing its offset, at most the
// template's alignment (the alignment of every area base).
[[nodiscard]] uint64_t guaranteed_align(uint64_t offset, uint64_t template_align);

}  // namespace percpu::check::detail
