// Per-CPU variables shared by the portable runtime tests. They are DEFINEd in portable_vars.cpp
// and used from the test files through these DECLAREs: the split is itself under test.
//
// Portable: only <stdint.h>/<string.h> and percpu.hpp; R2 recompiles these files for aarch64,
// riscv64 (qemu-user) and freestanding loongarch64.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "percpu/percpu.hpp"

enum Color : uint8_t { kRed = 1, kGreen = 2, kBlue = 3 };
enum class Mode : int32_t { idle = -7, busy = 40000 };

struct Point {
  int32_t x;
  int32_t y;
  uint64_t z;
};

struct alignas(128) CacheLines {
  uint8_t bytes[40];
};

struct alignas(4096) Page {
  uint32_t first;
  uint32_t last;
};

PERCPU_DECLARE(int8_t, pc_i8);
PERCPU_DECLARE(uint8_t, pc_u8);
PERCPU_DECLARE(int16_t, pc_i16);
PERCPU_DECLARE(uint16_t, pc_u16);
PERCPU_DECLARE(int32_t, pc_i32);
PERCPU_DECLARE(uint32_t, pc_u32);
PERCPU_DECLARE(int64_t, pc_i64);
PERCPU_DECLARE(uint64_t, pc_u64);
PERCPU_DECLARE(bool, pc_bool);
PERCPU_DECLARE(Color, pc_color);
PERCPU_DECLARE(Mode, pc_mode);
PERCPU_DECLARE(int*, pc_ptr);
PERCPU_DECLARE(Point, pc_point);
PERCPU_DECLARE(CacheLines, pc_lines);
PERCPU_DECLARE(Page, pc_page);
PERCPU_DECLARE(uint64_t, pc_counter);

// The object pc_ptr initially points at (a constant address is a valid initializer).
extern int g_pointee;

// Number of CPUs the portable tests use.
inline constexpr size_t kTestCpus = 4;

// Sets up kTestCpus areas in a static buffer with init(base, n) (works in kernel mode too) and
// selects CPU 0. Returns false if the buffer is too small for the template.
bool init_test_areas();
