// Placement: where the block goes in a parsed script and what must change around it (the next
// section's load address, its program header, a PHDRS entry, memory regions), as a list of
// marked insertions for the editor.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "block.hpp"
#include "editor.hpp"
#include "lexer.hpp"
#include "percpu/ldgen.hpp"
#include "script.hpp"

namespace percpu::ldgen::detail {

// Throws ScriptError (located with `lexer`, whose source is the script parsed) on a script
// ldgen cannot edit safely. `block_at`: put the block exactly at this offset (next to the output
// section that ends or starts there), as when regenerating a block ldgen wrote before.
std::vector<Edit> plan_edits(const Script& script, const Lexer& lexer, const InjectOptions& options,
                             std::optional<size_t> block_at = std::nullopt);

}  // namespace percpu::ldgen::detail
