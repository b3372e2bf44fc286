// percpu/detail/reach_record.hpp - records in the linked ELF how far this translation unit's
// per-CPU access sequences reach, so that percpu-check checks the real limit instead of assuming
// one (layout.hpp: "Reach record"). The linker concatenates every unit's notes into the
// non-allocated section .note.percpu.reach; percpu-check takes the minimum per kind.
//
// Each record is a standard ELF note (4-byte aligned, as GNU notes are): namesz 7, descsz 16,
// type 1, name "percpu\0", desc = { reach as two little-endian words, kind, 0 }. All four
// architectures are little-endian, so the two words are the uint64 of the contract.
// `%note` rather than `@note`: `@` starts a comment in the AArch64 assembler.
#pragma once

#define PERCPU_DETAIL_STR2(x) #x
#define PERCPU_DETAIL_STR(x) PERCPU_DETAIL_STR2(x)

// kind: 0 = template access, 1 = hot access (layout::ReachKind); reach_lo/hi: the 32-bit halves
// of the reach in bytes (an assembler expression each, e.g. 0x10000 and 0).
#define PERCPU_RECORD_REACH(kind, reach_lo, reach_hi) asm(PERCPU_DETAIL_REACH_NOTE(kind, reach_lo, reach_hi))

// The assembler text of one record (for asm statements that add to it, e.g. a once-per-unit
// guard around the hot reach record in percpu.hpp).
#define PERCPU_DETAIL_REACH_NOTE(kind, reach_lo, reach_hi)              \
  ".pushsection .note.percpu.reach,\"\",%note\n"                      \
  ".balign 4\n"                                                        \
  ".long 7, 16, 1\n"                                                   \
  ".asciz \"percpu\"\n"                                                \
  ".balign 4\n"                                                        \
  ".long " PERCPU_DETAIL_STR(reach_lo) ", " PERCPU_DETAIL_STR(reach_hi) "\n" \
  ".long " PERCPU_DETAIL_STR(kind) ", 0\n"                             \
  ".popsection"
