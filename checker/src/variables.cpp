// The compact variable table (percpu/check.hpp, Variables) and how it is built (variables.hpp).
#include "variables.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "analysis.hpp"

namespace percpu::check {
namespace {

constexpr uint64_t kCacheLine = 64;
// VariableRecord::name: the hot mark, and 1 + the display name's offset in the name pool.
constexpr uint32_t kHotBit = uint32_t{1} << 31;
constexpr uint32_t kNameMask = kHotBit - 1;

uint64_t end_of(const detail::VariableRecord& r) { return r.offset + r.size; }

}  // namespace

Variable Variables::operator[](size_t i) const {
  const detail::VariableRecord& r = records_[i];
  Variable v;
  v.symbol = &symbols_[r.symbol];
  const uint32_t name = r.name & kNameMask;
  v.name = name ? std::string(&names_[name - 1]) : v.symbol;
  v.offset = r.offset;
  v.size = r.size;
  v.align = detail::guaranteed_align(r.offset, template_align_);
  v.cache_line = r.offset / kCacheLine;
  const uint64_t covered = covered_before(i);
  v.padding_before = r.offset > covered ? r.offset - covered : 0;
  v.hot = (r.name & kHotBit) != 0;
  v.area_base = area_base_;
  v.area_stride = area_stride_;
  return v;
}

Variable Variables::at(size_t i) const {
  if (i >= size())
    throw std::out_of_range("percpu::check::Variables::at: index " + std::to_string(i) + ", size " + std::to_string(size()));
  return (*this)[i];
}

uint64_t Variables::covered_before(size_t i) const {
  const auto it = std::lower_bound(covered_.begin(), covered_.end(), i,
                                   [](const std::pair<size_t, uint64_t>& e, size_t index) { return e.first < index; });
  if (it != covered_.end() && it->first == i) return it->second;
  return i ? end_of(records_[i - 1]) : 0;
}

}  // namespace percpu::check

namespace percpu::check::detail {
namespace {

bool is_hot(const std::vector<std::string>& patterns, const std::string& name, const char* symbol) {
  for (const std::string& p : patterns)
    if (fnmatch(p.c_str(), name.c_str(), 0) == 0 || fnmatch(p.c_str(), symbol, 0) == 0) return true;
  return false;
}

}  // namespace

uint64_t guaranteed_align(uint64_t offset, uint64_t template_align) {
  if (offset == 0) return template_align;
  const uint64_t lowest_bit = offset & (~offset + 1);
  return std::min(lowest_bit, template_align);
}

Variables VariablesBuilder::build(TemplateSymbols symbols, const Layout& layout,
                                  const std::vector<std::string>& hot_patterns) {
  Variables v;
  v.records_ = std::move(symbols.records);
  v.symbols_ = std::move(symbols.strings);
  v.template_align_ = layout.template_align;
  v.area_base_ = layout.areas_start;
  v.area_stride_ = layout.stride;
  name_and_mark(v, hot_patterns);
  sort_by_offset(v);
  note_overlaps(v);
  return v;
}

// Each record's display name goes to the name pool only when it differs from the symbol (C names
// do not; C++ names and percpu_storage:: do). A pool past 2 GiB (only absurd inputs: demangled
// names of a few KB each for a million symbols) leaves the rest shown as their symbols.
void VariablesBuilder::name_and_mark(Variables& v, const std::vector<std::string>& hot_patterns) {
  for (VariableRecord& r : v.records_) {
    const char* symbol = &v.symbols_[r.symbol];
    const std::string name = demangle(symbol);
    r.name = 0;
    if (name != symbol && v.names_.size() + name.size() + 1 < kNameMask) {
      r.name = static_cast<uint32_t>(v.names_.size() + 1);
      v.names_.insert(v.names_.end(), name.begin(), name.end());
      v.names_.push_back('\0');
    }
    if (!hot_patterns.empty() && is_hot(hot_patterns, name, symbol)) r.name |= kHotBit;
  }
}

// By offset, then symbol name (bytewise, as std::string compares), then size: aliases at one
// offset in a stable order.
void VariablesBuilder::sort_by_offset(Variables& v) {
  const char* pool = v.symbols_.data();
  std::sort(v.records_.begin(), v.records_.end(), [pool](const VariableRecord& a, const VariableRecord& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    if (const int order = std::strcmp(pool + a.symbol, pool + b.symbol)) return order < 0;
    return a.size < b.size;
  });
}

// padding_before is measured from the end of everything before a variable; that is the previous
// variable's end except after a variable that reaches further (an alias, an overlapping symbol):
// those few are written down.
void VariablesBuilder::note_overlaps(Variables& v) {
  uint64_t covered = 0;
  for (size_t i = 0; i < v.records_.size(); ++i) {
    const uint64_t previous_end = i ? end_of(v.records_[i - 1]) : 0;
    if (covered != previous_end) v.covered_.emplace_back(i, covered);
    covered = std::max(covered, end_of(v.records_[i]));
  }
}

}  // namespace percpu::check::detail
