// The layout model on linked ELF files: variables, areas, addresses, names, hot variables.
#include <elf.h>
#include <gtest/gtest.h>

#include <map>

#include "analysis.hpp"
#include "fixture_elves.hpp"
#include "percpu/check.hpp"

namespace {

using percpu::check::Layout;
using percpu::check::Options;
using percpu::check::Variable;

std::map<std::string, Variable> by_name(const Layout& l) {
  std::map<std::string, Variable> out;
  for (const Variable& v : l.variables) out[v.name] = v;
  return out;
}

TEST(Layout, PlainKernel) {
  const Layout l = percpu::check::inspect(fixture::elves().plain, Options{});
  EXPECT_EQ(l.arch, "x86_64");
  EXPECT_EQ(l.elf_class, 64u);
  EXPECT_EQ(l.model, percpu::layout::AddressModel::zero);
  EXPECT_EQ(l.template_vma, 0u);
  EXPECT_EQ(l.template_align, 128u);
  EXPECT_EQ(l.stride, percpu::layout::stride(l.template_size, 128));
  EXPECT_EQ(l.cpu_count, 4u);
  EXPECT_EQ(l.template_lma, l.areas_start) << "identity-mapped: CPU 0's area is the template's image";
  EXPECT_EQ(l.areas_end, l.areas_start + 4 * l.stride);
  ASSERT_EQ(l.areas.size(), 4u);
  for (uint64_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(l.areas[cpu], l.areas_start + cpu * l.stride);

  const auto vars = by_name(l);
  ASSERT_EQ(vars.size(), 5u);
  const std::map<std::string, uint64_t> sizes{{"counter", 8}, {"cpu_id", 4}, {"runqueue", 200}, {"nesting", 2}, {"name", 13}};
  for (const auto& [name, size] : sizes) {
    ASSERT_TRUE(vars.count(name)) << name;
    EXPECT_EQ(vars.at(name).size, size) << name;
    EXPECT_EQ(vars.at(name).symbol, name);
    EXPECT_EQ(vars.at(name).cache_line, vars.at(name).offset / 64);
  }
  const Variable& rq = vars.at("runqueue");
  EXPECT_EQ(rq.offset % 128, 0u);
  EXPECT_EQ(rq.align, 128u);
  for (uint64_t cpu = 0; cpu < 4; ++cpu) {
    EXPECT_EQ(rq.address_on(cpu), l.areas[cpu] + rq.offset);
    EXPECT_EQ(rq.address_on(cpu) % 128, 0u);
  }
  // Sorted by offset; padding_before is the gap after everything before it.
  uint64_t covered = 0;
  for (size_t i = 0; i < l.variables.size(); ++i) {
    const Variable& v = l.variables[i];
    if (i) {
      EXPECT_LE(l.variables[i - 1].offset, v.offset);
    }
    EXPECT_EQ(v.padding_before, v.offset > covered ? v.offset - covered : 0) << v.name;
    covered = std::max(covered, v.offset + v.size);
    EXPECT_TRUE(v.align && (v.offset % v.align) == 0 && v.align <= 128) << v.name;
  }
}

TEST(Layout, HigherHalfAreasAreVirtual) {
  const Layout l = percpu::check::inspect(fixture::elves().higher_half, Options{});
  EXPECT_EQ(l.areas_start - l.template_lma, 0xffffffff80000000u);
  EXPECT_EQ(l.cpu_count, 4u);
}

TEST(Layout, Elf32Riscv) {
  const Layout l = percpu::check::inspect(fixture::elves().riscv32, Options{});
  EXPECT_EQ(l.arch, "riscv32");
  EXPECT_EQ(l.elf_class, 32u);
  EXPECT_EQ(l.cpu_count, 2u);
  EXPECT_EQ(by_name(l).at("counter").size, 8u);
}

TEST(Layout, CxxNamesAreDemangledWithoutStorageNamespace) {
  const Layout l = percpu::check::inspect(fixture::elves().cxx, Options{});
  const auto vars = by_name(l);
  ASSERT_TRUE(vars.count("ticks")) << "percpu_storage:: is stripped";
  EXPECT_EQ(vars.at("ticks").symbol, "_ZN14percpu_storage5ticksE");
  ASSERT_TRUE(vars.count("sched::queue"));
  EXPECT_EQ(vars.at("sched::queue").size, 12u);
  EXPECT_EQ(percpu::check::detail::demangle("_ZN5sched14percpu_storage5queueE"), "sched::queue");
  EXPECT_EQ(percpu::check::detail::demangle("plain_c_name"), "plain_c_name");
  // C names that read as a type's encoding stay names (__cxa_demangle("x") is "long long").
  for (const char* c_name : {"x", "i", "d", "Si"}) EXPECT_EQ(percpu::check::detail::demangle(c_name), c_name);
}

TEST(Layout, HotVariablesAndFalseSharing) {
  Options options;
  options.hot = {"counter", "run*"};
  const Layout l = percpu::check::inspect(fixture::elves().plain, options);
  const auto vars = by_name(l);
  EXPECT_TRUE(vars.at("counter").hot);
  EXPECT_TRUE(vars.at("runqueue").hot);
  EXPECT_FALSE(vars.at("cpu_id").hot);
  const auto shared = percpu::check::detail::false_sharing(l);
  std::map<std::string, std::vector<std::string>> sharing;
  for (const auto& f : shared) sharing[f.variable] = f.shared_with;
  // Each hot variable is reported exactly with the variables whose bytes touch one of its lines.
  for (const char* hot : {"counter", "runqueue"}) {
    const Variable& h = vars.at(hot);
    std::vector<std::string> expected;
    for (const Variable& o : l.variables) {
      if (o.name == h.name) continue;
      const uint64_t o_last = (o.offset + o.size - 1) / 64, h_last = (h.offset + h.size - 1) / 64;
      if (o.cache_line <= h_last && o_last >= h.cache_line) expected.push_back(o.name);
    }
    if (expected.empty()) {
      EXPECT_EQ(sharing.count(hot), 0u) << hot;
    } else {
      EXPECT_EQ(sharing[hot], expected) << hot;
    }
  }
  EXPECT_FALSE(sharing["counter"].empty()) << "counter shares its line with cpu_id";
}

TEST(Layout, LinuxProfileNamesAndNoAreas) {
  Options options;
  options.profile = percpu::check::Profile::linux;
  const auto names = percpu::check::detail::names_for(options);
  EXPECT_EQ(names.section, ".data..percpu");
  EXPECT_EQ(names.end, "");
  options.names.section = ".percpu";
  options.names.start = "_percpu_start";
  options.names.load_start = "_percpu_load_start";
  options.names.load_end = "_percpu_load_end";
  const Layout l = percpu::check::inspect(fixture::elves().plain, options);
  EXPECT_EQ(l.cpu_count, 0u) << "no end symbol: the areas are not in the ELF";
  EXPECT_TRUE(l.areas.empty());
  EXPECT_EQ(l.variables.size(), 5u);
}

}  // namespace
