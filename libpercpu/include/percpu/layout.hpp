// percpu/layout.hpp - the per-CPU layout contract.
//
// One small header shared by the runtime (which computes area bases), percpu-ldgen (which
// emits the linker block) and percpu-check (which verifies the linked ELF). If two of them
// ever disagree about a layout, this file is what is wrong. docs/layout-contract.md explains
// every rule here with the canonical linker block.
//
// Freestanding: no library headers beyond <stdint.h>/<stddef.h>, usable in kernels.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace percpu::layout {

// Every per-CPU area starts on a cache line, so two CPUs never share one.
inline constexpr uint64_t kMinAreaAlign = 64;

// _percpu_start (the base of CPU 0's area) is aligned to at least a page, so that the
// areas can be mapped or protected per page by a kernel that wants to.
inline constexpr uint64_t kAreaBlockAlign = 4096;

// The section and symbol names of a per-CPU layout, in one shape for everyone: the contract's
// constants below (Text = const char*, freestanding), percpu-check's names and the overrides its
// options, CLI flags and Python keywords give (Text = std::string, percpu/check.hpp). A name that
// does not exist in a layout is nullptr (or empty).
template <typename Text>
struct BasicNames {
  Text section;     // the template's output section
  Text start;       // base of CPU 0's area (where the kernel sees the template)
  Text end;         // end of the reserved areas; none when areas are allocated at run time
  Text load_start;  // first byte of the template, in the section's own address space
  Text load_end;    // one past the template's last byte
  Text stride;      // absolute symbol: distance between two CPUs' areas
  Text image;       // the ROM/flash model's image in the load region (kImageSymbol below)
  Text hot_end;     // end of the hot part of the template (kHotEndSymbol below)
};
using Names = BasicNames<const char*>;

// ---- The ROM/flash model ----
// A MEMORY script with a load region (`> RAM AT> FLASH`): the template's image is stored in the
// load region at kImageSymbol (= LOADADDR(.percpu), percpu-ldgen defines it), and every area,
// CPU 0's included, is reserved in RAM without a load image (NOLOAD). percpu::init() copies the
// image into every area when kImageSymbol is defined (a weak reference: absent = 0, so the image
// must not be stored at address 0). percpu-check recognises the model by this symbol.
inline constexpr const char* kImageSymbol = "_percpu_image";

// ---- The Rust crate `percpu`'s own layout (the fragment of its README) ----
//   _percpu_start = .;  _percpu_end = _percpu_start + SIZEOF(.percpu);
//   .percpu 0x0 (NOLOAD) : AT(_percpu_start) { _percpu_load_start = .; *(.percpu .percpu.*)
//                          _percpu_load_end = .; . = _percpu_load_start + ALIGN(64) * CPU_NUM; }
// The areas lie INSIDE the .percpu output section: SIZEOF(.percpu) = stride * CPU_NUM, the
// template is [_percpu_load_start, _percpu_load_end), there is no stride symbol, and the stride
// is the template size rounded to 64 only. percpu-check recognises it from these symbols (no
// _percpu_stride, no .percpu.areas, _percpu_end - _percpu_start == SIZEOF(.percpu)) and names
// its two defects: NOLOAD (the initial values are lost) and the 64-only rounding (see stride()).
inline constexpr uint64_t kCrateStrideAlign = 64;

// The namespace PERCPU_DEFINE puts each variable's storage in (percpu.hpp spells it; a macro
// cannot take a constant). percpu-check finds per-CPU variables outside the template by it.
inline constexpr const char* kStorageNamespace = "percpu_storage";

// Where the template lives in the virtual address space.
enum class AddressModel : uint8_t {
  // The template is linked at VMA 0 and loaded at _percpu_start: a variable's symbol value IS
  // its offset in every area, and the per-CPU register holds the area base. The Rust crate `percpu`'s model.
  zero,
  // The template is linked at its load address (_percpu_load_start == _percpu_start): the
  // per-CPU register holds (area base - _percpu_load_start), so that register + the variable's
  // ordinary address lands in the area. Needed by PIE and host programs.
  delta,
};

// The models' names, "zero" and "delta": percpu-ldgen's --vma and block marker, percpu-check's
// JSON and table, the Python API. The only place that spells them.
constexpr const char* to_string(AddressModel model) { return model == AddressModel::delta ? "delta" : "zero"; }

// Sets model from its name; false (model unchanged) for any other text.
constexpr bool parse(const char* name, AddressModel& model) {
  const AddressModel models[] = {AddressModel::zero, AddressModel::delta};
  for (const AddressModel m : models) {
    const char* a = name;
    const char* b = to_string(m);
    while (*a != '\0' && *a == *b) ++a, ++b;
    if (*a == '\0' && *b == '\0') {
      model = m;
      return true;
    }
  }
  return false;
}

constexpr uint64_t align_up(uint64_t value, uint64_t align) {
  return align == 0 ? value : (value + align - 1) / align * align;
}

constexpr bool is_power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// The alignment every area base must have: a cache line, or more for over-aligned variables.
// max_var_align is the template section's alignment (the largest alignment of any variable).
constexpr uint64_t area_align(uint64_t max_var_align) {
  return max_var_align > kMinAreaAlign ? max_var_align : kMinAreaAlign;
}

// Where the dynamic reserve starts inside every area: after the template, aligned to the area
// alignment (so an allocation aligned to area_align is aligned in every area).
constexpr uint64_t reserve_offset(uint64_t template_size, uint64_t max_var_align) {
  return align_up(template_size, area_align(max_var_align));
}

// Distance between two consecutive CPUs' areas: [template | pad | reserve | pad], rounded to
// area_align. Rounding to 64 only (as the Rust crate `percpu` does) misaligns alignas(128)
// variables on every odd CPU; rounding to area_align keeps every copy aligned. An empty
// template without reserve still gets a non-zero stride, so nothing divides by zero.
constexpr uint64_t stride(uint64_t template_size, uint64_t max_var_align, uint64_t reserve_size = 0) {
  const uint64_t used = reserve_offset(template_size, max_var_align) + reserve_size;
  return align_up(used == 0 ? 1 : used, area_align(max_var_align));
}

// The Rust crate's stride (kCrateStrideAlign above), never 0 so that nothing divides by zero.
constexpr uint64_t crate_stride(uint64_t template_size) {
  return align_up(template_size == 0 ? 1 : template_size, kCrateStrideAlign);
}

// Bytes reserved for cpu_count areas.
constexpr uint64_t reserved_size(uint64_t template_size, uint64_t max_var_align, uint64_t cpu_count,
                                 uint64_t reserve_size = 0) {
  return stride(template_size, max_var_align, reserve_size) * cpu_count;
}

// Largest template offset that each architecture's single access sequence can reach in the
// zero model (the runtime's arch headers emit exactly these sequences; the linker rejects a
// larger offset with a relocation overflow instead of truncating it silently).
inline constexpr uint64_t kReachX86_64 = uint64_t{1} << 31;     // %gs:disp32, sign-extended
inline constexpr uint64_t kReachAArch64 = uint64_t{1} << 16;    // movz #:abs_g0: (checked)
inline constexpr uint64_t kReachAArch64Large = uint64_t{1} << 32;  // movz g1 + movk g0_nc
inline constexpr uint64_t kReachRiscv = uint64_t{1} << 31;      // lui %hi + %lo, signed 32-bit
inline constexpr uint64_t kReachLoongArch = uint64_t{1} << 31;  // lu12i.w + ori, signed 32-bit

// ---- Hot variables (PERCPU_DEFINE_HOT) ----
// Hot variables live in input sections named kHotInputSection (or kHotInputSection + ".*"),
// which percpu-ldgen places FIRST in the template, so their offsets are small enough for the
// shortest access each architecture has (riscv `ld a0, off(gp)`, loongarch `ld.d $a0, $r21, off`:
// signed 12-bit; aarch64 `ldr x0, [x1, #off]`: unsigned 12-bit, scaled). The short form exists in
// the zero model only. kHotEndSymbol marks the end of the hot part in the template's address space;
// the block ASSERTs (kHotEndSymbol - template start) <= kHotReach, the same limit on every arch.
inline constexpr const char* kHotInputSection = ".percpu.hot";
inline constexpr const char* kHotEndSymbol = "_percpu_hot_end";
inline constexpr uint64_t kHotReach = 2048;

// The project's own layout, with the Rust crate `percpu`'s symbol names, so its users feel at home.
inline constexpr Names kPercpuNames{".percpu",         "_percpu_start",  "_percpu_end",  "_percpu_load_start",
                                    "_percpu_load_end", "_percpu_stride", kImageSymbol, kHotEndSymbol};

// Linux's layout: the template is .data..percpu between __per_cpu_start and __per_cpu_end,
// loaded at __per_cpu_load; areas are allocated by the kernel at boot, so there is no end of
// reserved areas and no stride symbol in the ELF (nor image or hot part).
inline constexpr Names kLinuxNames{".data..percpu", "__per_cpu_load", nullptr, "__per_cpu_start",
                                   "__per_cpu_end",  nullptr,          nullptr, nullptr};

// ---- Reach record (read by percpu-check's reach rules) ----
// Every translation unit that includes the runtime records how far its access sequences reach,
// as one ELF note per access kind in the non-allocated SHT_NOTE section kReachNoteSection:
//   namesz = 7, descsz = 16, type = kReachNoteType, name = "percpu\0" (padded to 8),
//   desc = { uint64 reach; uint32 kind (ReachKind); uint32 reserved = 0 }   (target byte order)
// "reach" means: offsets in [0, reach) are reachable. The linker concatenates the notes of all
// translation units; the checker takes the minimum per kind. A file with no record falls back to
// the per-architecture defaults below.
inline constexpr const char* kReachNoteSection = ".note.percpu.reach";
inline constexpr const char* kReachNoteName = "percpu";
inline constexpr uint32_t kReachNoteType = 1;
enum class ReachKind : uint32_t {
  template_access = 0,  // an ordinary access: any variable's offset + size must be within reach
  hot_access = 1,       // a hot access: the hot part's end must be within reach
};

// ---- Dynamic reserve (percpu-ldgen --reserve SIZE) ----
// Every area is [template | padding to area_align | reserve of SIZE bytes | padding to stride].
// kReserveOffsetSymbol (absolute) is the reserve's offset inside every area, aligned to the area
// alignment; kReserveSizeSymbol (absolute) its size in bytes. Without --reserve both are absent
// (a weak reference reads 0) and the stride is the template's alone.
inline constexpr const char* kReserveOffsetSymbol = "_percpu_reserve_offset";
inline constexpr const char* kReserveSizeSymbol = "_percpu_reserve_size";
// The largest reserve percpu-ldgen and the runtime accept (1 GiB): far above any real need, small
// enough that stride * cpus cannot overflow a 64-bit address space for any sane CPU count.
inline constexpr uint64_t kMaxReserve = uint64_t{1} << 30;
// The dynamic allocator's unit: every allocation is a whole number of granules, aligned to one.
inline constexpr uint64_t kReserveGranule = 16;

// The marker lines percpu-ldgen writes around the block it owns in a linker script.
inline constexpr const char* kBlockBeginMarker = "/* percpu-ldgen: begin";
inline constexpr const char* kBlockEndMarker = "/* percpu-ldgen: end */";

}  // namespace percpu::layout
