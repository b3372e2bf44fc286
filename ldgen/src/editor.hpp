// Renders edits as insertions into the untouched source text, and finds (and removes) what an
// earlier run of ldgen inserted. Every insertion is delimited by markers, so removing it gives
// back the original bytes exactly: that is what makes ldgen idempotent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lexer.hpp"
#include "script.hpp"

namespace percpu::ldgen::detail {

// The inline markers around each small insertion outside the block (an AT(), a :phdr, a PHDRS
// entry). The block itself is between layout::kBlockBeginMarker ... layout::kBlockEndMarker.
inline constexpr std::string_view kInlineOpen = "/*percpu-ldgen{*/";
inline constexpr std::string_view kInlineClose = "/*}percpu-ldgen*/";
// What precedes the begin marker of an inserted block (removed with it).
inline constexpr std::string_view kBlockLead = "\n  ";

struct Edit {
  size_t offset;     // insert before this byte of the source
  std::string text;  // complete, including its markers
};

std::string apply_edits(std::string_view source, std::vector<Edit> edits);

// Wraps a small insertion in the inline markers.
std::string marked(std::string_view text);

struct OwnedText {
  bool block_found = false;
  unsigned cpus = 0;
  percpu::layout::AddressModel vma = percpu::layout::AddressModel::zero;  // of the begin marker
  uint64_t reserve = 0;  // " reserve=N" of the begin marker (percpu-ldgen --reserve), 0 without
  std::string stripped;            // the source without anything ldgen inserted
  std::vector<Span> removed;       // ranges of the source removed, ascending
  size_t block_begin = 0;          // where the removed block started in the source (block_found)
  size_t to_source(size_t stripped_offset) const;  // maps an offset back into the source
  size_t stripped_block_offset() const;            // where the removed block was in `stripped`
};

// Finds ldgen's markers among the lexer's comments. Throws ScriptError on a damaged block
// (a begin without an end, an unreadable begin marker, an open marker without a close).
OwnedText find_owned(const Lexer& lexer);

}  // namespace percpu::ldgen::detail
