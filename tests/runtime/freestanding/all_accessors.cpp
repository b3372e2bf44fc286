// Instantiates every PerCpu member for every kind of per-CPU variable, plus every runtime entry
// point, in kernel mode: the freestanding link test proves the result needs nothing beyond
// memcpy/memset (no libstdc++, no exceptions, no RTTI). _start makes it a complete image.
#include <percpu/percpu.hpp>

namespace {
enum class Kind : uint16_t { a = 1, b = 2 };
struct Pair {
  uint32_t lo;
  uint32_t hi;
};
struct alignas(256) Wide {
  uint8_t bytes[100];
};
}  // namespace

PERCPU_DEFINE(int8_t, fs_i8, -1);
PERCPU_DEFINE(uint16_t, fs_u16, 2);
PERCPU_DEFINE(int32_t, fs_i32, -3);
PERCPU_DEFINE(uint64_t, fs_u64, 4);
PERCPU_DEFINE(bool, fs_bool, true);
PERCPU_DEFINE(Kind, fs_kind, Kind::b);
PERCPU_DEFINE(const char*, fs_ptr, nullptr);
PERCPU_DEFINE(Pair, fs_pair, 5, 6);
PERCPU_DEFINE(Wide, fs_wide, {7});

#if PERCPU_PREEMPT
extern "C" {
volatile int g_preempt_depth;
void percpu_preempt_disable(void) { g_preempt_depth = g_preempt_depth + 1; }
void percpu_preempt_enable(void) { g_preempt_depth = g_preempt_depth - 1; }
}
#endif

// Keeps results alive without a library call.
volatile uintptr_t g_sink;

template <typename Var>
void every_member(const Var& var) {
  using T = typename Var::value_type;
  T v = var.read_current();
  var.write_current(v);
  v = var.read_current_raw();
  var.write_current_raw(v);
  g_sink = reinterpret_cast<uintptr_t>(var.current_ptr()) + var.offset();
  var.current_ref_mut_raw() = var.current_ref_raw();
  var.with_current([](T& x) { T copy = x; x = copy; });
  var.reset_to_init();
  var.remote_ref_mut_raw(1) = var.remote_ref_raw(0);
  var.remote_reset_to_init(1);
  g_sink = reinterpret_cast<uintptr_t>(var.remote_ptr(2)) + sizeof(var.initial_value());
  if constexpr (Var::kFastPath) {
    g_sink = static_cast<uintptr_t>(sizeof(var.xchg_current(v)));
    var.xchg_current_raw(v);
    var.cmpxchg_current(v, v);
    var.cmpxchg_current_raw(v, v);
  }
}

template <typename Var>
void every_arith_member(const Var& var) {
  every_member(var);
  var.add_current(3);
  var.sub_current(1);
  var.inc_current();
  var.dec_current();
  var.add_current_raw(3);
  var.sub_current_raw(1);
  var.inc_current_raw();
  var.dec_current_raw();
}

extern "C" [[noreturn]] void _start() {
  const size_t cpus = percpu::init().cpu_count;
  g_sink = percpu::init_in_place().cpu_count;
  percpu::init_percpu_reg(cpus > 1 ? 1 : 0);
  percpu::set_local_thread_pointer(0);
  percpu::write_percpu_reg(percpu::read_percpu_reg());
  g_sink = percpu::get_local_thread_pointer() + percpu::percpu_area_base(0) +
           percpu::percpu_area_num() + percpu::percpu_area_size() + percpu::area_stride() +
           percpu::area_alignment() + percpu::register_value_for(0);
  static unsigned char extra[4 * 4096] __attribute__((aligned(4096)));
  const percpu::InitResult r = percpu::init(extra, 1);
  g_sink = r.cpu_count + static_cast<uintptr_t>(r.error);
  g_sink = reinterpret_cast<uintptr_t>(percpu::to_string(r.error));

  every_arith_member(fs_i8);
  every_arith_member(fs_u16);
  every_arith_member(fs_i32);
  every_arith_member(fs_u64);
  every_member(fs_bool);
  every_member(fs_kind);
  every_member(fs_ptr);
  every_member(fs_pair);
  every_member(fs_wide);
  for (;;) {
  }
}
