// Portable runtime tests: the CPU-local atomics behind the guarded read-modify-writes
// (percpu/arch/atomic.hpp), on plain memory, for every size at every aligned position inside a
// word: the values, the returned old values, the failing cmpxchg, wrap-around without a carry
// into the neighbour, and the sign bit of the containing word (RISC-V lr.w and LoongArch ll.w
// sign-extend; the sub-word sequences mask). Interrupt safety itself: the storm kernels.
// Only TEST and EXPECT_/ASSERT_; no library beyond <stdint.h>/<string.h>.
#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <percpu/percpu.hpp>

namespace {

constexpr unsigned char kFill = 0xA5;

bool neighbours_intact(const unsigned char* buf, size_t size, size_t off, size_t width) {
  for (size_t i = 0; i < size; ++i) {
    if ((i < off || i >= off + width) && buf[i] != kFill) return false;
  }
  return true;
}

// U unsigned; `top` has the type's high bit set (the containing word's sign bit at the
// highest position).
template <typename U>
void every_position() {
  const U top = static_cast<U>(U(1) << (8 * sizeof(U) - 1));
  const U ones = static_cast<U>(~U(0));
  alignas(8) unsigned char buf[16];
  for (size_t off = 0; off + sizeof(U) <= sizeof buf; off += sizeof(U)) {
    memset(buf, kFill, sizeof buf);
    U* p = reinterpret_cast<U*>(buf + off);
    *p = 0;
    percpu::arch::atomic_add(p, U(5));
    EXPECT_EQ(uint64_t(*p), 5u);
    percpu::arch::atomic_add(p, ones);  // - 1
    EXPECT_EQ(uint64_t(*p), 4u);
    *p = ones;
    percpu::arch::atomic_add(p, U(2));  // wraps to 1, no carry into the next byte
    EXPECT_EQ(uint64_t(*p), 1u);
    EXPECT_TRUE(neighbours_intact(buf, sizeof buf, off, sizeof(U)));

    EXPECT_EQ(uint64_t(percpu::arch::atomic_xchg(p, top)), 1u);
    EXPECT_EQ(uint64_t(*p), uint64_t(top));
    EXPECT_EQ(uint64_t(percpu::arch::atomic_xchg(p, U(7))), uint64_t(top));
    EXPECT_EQ(uint64_t(*p), 7u);

    // cmpxchg returns the old value; stores only when it equals expected.
    EXPECT_EQ(uint64_t(percpu::arch::atomic_cmpxchg(p, U(8), U(9))), 7u);
    EXPECT_EQ(uint64_t(*p), 7u);
    EXPECT_EQ(uint64_t(percpu::arch::atomic_cmpxchg(p, U(7), top)), 7u);
    EXPECT_EQ(uint64_t(*p), uint64_t(top));
    EXPECT_EQ(uint64_t(percpu::arch::atomic_cmpxchg(p, top, ones)), uint64_t(top));
    EXPECT_EQ(uint64_t(*p), uint64_t(ones));
    EXPECT_EQ(uint64_t(percpu::arch::atomic_cmpxchg(p, ones, U(0))), uint64_t(ones));
    EXPECT_EQ(uint64_t(*p), 0u);
    EXPECT_TRUE(neighbours_intact(buf, sizeof buf, off, sizeof(U)));
  }
  // A neighbour that differs only in the field's bits must not make a cmpxchg succeed or fail.
  memset(buf, 0xFF, sizeof buf);
  U* p = reinterpret_cast<U*>(buf);
  *p = 3;
  EXPECT_EQ(uint64_t(percpu::arch::atomic_cmpxchg(p, U(3), U(4))), 3u);
  EXPECT_EQ(uint64_t(*p), 4u);
  EXPECT_EQ(buf[sizeof(U)], 0xFFu);
}

}  // namespace

TEST(PercpuAtomic, EverySizeEveryPosition) {
  // Every supported target has the 1, 2 and 4-byte forms; 8 bytes need a 64-bit register
  // (riscv32 has no 64-bit AMO or lr/sc: has_atomic_v is false there, by design).
  EXPECT_TRUE(percpu::arch::has_atomic_v<uint8_t>);
  EXPECT_TRUE(percpu::arch::has_atomic_v<uint16_t>);
  EXPECT_TRUE(percpu::arch::has_atomic_v<uint32_t>);
  EXPECT_EQ(percpu::arch::has_atomic_v<uint64_t>, sizeof(void*) == 8);
  every_position<uint8_t>();
  every_position<uint16_t>();
  every_position<uint32_t>();
  if constexpr (percpu::arch::has_atomic_v<uint64_t>) every_position<uint64_t>();
}

TEST(PercpuAtomic, SignedPointerAndBool) {
  int32_t i = -1;
  EXPECT_EQ(percpu::arch::atomic_cmpxchg(&i, int32_t{-1}, int32_t{-2147483647 - 1}), -1);
  EXPECT_EQ(i, -2147483647 - 1);
  percpu::arch::atomic_add(&i, int32_t{-1});  // wraps modulo 2^32
  EXPECT_EQ(i, 2147483647);
  int8_t c = -128;
  EXPECT_EQ(percpu::arch::atomic_cmpxchg(&c, int8_t{-128}, int8_t{127}), -128);
  EXPECT_EQ(c, 127);
  bool b = false;
  EXPECT_FALSE(percpu::arch::atomic_xchg(&b, true));
  EXPECT_TRUE(b);
  int x = 0, y = 0;
  int* ptr = &x;
  EXPECT_TRUE(percpu::arch::atomic_xchg(&ptr, &y) == &x);
  EXPECT_TRUE(percpu::arch::atomic_cmpxchg(&ptr, &x, &x) == &y);  // fails: ptr is &y
  EXPECT_TRUE(ptr == &y);
}
