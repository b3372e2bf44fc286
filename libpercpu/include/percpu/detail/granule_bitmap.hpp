// percpu/detail/granule_bitmap.hpp - the dynamic allocator's bookkeeping: one bit per granule of
// the reserve (1 = in use), first-fit. Pure logic over memory the caller owns (no locking, no
// globals), so the unit tests drive it directly against a reference model. Freestanding.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace percpu::detail {

class GranuleBitmap {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // Bytes of bitmap words needed for `granules` granules.
  static constexpr size_t words_for(size_t granules) { return (granules + 63) / 64; }

  // Manages `granules` granules, all free; `words` holds words_for(granules) words.
  void reset(uint64_t* words, size_t granules) noexcept {
    words_ = words;
    granules_ = granules;
    used_ = 0;
    hint_ = 0;
    for (size_t w = 0; w < words_for(granules); ++w) words_[w] = 0;
  }

  // The lowest run of `count` free granules whose first index is a multiple of `align`
  // (a power of two); marks it used and returns its first index, or kNone (nothing changes).
  size_t allocate(size_t count, size_t align) noexcept {
    if (count == 0 || count > granules_ - used_) return kNone;
    hint_ = find(hint_, granules_, false);  // no free granule below hint_
    size_t i = align_up(hint_, align);
    while (i < granules_ && count <= granules_ - i) {
      const size_t used = find(i, i + count, true);
      if (used == i + count) {
        set_range(i, count, true);
        used_ += count;
        return i;
      }
      i = align_up(find(used + 1, granules_, false), align);
    }
    return kNone;
  }

  // Frees [first, first + count). Refuses (false, nothing changes) a range that is out of
  // bounds or not wholly in use: a double free or a wrong size cannot corrupt the map.
  bool release(size_t first, size_t count) noexcept {
    if (count == 0 || first >= granules_ || count > granules_ - first) return false;
    if (find(first, first + count, false) != first + count) return false;
    set_range(first, count, false);
    used_ -= count;
    if (first < hint_) hint_ = first;
    return true;
  }

  bool in_use(size_t i) const noexcept { return (words_[i / 64] >> (i % 64)) & 1; }
  size_t granules() const noexcept { return granules_; }
  size_t used() const noexcept { return used_; }

  // The longest run of free granules (external fragmentation = 1 - this / free granules).
  size_t largest_free_run() const noexcept {
    size_t best = 0;
    for (size_t i = find(0, granules_, false); i < granules_;) {
      const size_t end = find(i, granules_, true);
      if (end - i > best) best = end - i;
      i = find(end, granules_, false);
    }
    return best;
  }

 private:
  static size_t align_up(size_t v, size_t a) noexcept { return (v + a - 1) & ~(a - 1); }

  // __builtin_ctzll without the libgcc call (__ctzdi2) it becomes on riscv64 without Zbb:
  // kernels link no libgcc. w != 0.
  static size_t lowest_set_bit(uint64_t w) noexcept {
    size_t n = 0;
    for (unsigned shift = 32; shift != 0; shift /= 2)
      if ((w & ((uint64_t{1} << shift) - 1)) == 0) {
        w >>= shift;
        n += shift;
      }
    return n;
  }

  // The first index in [from, limit) whose bit equals `set`, or limit.
  size_t find(size_t from, size_t limit, bool set) const noexcept {
    while (from < limit) {
      uint64_t w = words_[from / 64];
      if (!set) w = ~w;
      w &= ~uint64_t{0} << (from % 64);
      if (w != 0) {
        const size_t at = from / 64 * 64 + lowest_set_bit(w);
        return at < limit ? at : limit;
      }
      from = (from / 64 + 1) * 64;
    }
    return limit;
  }

  void set_range(size_t first, size_t count, bool set) noexcept {
    size_t i = first;
    const size_t end = first + count;
    while (i < end) {
      const size_t bit = i % 64;
      const size_t n = (end - i < 64 - bit) ? end - i : 64 - bit;
      const uint64_t mask = (n == 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1)) << bit;
      if (set) words_[i / 64] |= mask;
      else words_[i / 64] &= ~mask;
      i += n;
    }
  }

  uint64_t* words_ = nullptr;
  size_t granules_ = 0;
  size_t used_ = 0;
  size_t hint_ = 0;
};

}  // namespace percpu::detail
