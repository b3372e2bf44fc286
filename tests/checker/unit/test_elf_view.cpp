// The bounded view: what it reads, what it leaves out, and that no malformed input gets past it
// (or past LIEF) as anything but ElfError.
#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
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

detail::ElfModel model_of(detail::BoundedElf view, const std::string& path) {
  detail::ElfModel model = detail::parse_with_lief(view.image, path);
  detail::restore_file_fields(model, view);
  return model;
}

detail::ElfModel model_of(const std::string& path) {
  return model_of(detail::view_elf_file(path, ".percpu", kLayoutSymbols), path);
}

// The bytes of a file as the view's source (check_bytes() has its own; the tests pick the chunk),
// with every read it served: (offset, size).
class Bytes : public detail::ByteSource {
 public:
  explicit Bytes(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  void read(uint64_t offset, void* out, uint64_t n) const override {
    reads.emplace_back(offset, n);
    std::memcpy(out, bytes_.data() + offset, n);
  }
  mutable std::vector<std::pair<uint64_t, uint64_t>> reads;

 private:
  const std::vector<uint8_t>& bytes_;
};

// The variables' names as the view collected them, in symbol-table order.
std::vector<std::string> record_names(const detail::TemplateSymbols& t) {
  std::vector<std::string> names;
  for (const auto& r : t.records) names.emplace_back(t.strings.data() + r.symbol);
  return names;
}

bool contains(const std::vector<uint8_t>& haystack, const std::string& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// An ELF64 file's .symtab entries and its string table, read here with <elf.h> (not by the view).
struct FileSymbols {
  std::vector<Elf64_Sym> symbols;
  std::string strings;
  std::vector<Elf64_Shdr> sections;
};

FileSymbols file_symbols(const std::vector<uint8_t>& bytes) {
  FileSymbols out;
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, bytes.data(), sizeof ehdr);
  out.sections.resize(ehdr.e_shnum);
  std::memcpy(out.sections.data(), bytes.data() + ehdr.e_shoff, ehdr.e_shnum * sizeof(Elf64_Shdr));
  for (const Elf64_Shdr& sh : out.sections) {
    if (sh.sh_type != SHT_SYMTAB) continue;
    out.symbols.resize(sh.sh_size / sizeof(Elf64_Sym));
    std::memcpy(out.symbols.data(), bytes.data() + sh.sh_offset, sh.sh_size);
    const Elf64_Shdr& str = out.sections[sh.sh_link];
    out.strings.assign(reinterpret_cast<const char*>(bytes.data()) + str.sh_offset, str.sh_size);
  }
  return out;
}

const detail::ElfSection* section(const detail::ElfModel& m, const std::string& name) {
  for (const auto& s : m.sections)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(ElfView, ImageHoldsOnlyHeadersAndTheSelectedSymbols) {
  const std::string& bulky = fixture::elves().bulky;
  const std::vector<uint8_t> file = fixture::read_file(bulky);
  const detail::BoundedElf view = detail::view_elf_file(bulky, ".percpu", kLayoutSymbols);
  EXPECT_GT(file.size(), uint64_t{4} << 20);
  EXPECT_LT(view.image.size(), 64u * 1024) << "the 4 MiB section and the relocations stayed out";
  // Neither the template's bytes (the initializer of `name`) nor the names of symbols no rule
  // reads (the string table is rebuilt with the kept names only) are in the image.
  for (const std::string& piece : {std::string("per-cpu data"), std::string("data_word")}) {
    EXPECT_TRUE(contains(file, piece)) << piece;
    EXPECT_FALSE(contains(view.image, piece)) << piece;
  }

  const detail::ElfModel model = model_of(bulky);
  const detail::ElfSection* junk = section(model, ".debug_junk");
  ASSERT_NE(junk, nullptr);
  EXPECT_EQ(junk->type, uint32_t{SHT_PROGBITS}) << "the original type comes back";
  EXPECT_EQ(junk->size, uint64_t{4} << 20);
  bool has_rela = false;
  for (const auto& s : model.sections) has_rela |= s.type == SHT_RELA;
  EXPECT_TRUE(has_rela) << "--emit-relocs sections are listed (headers only)";

  // Only the layout's names reach LIEF (not the variables, nor touch, data_word, ...); the
  // variables are the view's own compact records.
  std::set<std::string> names;
  for (const auto& sym : model.symbols) {
    names.insert(sym.name);
    EXPECT_NE(std::find(kLayoutSymbols.begin(), kLayoutSymbols.end(), sym.name), kLayoutSymbols.end()) << sym.name;
  }
  for (const std::string& wanted : kLayoutSymbols) EXPECT_TRUE(names.count(wanted)) << wanted;
  const std::vector<std::string> variables = record_names(model.template_symbols);
  EXPECT_EQ(std::set<std::string>(variables.begin(), variables.end()),
            (std::set<std::string>{"counter", "cpu_id", "runqueue", "nesting", "name"}))
      << "objects of .percpu only: not _percpu_load_start (a label) nor the section symbol";
  EXPECT_LT(model.template_symbols.strings.size(), 64u) << "only the variables' names are kept, not the string table";
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
  // Every variable record is an object symbol of .percpu in the file, at value - the template's address.
  const detail::ElfSection* tmpl = section(model, ".percpu");
  ASSERT_NE(tmpl, nullptr);
  const FileSymbols file = file_symbols(bytes);
  size_t objects = 0;
  for (const Elf64_Sym& sym : file.symbols) {
    if (sym.st_shndx != tmpl->index || ELF64_ST_TYPE(sym.st_info) != STT_OBJECT) continue;
    ++objects;
    const std::string name = file.strings.c_str() + sym.st_name;
    const auto& records = model.template_symbols.records;
    const auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) {
      return model.template_symbols.strings.data() + r.symbol == name;
    });
    ASSERT_NE(it, records.end()) << name;
    EXPECT_EQ(it->offset, sym.st_value - tmpl->addr) << name;
    EXPECT_EQ(it->size, sym.st_size) << name;
  }
  EXPECT_EQ(objects, 5u);
  EXPECT_EQ(model.template_symbols.records.size(), objects);
}

// The symbol table is read a chunk at a time: with chunks of 1, 2, 3 and 5 entries (the files have
// more than two chunks of 5) no read of .symtab is larger than a chunk, and the view collects the
// same variables and selected symbols as in one read (the control: the default chunk reads it whole).
TEST(ElfView, SymbolTableReadInChunks) {
  for (const std::string* path : {&fixture::elves().plain, &fixture::elves().cxx}) {
    const std::vector<uint8_t> bytes = fixture::read_file(*path);
    const FileSymbols file = file_symbols(bytes);
    ASSERT_GT(file.symbols.size(), 2 * 5u) << "more symbols than two chunks";
    const Elf64_Shdr* symtab = nullptr;
    for (const Elf64_Shdr& sh : file.sections)
      if (sh.sh_type == SHT_SYMTAB) symtab = &sh;
    ASSERT_NE(symtab, nullptr);
    const Bytes source(bytes);
    auto largest_symtab_read = [&] {  // and forget the reads
      uint64_t largest = 0;
      for (const auto& [offset, n] : source.reads)
        if (offset < symtab->sh_offset + symtab->sh_size && offset + n > symtab->sh_offset) largest = std::max(largest, n);
      source.reads.clear();
      return largest;
    };
    const detail::SymbolSelection selection(kLayoutSymbols, {"14percpu_storage"});
    const detail::ElfModel whole = model_of(detail::view_elf(source, *path, ".percpu", selection), *path);
    ASSERT_FALSE(whole.template_symbols.records.empty());
    EXPECT_EQ(largest_symtab_read(), symtab->sh_size) << "one chunk holds this file's table";
    for (const size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}}) {
      const detail::ElfModel model = model_of(detail::view_elf(source, *path, ".percpu", selection, chunk), *path);
      EXPECT_EQ(largest_symtab_read(), chunk * sizeof(Elf64_Sym)) << chunk;
      EXPECT_EQ(record_names(model.template_symbols), record_names(whole.template_symbols)) << chunk;
      ASSERT_EQ(model.template_symbols.records.size(), whole.template_symbols.records.size()) << chunk;
      for (size_t i = 0; i < model.template_symbols.records.size(); ++i) {
        EXPECT_EQ(model.template_symbols.records[i].offset, whole.template_symbols.records[i].offset) << chunk;
        EXPECT_EQ(model.template_symbols.records[i].size, whole.template_symbols.records[i].size) << chunk;
      }
      ASSERT_EQ(model.symbols.size(), whole.symbols.size()) << chunk;
      for (size_t i = 0; i < model.symbols.size(); ++i) {
        EXPECT_EQ(model.symbols[i].name, whole.symbols[i].name) << chunk;
        EXPECT_EQ(model.symbols[i].value, whole.symbols[i].value) << chunk;
      }
    }
  }
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
    } catch (const percpu::Error& e) {  // ElfError for the bytes, IoError for the file
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(reason(dir + "/missing"), dir + "/missing: cannot open: No such file or directory");
  try {
    (void)percpu::check::inspect(dir + "/missing", Options{});
    ADD_FAILURE() << "a missing file was accepted";
  } catch (const percpu::IoError& e) {
    EXPECT_EQ(e.error_number(), ENOENT);
    EXPECT_EQ(e.path(), dir + "/missing");
  }
  EXPECT_EQ(reason(dir), dir + ": is a directory");
  fixture::write_file(dir + "/empty", std::string());
  EXPECT_EQ(reason(dir + "/empty"), dir + "/empty: not an ELF file (0 bytes)");
  fixture::write_file(dir + "/short", std::string("\x7f" "ELF\x02\x01", 6));
  EXPECT_EQ(reason(dir + "/short"), dir + "/short: truncated ELF header (6 bytes)");
}

}  // namespace
