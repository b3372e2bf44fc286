#include "portable_vars.hpp"

int g_pointee = 42;

PERCPU_DEFINE(int8_t, pc_i8, -5);
PERCPU_DEFINE(uint8_t, pc_u8, 200);
PERCPU_DEFINE(int16_t, pc_i16, -1234);
PERCPU_DEFINE(uint16_t, pc_u16, 60000);
PERCPU_DEFINE(int32_t, pc_i32, -100000);
PERCPU_DEFINE(uint32_t, pc_u32, 4000000000u);
PERCPU_DEFINE(int64_t, pc_i64, -5000000000LL);
PERCPU_DEFINE(uint64_t, pc_u64, 0x1122334455667788ULL);
PERCPU_DEFINE(bool, pc_bool, true);
PERCPU_DEFINE(Color, pc_color, kGreen);
PERCPU_DEFINE(Mode, pc_mode, Mode::busy);
PERCPU_DEFINE(int*, pc_ptr, &g_pointee);
PERCPU_DEFINE(Point, pc_point, 3, -4, 99);
PERCPU_DEFINE(CacheLines, pc_lines, {7, 8, 9});
PERCPU_DEFINE(Page, pc_page, 0xABCD, 0x1234);
PERCPU_DEFINE(uint64_t, pc_counter, 1000);

namespace {
// Room for kTestCpus areas of up to 32 KiB each, plus the slack to align the first one: init()
// wants the stride's lowest set bit as alignment (16 KiB for a 16 KiB stride), more than the
// alignas(4096) variable needs.
alignas(4096) unsigned char g_buffer[kTestCpus * 32768 + 32768];
}  // namespace

bool init_test_areas() {
  const uintptr_t align = percpu::area_alignment();
  const uintptr_t start = reinterpret_cast<uintptr_t>(g_buffer);
  const uintptr_t skip = (align - start % align) % align;
  if (percpu::area_stride() * kTestCpus + skip > sizeof(g_buffer)) return false;
  const percpu::InitResult r = percpu::init(g_buffer + skip, kTestCpus);
  if (!r.ok() || r.cpu_count != kTestCpus) return false;
  percpu::init_percpu_reg(0);
  return true;
}
