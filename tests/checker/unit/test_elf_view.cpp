// The bounded view: what it reads, what it leaves out, and that no malformed input gets past it
// (or past LIEF) as anything but ElfError.
#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "elf_view.hpp"
#include "fixture_elves.hpp"
#include "lief_adapter.hpp"
#include "percpu/check.hpp"

namespace {

using percpu::check::ElfError;
using percpu::check::Options;
namespace detail = percpu::check::detail;

const std::vector<std::string> kLayoutSymbols{"_percpu_start", "_percpu_end", "_percpu_load_start",
                                              "_percpu_load_end", "_percpu_stride"};

detail::ElfModel model_of(const std::string& path) {
  const detail::BoundedElf view = detail::view_elf_file(path, ".percpu", kLayoutSymbols);
  detail::ElfModel model = detail::parse_with_lief(view.image, path, ".percpu");
  detail::restore_file_fields(model, view);
  return model;
}

const detail::ElfSection* section(const detail::ElfModel& m, const std::string& name) {
  for (const auto& s : m.sections)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(ElfView, ImageHoldsOnlyHeadersSymbolsAndTheTemplate) {
  const std::string& bulky = fixture::elves().bulky;
  const uint64_t file_size = fixture::read_file(bulky).size();
  const detail::BoundedElf view = detail::view_elf_file(bulky, ".percpu", kLayoutSymbols);
  EXPECT_GT(file_size, uint64_t{4} << 20);
  EXPECT_LT(view.image.size(), 64u * 1024) << "the 4 MiB section and the relocations stayed out";

  const detail::ElfModel model = model_of(bulky);
  const detail::ElfSection* junk = section(model, ".debug_junk");
  ASSERT_NE(junk, nullptr);
  EXPECT_EQ(junk->type, uint32_t{SHT_PROGBITS}) << "the original type comes back";
  EXPECT_EQ(junk->size, uint64_t{4} << 20);
  bool has_rela = false;
  for (const auto& s : model.sections) has_rela |= s.type == SHT_RELA;
  EXPECT_TRUE(has_rela) << "--emit-relocs sections are listed (headers only)";

  // Only the template's symbols and the layout's names reach LIEF (not touch, data_word, ...).
  const detail::ElfSection* tmpl = section(model, ".percpu");
  ASSERT_NE(tmpl, nullptr);
  std::set<std::string> names;
  for (const auto& sym : model.symbols) {
    names.insert(sym.name);
    const bool layout_name = std::find(kLayoutSymbols.begin(), kLayoutSymbols.end(), sym.name) != kLayoutSymbols.end();
    EXPECT_TRUE(sym.shndx == tmpl->index || layout_name) << sym.name;
  }
  for (const std::string& wanted : kLayoutSymbols) EXPECT_TRUE(names.count(wanted)) << wanted;
  for (const char* variable : {"counter", "cpu_id", "runqueue", "nesting", "name"}) EXPECT_TRUE(names.count(variable)) << variable;
}

TEST(ElfView, ModelMatchesTheFile) {
  const std::string& plain = fixture::elves().plain;
  const detail::ElfModel model = model_of(plain);
  const std::vector<uint8_t> bytes = fixture::read_file(plain);
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, bytes.data(), sizeof ehdr);
  EXPECT_EQ(model.elf_class, 64u);
  EXPECT_EQ(model.machine, EM_X86_64);
  ASSERT_EQ(model.sections.size(), ehdr.e_shnum);
  ASSERT_EQ(model.segments.size(), ehdr.e_phnum);
  for (size_t i = 0; i < model.sections.size(); ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, bytes.data() + ehdr.e_shoff + i * sizeof sh, sizeof sh);
    EXPECT_EQ(model.sections[i].addr, sh.sh_addr) << i;
    EXPECT_EQ(model.sections[i].size, sh.sh_size) << i;
    EXPECT_EQ(model.sections[i].offset, sh.sh_offset) << i;
    EXPECT_EQ(model.sections[i].type, sh.sh_type) << i;
  }
  for (size_t i = 0; i < model.segments.size(); ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, bytes.data() + ehdr.e_phoff + i * sizeof ph, sizeof ph);
    EXPECT_EQ(model.segments[i].offset, ph.p_offset) << i;
    EXPECT_EQ(model.segments[i].filesz, ph.p_filesz) << i;
    EXPECT_EQ(model.segments[i].memsz, ph.p_memsz) << i;
    EXPECT_EQ(model.segments[i].paddr, ph.p_paddr) << i;
  }
  const detail::ElfSection* tmpl = section(model, ".percpu");
  ASSERT_NE(tmpl, nullptr);
  ASSERT_EQ(model.template_bytes.size(), 1u);
  const std::vector<uint8_t>& data = model.template_bytes[0].second;
  ASSERT_EQ(data.size(), tmpl->size);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), bytes.begin() + static_cast<long>(tmpl->offset)));
}

TEST(ElfView, Elf32IsRead) {
  const detail::ElfModel model = model_of(fixture::elves().riscv32);
  EXPECT_EQ(model.elf_class, 32u);
  EXPECT_EQ(model.machine, EM_RISCV);
  EXPECT_NE(section(model, ".percpu"), nullptr);
}

// Every prefix of a real ELF: ElfError (or, if the prefix happened to hold all the view needs, a
// report), never a crash or another exception.
TEST(ElfView, EveryTruncationIsAnElfError) {
  for (const std::string* path : {&fixture::elves().plain, &fixture::elves().riscv32}) {
    const std::vector<uint8_t> bytes = fixture::read_file(*path);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      try {
        (void)percpu::check::check_bytes(bytes.data(), cut, "cut", Options{});
        ADD_FAILURE() << *path << " cut at " << cut << " was accepted";
      } catch (const ElfError& e) {
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        EXPECT_EQ(std::string(e.what()).rfind("cut: ", 0), 0u) << e.what();
      }
    }
  }
}

template <typename T>
void poke(std::vector<uint8_t>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    (void)percpu::check::check_bytes(bytes.data(), bytes.size(), "f", Options{});
  } catch (const ElfError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ElfView, CorruptedHeadersAreNamed) {
  const std::vector<uint8_t> good = fixture::read_file(fixture::elves().plain);
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, good.data(), sizeof ehdr);
  auto with = [&](auto edit) {
    std::vector<uint8_t> b = good;
    edit(b);
    return error_of(b);
  };
  EXPECT_EQ(error_of(good), "(accepted)");
  EXPECT_NE(with([](auto& b) { b[0] = 0; }).find("not an ELF file"), std::string::npos);
  EXPECT_NE(with([](auto& b) { b[EI_CLASS] = 7; }).find("unknown ELF class 7"), std::string::npos);
  EXPECT_NE(with([](auto& b) { b[EI_DATA] = ELFDATA2MSB; }).find("big-endian"), std::string::npos);
  EXPECT_NE(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_REL); }).find("relocatable"),
            std::string::npos);
  EXPECT_NE(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_CORE); }).find("core dump (ET_CORE)"),
            std::string::npos);
  EXPECT_NE(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_NONE); }).find("ELF type 0"),
            std::string::npos);
  EXPECT_NE(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_machine), EM_NONE); }).find("e_machine 0"),
            std::string::npos);
  EXPECT_EQ(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_DYN); }), "(accepted)");
  EXPECT_NE(with([&](auto& b) { poke<uint64_t>(b, offsetof(Elf64_Ehdr, e_shoff), good.size() * 4); })
                .find("the section header table"),
            std::string::npos);
  EXPECT_NE(with([&](auto& b) { poke<uint64_t>(b, offsetof(Elf64_Ehdr, e_phoff), ~uint64_t{0} - 8); })
                .find("the program header table"),
            std::string::npos);
  EXPECT_NE(with([](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_shentsize), 12); }).find("entry size"),
            std::string::npos);
  EXPECT_NE(with([&](auto& b) { poke<uint16_t>(b, offsetof(Elf64_Ehdr, e_shstrndx), ehdr.e_shnum + 3); })
                .find("section name table index"),
            std::string::npos);
  // A section whose bytes would lie past the end of the file, and a symbol name past its table.
  for (uint16_t i = 1; i < ehdr.e_shnum; ++i) {
    Elf64_Shdr sh;
    const size_t at = ehdr.e_shoff + i * sizeof sh;
    std::memcpy(&sh, good.data() + at, sizeof sh);
    if (sh.sh_type == SHT_SYMTAB) {
      EXPECT_NE(with([&](auto& b) { poke<uint32_t>(b, at + offsetof(Elf64_Shdr, sh_link), 0); }).find("string table"),
                std::string::npos);
      EXPECT_NE(with([&](auto& b) { poke<uint32_t>(b, sh.sh_offset + sizeof(Elf64_Sym) + 0, 0x7fffffff); })
                    .find("beyond the string table"),
                std::string::npos);
    }
    if (sh.sh_type == SHT_PROGBITS) {
      EXPECT_NE(with([&](auto& b) { poke<uint64_t>(b, at + offsetof(Elf64_Shdr, sh_size), uint64_t{1} << 40); })
                    .find("section [" + std::to_string(i) + "]"),
                std::string::npos);
    }
  }
}

TEST(ElfView, FilesThatAreNotElfFiles) {
  const std::string dir = fixture::scratch_dir();
  auto reason = [](const std::string& path) {
    try {
      (void)percpu::check::inspect(path, Options{});
    } catch (const ElfError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(reason(dir + "/missing"), dir + "/missing: cannot open: No such file or directory");
  EXPECT_EQ(reason(dir), dir + ": is a directory");
  fixture::write_file(dir + "/empty", std::string());
  EXPECT_EQ(reason(dir + "/empty"), dir + "/empty: not an ELF file (0 bytes)");
  fixture::write_file(dir + "/short", std::string("\x7f" "ELF\x02\x01", 6));
  EXPECT_EQ(reason(dir + "/short"), dir + "/short: truncated ELF header (6 bytes)");
}

}  // namespace
