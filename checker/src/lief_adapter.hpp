// The one place that calls LIEF: the bounded view's small ELF in, an ElfModel out.
// A LIEF upgrade touches lief_adapter.cpp only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "elf_model.hpp"

namespace percpu::check::detail {

// Parses image (built by view_elf) with LIEF: the header, sections, segments and the selected
// symbols. Every exception or inconsistency LIEF shows becomes ElfError("<name>: <reason>").
[[nodiscard]] ElfModel parse_with_lief(const std::vector<uint8_t>& image, const std::string& name);

}  // namespace percpu::check::detail
