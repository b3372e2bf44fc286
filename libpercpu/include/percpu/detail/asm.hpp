// percpu/detail/asm.hpp - helpers shared by the load/store arch headers (aarch64, riscv,
// loongarch64). Those architectures have no memory-operand arithmetic, so only read and write
// are asm on register + offset; read-modify-writes go through current_ptr() under the generic
// layer's guard (as CPU-local atomics: arch/atomic_<arch>.hpp).
#pragma once

#include "percpu/detail/traits.hpp"

// One asm statement per access size: the mnemonic (ldrb/ldrh/ldr, lb/lh/lw/ld ...) is part of
// the asm string, which must be a literal. `size` is a constant; the other branches are
// discarded before they reach the assembler.
#define PERCPU_DETAIL_BY_SIZE(size, stmt_1, stmt_2, stmt_4, stmt_8) \
  do {                                                              \
    if constexpr ((size) == 1) {                                    \
      stmt_1;                                                       \
    } else if constexpr ((size) == 2) {                             \
      stmt_2;                                                       \
    } else if constexpr ((size) == 4) {                             \
      stmt_4;                                                       \
    } else {                                                        \
      stmt_8;                                                       \
    }                                                               \
  } while (0)

// The zero model names a variable by its symbol value in an immediate field ("i" operand); a
// PIC compiler would want a GOT entry instead. Kernels are built -fno-pic; PIE code uses the
// delta model (PC-relative address of the variable).
#if !PERCPU_VMA_DELTA && (defined(__PIC__) || defined(__PIE__))
#error "percpu: the zero address model needs non-PIC code (-fno-pic -fno-pie, as kernels are built); define PERCPU_VMA_DELTA=1 for PIE code"
#endif

namespace percpu::detail {

// A 1- or 2-byte value inside its aligned 4-byte word, for the masked lr.w/sc.w (RISC-V) and
// ll.w/sc.w (LoongArch64) sequences of arch/atomic_<arch>.hpp (little-endian: the byte at
// address a is bits 8 * (a % 4) and up).
template <typename U>
struct SubWord {
  static_assert(sizeof(U) < 4, "SubWord: 1- or 2-byte values");
  static constexpr unsigned long kField = sizeof(U) == 1 ? 0xffu : 0xffffu;
  uintptr_t word;      // the aligned word's address
  unsigned shift;      // the field's first bit
  unsigned long mask;  // the field's bits in the word

  explicit SubWord(U* p) noexcept
      : word(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(3)),
        shift(static_cast<unsigned>(reinterpret_cast<uintptr_t>(p) & 3) * 8),
        mask(kField << shift) {}
  unsigned long place(U v) const noexcept { return static_cast<unsigned long>(v) << shift; }
  U extract(long w) const noexcept {
    return static_cast<U>((static_cast<unsigned long>(w) >> shift) & kField);
  }
};

// Register-sized access is the largest a single load/store moves (riscv32: 4 bytes); larger
// fast-path types (u64 on riscv32) are copied through current_ptr().
template <typename T>
constexpr bool is_single_access_v = is_fast_v<T> && sizeof(T) <= sizeof(void*);

}  // namespace percpu::detail
