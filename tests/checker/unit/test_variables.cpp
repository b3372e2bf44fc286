// The layout's compact variable table (percpu::check::Variables) on linked ELF files: order, the
// fields it derives on read, demangled names kept apart from their symbols, aliases whose bytes
// span their neighbours, and the empty table.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "fixture_elves.hpp"
#include "percpu/check.hpp"

namespace {

using percpu::check::Layout;
using percpu::check::Options;
using percpu::check::Variable;
using percpu::check::Variables;

std::vector<std::string> names_of(const Variables& vars) {
  std::vector<std::string> names;
  for (const Variable& v : vars) names.push_back(v.name);
  return names;
}

// overlap.elf (fixture_elves.cpp): big [0, 64) is an alias over first [0, 8) and second [12, 16);
// after [68, 76); x [76, 80).
TEST(Variables, OrderAndDerivedFields) {
  Options options;
  options.hot = {"sec*"};
  const Layout l = percpu::check::inspect(fixture::elves().overlap, options);
  const Variables& vars = l.variables;
  ASSERT_EQ(vars.size(), 5u);
  EXPECT_FALSE(vars.empty());
  EXPECT_EQ(names_of(vars), (std::vector<std::string>{"big", "first", "second", "after", "x"}))
      << "by offset, then by name: big before first at offset 0; x is not demangled to long long";
  EXPECT_EQ(l.template_align, 64u);
  struct Expected {
    uint64_t offset, size, align, cache_line, padding_before;
    bool hot;
  };
  // padding_before counts from the end of everything before: second starts inside big (0, not
  // the 4 bytes after first), after starts 4 bytes past big's end (not 52 past second's).
  const Expected expected[] = {
      {0, 64, 64, 0, 0, false}, {0, 8, 64, 0, 0, false}, {12, 4, 4, 0, 0, true}, {68, 8, 4, 1, 4, false},
      {76, 4, 4, 1, 0, false}};
  for (size_t i = 0; i < vars.size(); ++i) {
    const Variable v = vars[i];
    EXPECT_EQ(v.symbol, v.name) << "a C name is its own symbol";
    EXPECT_EQ(v.offset, expected[i].offset) << v.name;
    EXPECT_EQ(v.size, expected[i].size) << v.name;
    EXPECT_EQ(v.align, expected[i].align) << v.name;
    EXPECT_EQ(v.cache_line, expected[i].cache_line) << v.name;
    EXPECT_EQ(v.padding_before, expected[i].padding_before) << v.name;
    EXPECT_EQ(v.hot, expected[i].hot) << v.name;
    EXPECT_EQ(v.area_base, l.areas_start) << v.name;
    EXPECT_EQ(v.area_stride, l.stride) << v.name;
    ASSERT_EQ(l.areas.size(), 4u);
    for (uint64_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(v.address_on(cpu), l.areas[cpu] + v.offset) << v.name;
  }
  EXPECT_EQ(vars.front().name, "big");
  EXPECT_EQ(vars.back().name, "x");
  EXPECT_EQ(vars.at(3).offset, 68u);
  EXPECT_THROW((void)vars.at(5), std::out_of_range);
}

TEST(Variables, IteratorMakesTheSameValuesAsIndexing) {
  using It = Variables::iterator;
  static_assert(std::is_same_v<std::iterator_traits<It>::iterator_category, std::input_iterator_tag>);
  static_assert(std::is_same_v<std::iterator_traits<It>::reference, Variable>, "elements are values");
  const Layout l = percpu::check::inspect(fixture::elves().plain, Options{});
  const Variables& vars = l.variables;
  ASSERT_EQ(static_cast<size_t>(std::distance(vars.begin(), vars.end())), vars.size());
  size_t i = 0;
  for (It it = vars.begin(); it != vars.end(); it++, ++i) {
    const Variable a = *it, b = vars[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.offset, b.offset);
    EXPECT_EQ(a.padding_before, b.padding_before);
    if (i) {
      EXPECT_LE(vars[i - 1].offset, a.offset);
    }
  }
  EXPECT_EQ(i, 5u);
}

// C++ storage symbols: the display name is demangled without percpu_storage::, the symbol stays
// the ELF's; --hot patterns match either.
TEST(Variables, NameThatDiffersFromItsSymbol) {
  Options options;
  options.hot = {"sched::*"};
  const Layout l = percpu::check::inspect(fixture::elves().cxx, options);
  ASSERT_EQ(l.variables.size(), 2u);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const Variable& v : l.variables) {
    seen.emplace_back(v.name, v.symbol);
    EXPECT_EQ(v.hot, v.name == "sched::queue") << v.name;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"sched::queue", "_ZN5sched14percpu_storage5queueE"},
                                                                    {"ticks", "_ZN14percpu_storage5ticksE"}}));
}

TEST(Variables, Empty) {
  const Variables none;
  EXPECT_EQ(none.size(), 0u);
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.begin() == none.end());
  for (const Variable& v : none) ADD_FAILURE() << v.name;
  EXPECT_THROW((void)none.at(0), std::out_of_range);

  Options options;
  options.names.section = ".no_such_section";
  const Layout l = percpu::check::inspect(fixture::elves().plain, options);
  EXPECT_TRUE(l.variables.empty()) << "no template, no variables";
}

}  // namespace
