// percpu/ldgen.hpp - inject the per-CPU block into an existing GNU ld / lld linker script.
//
// The script is lexed and parsed (never matched with regular expressions); the output is the
// input byte for byte except for the block and the few marked insertions around it. Every
// insertion ldgen makes is wrapped in markers, so running ldgen on its own output removes the
// old block first and the result is the same bytes (idempotent). See docs/ldgen.md.
#pragma once

#include <string>
#include <string_view>

#include "percpu/error.hpp"
#include "percpu/layout.hpp"
#include "percpu/source_text.hpp"

namespace percpu::ldgen {

struct InjectOptions {
  unsigned cpus = 0;       // number of per-CPU areas to reserve: 1 to percpu::kMaxCpus
  uint64_t reserve = 0;    // dynamic reserve in every area, bytes (<= layout::kMaxReserve)
  std::string after;       // place the block after this output section (empty: default)
  std::string before;      // place the block before this output section (empty: default)
  percpu::layout::AddressModel vma = percpu::layout::AddressModel::zero;
  std::string source_name = "<stdin>";  // used in error locations
  bool force = false;      // discard text a user put between ldgen's markers instead of refusing
};

// Bad input: a syntax error or a script ldgen refuses to edit. what() is "file:line:col: message";
// remedy() says when another placement (after/before), the delta model or force gets past it.
class ScriptError : public percpu::SourceError {
 public:
  using SourceError::SourceError;
};

// Errors (percpu/error.hpp): ScriptError for the script, percpu::InvalidArgument for the options
// (cpus out of range, both after and before given); the file functions of ldgen_files.hpp throw
// percpu::IoError.

// The two lines shown under an error (percpu/source_text.hpp).
using percpu::excerpt;

// The script with the block injected (or an ldgen block already present replaced).
[[nodiscard]] std::string inject(std::string_view script, const InjectOptions& options);

// The block alone, for scripts kept by hand: the plain shape (no PHDRS, no MEMORY) for an
// identity-mapped script, i.e. the template is loaded at _percpu_start; its areas section keeps
// the sections after it at LMA == VMA. Paste it inside SECTIONS, after the initialized data.
[[nodiscard]] std::string emit_fragment(const InjectOptions& options);

struct BlockInfo {
  bool present = false;         // the script has a .percpu output section
  bool owned_by_ldgen = false;  // ... written by ldgen (between its markers)
  unsigned cpus = 0;            // the CPU count in ldgen's marker (0 if not owned)
  uint64_t reserve = 0;         // the dynamic reserve in ldgen's marker (0: none)
  percpu::layout::AddressModel vma = percpu::layout::AddressModel::zero;
  // Not empty: the block (or an insertion) is not what ldgen writes for the options in its begin
  // marker; "file:line:col: message" of the first line that differs.
  std::string edited;
};

// What the script holds now. Throws ScriptError on a syntax error.
[[nodiscard]] BlockInfo inspect_block(std::string_view script, const std::string& source_name);

// Whether the script already holds exactly the block inject() would write (percpu-ldgen --check).
enum class BlockState {
  up_to_date,        // inject() would return the script unchanged
  missing,           // no block written by ldgen
  other_parameters,  // ldgen's block, for another CPU count, address model or reserve
  edited,            // ldgen's block with these parameters, but text in it is not what ldgen writes
  stale,             // ldgen's block with these parameters, but inject() would change the script
};
struct BlockCheck {
  BlockState state = BlockState::missing;
  BlockInfo found;  // what the script holds
  bool up_to_date() const { return state == BlockState::up_to_date; }
};
[[nodiscard]] BlockCheck check_block(std::string_view script, const InjectOptions& options);

// One line saying why a check failed, starting with the file ("k.ld: no percpu-ldgen block",
// "k.ld: the block is for cpus=4 vma=zero, wanted cpus=8 vma=zero", ...); empty when up to date.
// The CLI and Python print this text.
[[nodiscard]] std::string describe(const BlockCheck& check, const InjectOptions& options);

}  // namespace percpu::ldgen
