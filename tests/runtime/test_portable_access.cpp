// Portable runtime tests: accessors on the current CPU and on remote CPUs.
// Only TEST and EXPECT_/ASSERT_{EQ,NE,TRUE,FALSE,LT,LE,GT,GE}; no library beyond <stdint.h>/<string.h>.
#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include "portable_vars.hpp"

namespace {

// Writes v on CPU 1 through every write form and reads it back through every read form; the
// other CPUs keep their initial value.
template <typename Var, typename T>
void round_trip(const Var& var, T v) {
  ASSERT_TRUE(init_test_areas());
  const T initial = var.initial_value();
  percpu::init_percpu_reg(1);
  var.write_current(v);
  EXPECT_TRUE(var.read_current() == v);
  EXPECT_TRUE(var.read_current_raw() == v);
  EXPECT_TRUE(var.current_ref_raw() == v);
  EXPECT_TRUE(var.remote_ref_raw(1) == v);
  EXPECT_TRUE(var.remote_ref_raw(0) == initial);
  EXPECT_TRUE(var.remote_ref_raw(2) == initial);
  var.write_current_raw(initial);
  EXPECT_TRUE(var.read_current() == initial);
  var.current_ref_mut_raw() = v;
  EXPECT_TRUE(var.read_current_raw() == v);
  percpu::init_percpu_reg(3);
  EXPECT_TRUE(var.read_current() == initial);
}

}  // namespace

TEST(PercpuAccess, RoundTripEveryFastPathType) {
  round_trip(pc_i8, int8_t{-128});
  round_trip(pc_u8, uint8_t{0xFF});
  round_trip(pc_i16, int16_t{-32768});
  round_trip(pc_u16, uint16_t{0xBEEF});
  round_trip(pc_i32, int32_t{-2147483647 - 1});
  round_trip(pc_u32, uint32_t{0xDEADBEEFu});
  round_trip(pc_i64, int64_t{-0x7000000000000001LL});
  round_trip(pc_u64, uint64_t{0xFEDCBA9876543210ULL});
  round_trip(pc_bool, false);
  round_trip(pc_color, kBlue);
  round_trip(pc_mode, Mode::idle);
  static int other = 7;
  round_trip(pc_ptr, &other);
  round_trip(pc_ptr, static_cast<int*>(nullptr));
}

TEST(PercpuAccess, StructCopyRoundTrip) {
  ASSERT_TRUE(init_test_areas());
  percpu::init_percpu_reg(2);
  Point p{-1, 2, 0xFFFFFFFFFFULL};
  pc_point.write_current(p);
  const Point q = pc_point.read_current();
  EXPECT_EQ(q.x, -1);
  EXPECT_EQ(q.y, 2);
  EXPECT_EQ(q.z, 0xFFFFFFFFFFULL);
  EXPECT_EQ(pc_point.remote_ref_raw(1).x, 3);
}

TEST(PercpuAccess, WithCurrentUpdatePersists) {
  ASSERT_TRUE(init_test_areas());
  percpu::init_percpu_reg(1);
  const int32_t sum = pc_point.with_current([](Point& p) {
    p.x += 10;
    p.z = 12345;
    return p.x + p.y;
  });
  EXPECT_EQ(sum, 13 - 4);
  EXPECT_EQ(pc_point.read_current().x, 13);
  EXPECT_EQ(pc_point.current_ref_raw().z, 12345u);
  EXPECT_EQ(pc_point.remote_ref_raw(0).x, 3);
  pc_page.with_current([](Page& page) { page.last = 77; });
  EXPECT_EQ(pc_page.remote_ref_raw(1).last, 77u);
  EXPECT_EQ(pc_page.remote_ref_raw(2).last, 0x1234u);
}

TEST(PercpuAccess, RemoteWritesVisibleOnThatCpuOnly) {
  ASSERT_TRUE(init_test_areas());
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) pc_u32.remote_ref_mut_raw(cpu) = 100 + static_cast<uint32_t>(cpu);
  *pc_u16.remote_ptr(2) = 4242;
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    EXPECT_EQ(pc_u32.read_current(), 100 + cpu);
    EXPECT_EQ(pc_u16.read_current(), cpu == 2 ? 4242 : 60000);
  }
}

TEST(PercpuAccess, ResetToInit) {
  ASSERT_TRUE(init_test_areas());
  percpu::init_percpu_reg(3);
  pc_u64.write_current(1);
  pc_point.write_current(Point{0, 0, 0});
  pc_u64.remote_ref_mut_raw(2) = 2;
  pc_u64.reset_to_init();
  pc_point.reset_to_init();
  EXPECT_EQ(pc_u64.read_current(), 0x1122334455667788ULL);
  EXPECT_EQ(pc_point.read_current().y, -4);
  EXPECT_EQ(pc_u64.remote_ref_raw(2), 2u);
  pc_u64.remote_reset_to_init(2);
  EXPECT_EQ(pc_u64.remote_ref_raw(2), 0x1122334455667788ULL);
}

TEST(PercpuAccess, AddSubIncDec) {
  ASSERT_TRUE(init_test_areas());
  percpu::init_percpu_reg(1);
  pc_counter.add_current(5);
  pc_counter.inc_current();
  pc_counter.sub_current(2);
  pc_counter.dec_current();
  EXPECT_EQ(pc_counter.read_current(), 1003u);
  pc_counter.add_current_raw(10);
  pc_counter.sub_current_raw(3);
  pc_counter.inc_current_raw();
  pc_counter.dec_current_raw();
  EXPECT_EQ(pc_counter.read_current(), 1010u);
  EXPECT_EQ(pc_counter.remote_ref_raw(0), 1000u);
  EXPECT_EQ(pc_counter.remote_ref_raw(2), 1000u);
  // Wrap-around modulo 2^bits, for unsigned and signed alike, at every size.
  pc_u8.add_current(100);  // 200 + 100
  EXPECT_EQ(pc_u8.read_current(), 44);
  pc_i8.sub_current(124);  // -5 - 124
  EXPECT_EQ(pc_i8.read_current(), 127);
  pc_i8.inc_current();
  EXPECT_EQ(pc_i8.read_current(), -128);
  pc_i16.dec_current();
  EXPECT_EQ(pc_i16.read_current(), -1235);
  pc_u16.add_current(uint16_t{5536});
  EXPECT_EQ(pc_u16.read_current(), 0);
  pc_i32.add_current(-1);
  EXPECT_EQ(pc_i32.read_current(), -100001);
  pc_u32.add_current(300000000u);
  EXPECT_EQ(pc_u32.read_current(), 4000000000u + 300000000u);
  pc_i64.sub_current(-5000000000LL);
  EXPECT_EQ(pc_i64.read_current(), 0);
  pc_u64.add_current(0x1000000000ULL);
  EXPECT_EQ(pc_u64.read_current(), 0x1122334455667788ULL + 0x1000000000ULL);
}

TEST(PercpuAccess, XchgAndCmpxchg) {
  ASSERT_TRUE(init_test_areas());
  percpu::init_percpu_reg(2);
  EXPECT_EQ(pc_counter.xchg_current(7), 1000u);
  EXPECT_EQ(pc_counter.read_current(), 7u);
  EXPECT_EQ(pc_counter.xchg_current_raw(8), 7u);
  // cmpxchg returns the old value; it stored only if old == expected.
  EXPECT_EQ(pc_counter.cmpxchg_current(8, 9), 8u);
  EXPECT_EQ(pc_counter.read_current(), 9u);
  EXPECT_EQ(pc_counter.cmpxchg_current(8, 10), 9u);
  EXPECT_EQ(pc_counter.read_current(), 9u);
  EXPECT_EQ(pc_counter.cmpxchg_current_raw(9, 11), 9u);
  EXPECT_EQ(pc_counter.read_current(), 11u);
  EXPECT_EQ(pc_counter.remote_ref_raw(1), 1000u);
  EXPECT_EQ(pc_i8.cmpxchg_current(-5, -6), -5);
  EXPECT_EQ(pc_i8.read_current(), -6);
  EXPECT_TRUE(pc_bool.xchg_current(false));
  EXPECT_FALSE(pc_bool.cmpxchg_current(true, true));
  EXPECT_FALSE(pc_bool.read_current());
  EXPECT_TRUE(pc_mode.cmpxchg_current(Mode::busy, Mode::idle) == Mode::busy);
  EXPECT_TRUE(pc_mode.read_current() == Mode::idle);
  EXPECT_EQ(pc_color.xchg_current(kRed), kGreen);
  static int other = 1;
  EXPECT_EQ(pc_ptr.cmpxchg_current(&g_pointee, &other), &g_pointee);
  EXPECT_EQ(pc_ptr.read_current(), &other);
  EXPECT_EQ(pc_u16.xchg_current(1), 60000);
  EXPECT_EQ(pc_u32.cmpxchg_current(4000000000u, 1), 4000000000u);
  EXPECT_EQ(pc_i64.xchg_current(-1), -5000000000LL);
}

// The accessor names one object in every TU (PERCPU_DECLARE in portable_vars.hpp, DEFINE in
// portable_vars.cpp): the offset seen here is that of the defined object.
TEST(PercpuAccess, DeclareFromAnotherTranslationUnit) {
  ASSERT_TRUE(init_test_areas());
  EXPECT_EQ(pc_counter.remote_ptr(0), reinterpret_cast<uint64_t*>(percpu::percpu_area_base(0) + pc_counter.offset()));
  EXPECT_EQ(pc_counter.initial_value(), 1000u);
}
