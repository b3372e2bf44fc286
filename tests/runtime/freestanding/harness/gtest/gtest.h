// A minimal, freestanding stand-in for GoogleTest: exactly the subset the portable runtime
// tests use (TEST, EXPECT_/ASSERT_{EQ,NE,LT,LE,GT,GE,TRUE,FALSE,STREQ}), so the same test files
// run in a static program without a C library (LoongArch64, and the RISC-V zero-model run).
// Tests register themselves in the `percpu_tests` section (no static constructors needed);
// harness.cpp runs them (per file in definition order, as GoogleTest does) and prints GoogleTest-like lines through raw write(2) system calls.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace mini_gtest {

struct TestCase {
  const char* suite;
  const char* name;
  const char* file;
  int line;
  void (*run)();
};

void report_failure(const char* file, int line, const char* what);
void print_value(const char* label, uint64_t value);
void mark_current_failed();

// The raw bits of a value of up to 8 bytes (integers, enums, pointers), for failure messages.
template <typename T>
uint64_t as_u64(const T& v) {
  uint64_t bits = 0;
  if constexpr (sizeof(T) <= sizeof(bits) && __is_trivially_copyable(T)) {
    __builtin_memcpy(&bits, &v, sizeof(T));
  }
  return bits;
}

template <typename A, typename B>
bool check(bool ok, const A& a, const B& b, const char* file, int line, const char* what) {
  if (!ok) {
    report_failure(file, line, what);
    print_value("  left:  ", as_u64(a));
    print_value("  right: ", as_u64(b));
  }
  return ok;
}

bool streq(const char* a, const char* b);

}  // namespace mini_gtest

#define MINI_GTEST_JOIN(a, b) a##_##b
#define TEST(suite, name)                                                                 \
  static void MINI_GTEST_JOIN(suite, name)();                                             \
  __attribute__((used, section("percpu_tests"))) static const ::mini_gtest::TestCase      \
      MINI_GTEST_JOIN(suite##_case, name){#suite, #name, __FILE__, __LINE__,              \
                                          &MINI_GTEST_JOIN(suite, name)};                 \
  static void MINI_GTEST_JOIN(suite, name)()

#define MINI_GTEST_CMP(a, b, op, on_fail)                                                    \
  do {                                                                                       \
    const auto& mini_a = (a);                                                                \
    const auto& mini_b = (b);                                                                \
    if (!::mini_gtest::check(mini_a op mini_b, mini_a, mini_b, __FILE__, __LINE__,          \
                             #a " " #op " " #b)) {                                           \
      on_fail;                                                                               \
    }                                                                                        \
  } while (0)

#define MINI_GTEST_BOOL(c, want, on_fail)                                                    \
  do {                                                                                       \
    if (static_cast<bool>(c) != (want)) {                                                    \
      ::mini_gtest::report_failure(__FILE__, __LINE__, #c " is not " #want);                  \
      on_fail;                                                                               \
    }                                                                                        \
  } while (0)

#define MINI_GTEST_STREQ(a, b, on_fail)                                                      \
  do {                                                                                       \
    if (!::mini_gtest::streq((a), (b))) {                                                    \
      ::mini_gtest::report_failure(__FILE__, __LINE__, #a " streq " #b);                      \
      on_fail;                                                                               \
    }                                                                                        \
  } while (0)

#define EXPECT_EQ(a, b) MINI_GTEST_CMP(a, b, ==, (void)0)
#define EXPECT_NE(a, b) MINI_GTEST_CMP(a, b, !=, (void)0)
#define EXPECT_LT(a, b) MINI_GTEST_CMP(a, b, <, (void)0)
#define EXPECT_LE(a, b) MINI_GTEST_CMP(a, b, <=, (void)0)
#define EXPECT_GT(a, b) MINI_GTEST_CMP(a, b, >, (void)0)
#define EXPECT_GE(a, b) MINI_GTEST_CMP(a, b, >=, (void)0)
#define EXPECT_TRUE(c) MINI_GTEST_BOOL(c, true, (void)0)
#define EXPECT_FALSE(c) MINI_GTEST_BOOL(c, false, (void)0)
#define EXPECT_STREQ(a, b) MINI_GTEST_STREQ(a, b, (void)0)
#define ASSERT_EQ(a, b) MINI_GTEST_CMP(a, b, ==, return)
#define ASSERT_NE(a, b) MINI_GTEST_CMP(a, b, !=, return)
#define ASSERT_LT(a, b) MINI_GTEST_CMP(a, b, <, return)
#define ASSERT_LE(a, b) MINI_GTEST_CMP(a, b, <=, return)
#define ASSERT_GT(a, b) MINI_GTEST_CMP(a, b, >, return)
#define ASSERT_GE(a, b) MINI_GTEST_CMP(a, b, >=, return)
#define ASSERT_TRUE(c) MINI_GTEST_BOOL(c, true, return)
#define ASSERT_FALSE(c) MINI_GTEST_BOOL(c, false, return)
#define ASSERT_STREQ(a, b) MINI_GTEST_STREQ(a, b, return)
