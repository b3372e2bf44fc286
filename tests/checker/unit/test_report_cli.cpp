// The JSON document, the table and the CLI (exit codes, streams) on real files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "fixture_elves.hpp"
#include "check_cli.hpp"
#include "percpu/check.hpp"

namespace {

using percpu::check::Options;

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun cli(std::vector<std::string> args) {
  args.insert(args.begin(), "percpu-check");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int code = percpu::check::cli_main(static_cast<int>(args.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

Options cpus_option(unsigned n) {
  Options o;
  o.cpus = n;
  return o;
}

// The ELF with a symbol renamed in place in its string table (same length): names the file may
// hold that the JSON must escape.
std::vector<uint8_t> with_symbol_renamed(const std::string& path, const std::string& from, const std::string& to) {
  std::vector<uint8_t> bytes = fixture::read_file(path);
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, bytes.data(), sizeof ehdr);
  for (uint16_t i = 0; i < ehdr.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, bytes.data() + ehdr.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_SYMTAB) continue;
    Elf64_Shdr str;
    std::memcpy(&str, bytes.data() + ehdr.e_shoff + sh.sh_link * sizeof str, sizeof str);
    const std::string needle = std::string(1, '\0') + from + '\0';
    const auto begin = bytes.begin() + static_cast<long>(str.sh_offset);
    const auto at = std::search(begin, begin + static_cast<long>(str.sh_size), needle.begin(), needle.end());
    if (at == begin + static_cast<long>(str.sh_size) || to.size() != from.size()) throw std::runtime_error("cannot rename " + from);
    std::copy(to.begin(), to.end(), at + 1);
  }
  return bytes;
}

// The JSON is streamed (no document tree); its bytes are still what nlohmann's dump(2) writes for
// the same document: empty and full arrays, skipped rules' reasons, findings, false sharing,
// and a symbol name that is not UTF-8 (replaced by U+FFFD, not an exception).
TEST(Report, StreamedJsonIsNlohmannsDump) {
  const auto& e = fixture::elves();
  Options hot = cpus_option(4);
  hot.hot = {"counter"};
  // Findings, and a variable whose name has invalid UTF-8, a quote, a control byte and a backslash.
  const std::vector<uint8_t> odd_bytes = with_symbol_renamed(e.plain, "runqueue", "b\xff\xfe\"q\x01\\x");
  const percpu::check::Report odd = percpu::check::check_bytes(odd_bytes.data(), odd_bytes.size(), "odd.elf", cpus_option(8));
  ASSERT_EQ(std::count_if(odd.layout.variables.begin(), odd.layout.variables.end(),
                          [](const percpu::check::Variable& v) { return v.name == "b\xff\xfe\"q\x01\\x"; }),
            1);
  for (const auto& report : {percpu::check::check(e.plain, hot), percpu::check::check(e.plain, Options{}), odd,
                             percpu::check::check(e.noload, cpus_option(4))}) {
    std::ostringstream streamed;
    percpu::check::write_json(streamed, report);
    const auto tree = nlohmann::ordered_json::parse(streamed.str(), nullptr, true, false);
    EXPECT_EQ(streamed.str(), tree.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    EXPECT_EQ(streamed.str(), percpu::check::to_json(report));
  }
  const auto report = percpu::check::check(e.plain, hot);
  const auto& v = report.layout.variables.at(0);
  EXPECT_EQ(percpu::check::to_json(v), nlohmann::ordered_json::parse(percpu::check::to_json(v)).dump(2) + "\n");
  EXPECT_EQ(percpu::check::to_json(report.layout),
            nlohmann::ordered_json::parse(percpu::check::to_json(report.layout)).dump(2) + "\n");
}

TEST(Report, JsonSchema) {
  Options o;
  o.cpus = 4;
  o.hot = {"counter"};
  const auto report = percpu::check::check(fixture::elves().plain, o);
  const auto j = nlohmann::json::parse(percpu::check::to_json(report));
  EXPECT_EQ(j["schema"], "percpu-check/1");
  EXPECT_EQ(j["file"], fixture::elves().plain);
  EXPECT_EQ(j["ok"], true);
  const auto& l = j["layout"];
  for (const char* key : {"arch", "elf_class", "model", "template_vma", "template_lma", "template_size", "template_align",
                          "stride", "areas_start", "areas_end", "cpu_count", "areas", "variables"})
    EXPECT_TRUE(l.contains(key)) << key;
  EXPECT_EQ(l["cpu_count"], report.layout.cpu_count);
  EXPECT_EQ(l["areas"].get<std::vector<uint64_t>>(), report.layout.areas);
  ASSERT_EQ(l["variables"].size(), report.layout.variables.size());
  for (size_t i = 0; i < report.layout.variables.size(); ++i) {
    const auto& v = report.layout.variables[i];
    EXPECT_EQ(l["variables"][i]["name"], v.name);
    EXPECT_EQ(l["variables"][i]["offset"], v.offset);
    EXPECT_EQ(l["variables"][i]["hot"], v.hot);
  }
  EXPECT_EQ(j["findings"].size(), 0u);
  ASSERT_EQ(j["rules"].size(), percpu::check::rule_ids().size());
  for (const auto& rule : j["rules"]) {
    // The Rust crate's and the ROM/flash layout's rules skip on this layout.
    const std::string id = rule["id"];
    const bool other_kind = id.rfind("crate.", 0) == 0 || id.rfind("rom.", 0) == 0;
    EXPECT_EQ(rule["status"], other_kind ? "skip" : "pass") << id;
  }
  ASSERT_EQ(j["false_sharing"].size(), 1u);
  EXPECT_EQ(j["false_sharing"][0]["variable"], "counter");
}

TEST(Report, TextShowsLayoutAndRules) {
  const auto report = percpu::check::check(fixture::elves().plain, Options{});
  const std::string text = percpu::check::to_text(report);
  for (const char* piece : {"x86_64 (ELF64), zero model", "4 CPUs", "runqueue", "cpu3", "PASS template.progbits",
                            "SKIP cpus.count: no CPU count given", "OK: 19 passed, 0 failed, 5 skipped"})
    EXPECT_NE(text.find(piece), std::string::npos) << piece << "\n" << text;
}

TEST(Cli, ExitCodesAndStreams) {
  const auto& e = fixture::elves();
  const CliRun good = cli({e.plain, "--cpus", "4"});
  EXPECT_EQ(good.code, 0);
  EXPECT_EQ(good.out, percpu::check::to_text(percpu::check::check(e.plain, [] {
              Options o;
              o.cpus = 4;
              return o;
            }())));
  EXPECT_EQ(good.err, "");

  const CliRun wrong = cli({e.plain, "--cpus", "3", "--format", "json"});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_EQ(nlohmann::json::parse(wrong.out)["findings"][0]["rule"], "cpus.count");

  const CliRun quiet = cli({e.noload, "--quiet"});
  EXPECT_EQ(quiet.code, 1);
  EXPECT_EQ(quiet.out.rfind("  FAIL template.progbits: ", 0), 0u) << quiet.out;
  EXPECT_EQ(cli({e.plain, "-q"}).out, "");

  const CliRun missing = cli({"/nonexistent/kernel.elf"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "percpu-check: /nonexistent/kernel.elf: cannot open: No such file or directory\n");

  EXPECT_EQ(cli({}).code, 64);
  EXPECT_EQ(cli({e.plain, "--format", "yaml"}).code, 64);
  EXPECT_EQ(cli({e.plain, "--profile", "bsd"}).code, 64);
  EXPECT_EQ(cli({e.plain, "--cpus", "0"}).code, 64);
  EXPECT_EQ(cli({e.plain, "--bogus"}).code, 64);
  const CliRun help = cli({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--format"), std::string::npos);
  const CliRun version = cli({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("percpu-check ", 0), 0u);
}

TEST(Cli, HotIsRepeatable) {
  const CliRun r = cli({fixture::elves().plain, "--hot", "counter", "--hot", "name", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> hot;
  for (const auto& v : j["layout"]["variables"])
    if (v["hot"]) hot.push_back(v["name"]);
  EXPECT_EQ(hot, (std::vector<std::string>{"name", "counter"}));
}

}  // namespace
