// Every rule on real linked files: good layouts pass, each broken one fails exactly its rule.
#include <gtest/gtest.h>

#include <set>

#include "fixture_elves.hpp"
#include "percpu/check.hpp"

namespace {

using percpu::check::Options;
using percpu::check::Report;
using percpu::check::RuleStatus;

// The rules of another layout kind (the Rust crate's, the ROM/flash one) skip on percpu-ldgen's
// ordinary layout.
bool skips_on_plain_layouts(const std::string& id) { return id.rfind("crate.", 0) == 0 || id.rfind("rom.", 0) == 0; }

// A finding speaks to CLI and Python users alike: it may name percpu-ldgen's flags (another tool to
// run) but none of percpu-check's own options (the CLI's --section is Python's section=).
void expect_no_checker_flags(const Report& r) {
  for (const auto& f : r.findings)
    for (const char* flag : {"--section", "--profile", "--start-symbol", "--end-symbol", "--load-", "--cpus)", "--hot"})
      EXPECT_EQ((f.message + " " + f.hint).find(flag), std::string::npos) << f.rule << ": " << f.hint;
}

std::set<std::string> failed(const Report& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) {
    out.insert(f.rule);
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.hint.empty());
    EXPECT_EQ(f.message.find('\n'), std::string::npos);
  }
  for (const auto& rule : r.rules) EXPECT_EQ(rule.status == RuleStatus::fail, out.count(rule.id) == 1) << rule.id;
  return out;
}

Options cpus(unsigned n) {
  Options o;
  o.cpus = n;
  return o;
}

TEST(Rules, IdsAreTheDocumentedOnes) {
  const std::vector<std::string> expected{
      "template.exists",     "template.flags",        "template.progbits",      "crate.template_progbits",
      "template.address_model", "symbols.present",    "symbols.load_range",
      "variables.inside",    "variables.swallowed",   "areas.start_aligned",   "areas.start_is_load_address",
      "rom.image",           "rom.areas",
      "areas.size",          "stride.alignment",      "reserve.inside",        "crate.stride_alignment", "cpus.count",
      "areas.no_overlap",    "segments.size",         "segments.template_alone",
      "segments.next_load_address", "reach.arch",     "reach.hot"};
  EXPECT_EQ(percpu::check::rule_ids(), expected);
}

TEST(Rules, GoodLayoutsPassEveryRule) {
  const auto& e = fixture::elves();
  for (const auto& [path, n] : std::vector<std::pair<std::string, unsigned>>{
           {e.plain, 4}, {e.higher_half, 4}, {e.riscv32, 2}, {e.bulky, 4}, {e.cxx, 4}}) {
    const Report r = percpu::check::check(path, cpus(n));
    EXPECT_TRUE(r.ok()) << path << ": " << (r.findings.empty() ? "" : r.findings[0].rule + ": " + r.findings[0].message);
    ASSERT_EQ(r.rules.size(), percpu::check::rule_ids().size());
    for (const auto& rule : r.rules)
      EXPECT_EQ(rule.status, skips_on_plain_layouts(rule.id) ? RuleStatus::skip : RuleStatus::pass)
          << path << " " << rule.id << " " << rule.reason;
  }
}

TEST(Rules, WithoutCpusTheCountIsSkippedNotFailed) {
  const Report r = percpu::check::check(fixture::elves().plain, Options{});
  EXPECT_TRUE(r.ok());
  for (const auto& rule : r.rules)
    EXPECT_EQ(rule.status, rule.id == "cpus.count" || skips_on_plain_layouts(rule.id) ? RuleStatus::skip : RuleStatus::pass)
        << rule.id;
}

TEST(Rules, WrongCpuCount) {
  const Report r = percpu::check::check(fixture::elves().plain, cpus(8));
  EXPECT_EQ(failed(r), std::set<std::string>{"cpus.count"});
  EXPECT_NE(r.findings[0].message.find("4 CPUs"), std::string::npos) << r.findings[0].message;
  expect_no_checker_flags(r);
}

TEST(Rules, NoloadTemplate) {
  const Report r = percpu::check::check(fixture::elves().noload, cpus(4));
  EXPECT_EQ(failed(r), std::set<std::string>{"template.progbits"});
}

TEST(Rules, MisalignedStart) {
  const std::string script = fixture::replace_once(fixture::elves().script_plain, ". = ALIGN(MAX(4K, ALIGNOF(.percpu)));",
                                                   ". = ALIGN(MAX(4K, ALIGNOF(.percpu))) + 128;");
  const Report r = percpu::check::check(fixture::link_x86_64(script, "misaligned"), cpus(4));
  EXPECT_EQ(failed(r), std::set<std::string>{"areas.start_aligned"});
}

TEST(Rules, StrideSymbolOffContract) {
  const std::string script = fixture::replace_once(fixture::elves().script_plain, "_percpu_stride = ABSOLUTE(",
                                                   "_percpu_stride = 2 * ABSOLUTE(");
  const Report r = percpu::check::check(fixture::link_x86_64(script, "stride"), cpus(4));
  EXPECT_EQ(failed(r), std::set<std::string>{"stride.alignment"});
  EXPECT_EQ(r.layout.cpu_count, 4u) << "the areas are read with the ELF's own stride";
}

TEST(Rules, ZeroStrideSymbolIsReportedAsTheElfHasIt) {
  // The areas are reserved with the real stride; the symbol the runtime reads says 0.
  std::string script = fixture::replace_once(fixture::elves().script_plain, "_percpu_stride = ABSOLUTE(", "_real_stride = ABSOLUTE(");
  script = fixture::replace_once(script, "_percpu_stride * 4", "_real_stride * 4");
  script = fixture::replace_once(script, "/* percpu-ldgen: end */", "_percpu_stride = 0;");
  const Report r = percpu::check::check(fixture::link_x86_64(script, "stride-0"), cpus(4));
  EXPECT_EQ(failed(r), std::set<std::string>{"stride.alignment"});
  EXPECT_EQ(r.layout.stride, 0u);
  EXPECT_EQ(r.layout.cpu_count, 0u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("_percpu_stride is 0x0 (zero"), std::string::npos) << r.findings[0].message;
  for (const auto& rule : r.rules) {
    if (rule.id == "areas.size" || rule.id == "cpus.count") {
      EXPECT_EQ(rule.status, RuleStatus::skip) << rule.id;
    }
  }
}

TEST(Rules, MissingEndSymbol) {
  const std::string script = fixture::replace_once(fixture::elves().script_plain, "_percpu_end = .;", "_areas_end = .;");
  const Report r = percpu::check::check(fixture::link_x86_64(script, "no-end"), cpus(4));
  EXPECT_EQ(failed(r), std::set<std::string>{"symbols.present"});
  expect_no_checker_flags(r);
  for (const auto& rule : r.rules) {
    if (rule.id == "areas.size" || rule.id == "cpus.count" || rule.id == "areas.no_overlap") {
      EXPECT_EQ(rule.status, RuleStatus::skip) << rule.id;
    }
  }
  Options renamed = cpus(4);
  renamed.names.end = "_areas_end";
  EXPECT_TRUE(percpu::check::check(fixture::link_x86_64(script, "no-end"), renamed).ok()) << "--end-symbol names it";
}

TEST(Rules, LinuxProfileOnAPercpuKernel) {
  Options o;
  o.profile = percpu::check::Profile::linux;
  const Report r = percpu::check::check(fixture::elves().plain, o);
  EXPECT_EQ(failed(r), std::set<std::string>{"template.exists"});
  expect_no_checker_flags(r);
}

}  // namespace
