// The bounded view (see elf_view.hpp): validation first, then the template's variables and the
// small ELF for LIEF.
#include "elf_view.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "percpu/check.hpp"
#include "percpu/layout.hpp"

namespace percpu::check::detail {
namespace {

// More symbols than this is not a kernel but a corrupted table (LIEF 0.9 also stops at 1,000,000).
constexpr uint64_t kMaxSymbols = 1000000;

struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Phdr = Elf32_Phdr;
  using Shdr = Elf32_Shdr;
  using Sym = Elf32_Sym;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Phdr = Elf64_Phdr;
  using Shdr = Elf64_Shdr;
  using Sym = Elf64_Sym;
};

class Viewer {
 public:
  Viewer(const ByteSource& source, const std::string& name) : source_(source), name_(name) {}

  [[noreturn]] void fail(const std::string& reason) const { throw ElfError(name_, reason); }

  // Fails unless [offset, offset + n) lies inside the file.
  void require_in_file(uint64_t offset, uint64_t n, const std::string& what) const {
    const uint64_t size = source_.size();
    if (offset > size || n > size - offset)
      fail(what + " (offset " + hex(offset) + ", size " + hex(n) + ") lies beyond the end of the file (size " +
           hex(size) + "): truncated or corrupted");
  }

  std::vector<uint8_t> bytes(uint64_t offset, uint64_t n, const std::string& what) const {
    require_in_file(offset, n, what);
    std::vector<uint8_t> out(static_cast<size_t>(n));
    if (n) source_.read(offset, out.data(), n);
    return out;
  }

  template <typename T>
  T object(uint64_t offset, const std::string& what) const {
    require_in_file(offset, sizeof(T), what);
    T value;
    source_.read(offset, &value, sizeof(T));
    return value;
  }

  template <typename T>
  std::vector<T> table(uint64_t offset, uint64_t count, const std::string& what) const {
    std::vector<T> out(static_cast<size_t>(count));
    if (count) {
      require_in_file(offset, count * sizeof(T), what);
      source_.read(offset, out.data(), out.size() * sizeof(T));
    }
    return out;
  }

  const ByteSource& source() const { return source_; }

 private:
  const ByteSource& source_;
  const std::string& name_;
};

void append(std::vector<uint8_t>& image, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  image.insert(image.end(), p, p + n);
}

void pad_to(std::vector<uint8_t>& image, size_t align) {
  while (image.size() % align) image.push_back(0);
}

std::string string_at(const std::vector<uint8_t>& table, uint64_t offset) {
  if (offset >= table.size()) return {};
  const auto* start = reinterpret_cast<const char*>(table.data()) + offset;
  return std::string(start, strnlen(start, table.size() - offset));
}

// One reach record of .note.percpu.reach (layout.hpp): the note's header and its fixed payload.
struct ReachNote {
  uint32_t namesz, descsz, type;
  char name[8];
  uint32_t reach_lo, reach_hi;  // the uint64 reach, little-endian (the checker reads LSB files only)
  uint32_t kind, reserved;
};
static_assert(sizeof(ReachNote) == 36, "namesz/descsz/type, \"percpu\\0\" padded to 8, a 16-byte desc");

// The minimum reach per kind over every record, read note by note (a few bytes in memory whatever
// the section's size). Notes of another name or type are skipped; a note that runs past its
// section, or a record of the wrong size, is a corrupted file.
template <typename Shdr>
ReachRecords read_reach(const Viewer& viewer, const std::vector<Shdr>& shdrs, const std::vector<uint8_t>& names) {
  namespace layout = percpu::layout;
  ReachRecords out;
  for (size_t i = 1; i < shdrs.size(); ++i) {
    const Shdr& s = shdrs[i];
    if (s.sh_type != SHT_NOTE || string_at(names, s.sh_name) != layout::kReachNoteSection) continue;
    const std::string where = "section [" + std::to_string(i) + "] " + layout::kReachNoteSection;
    for (uint64_t at = 0; at < s.sh_size;) {
      if (s.sh_size - at < 12) viewer.fail(where + ": a note header at offset " + hex(at) + " runs past the section");
      const auto head = viewer.object<std::array<uint32_t, 3>>(s.sh_offset + at, where);
      const uint64_t name_bytes = layout::align_up(head[0], 4);  // notes of 4-byte words
      const uint64_t desc_bytes = layout::align_up(head[1], 4);
      if (name_bytes + desc_bytes > s.sh_size - at - 12)
        viewer.fail(where + ": the note at offset " + hex(at) + " (name " + std::to_string(head[0]) + ", desc " +
                    std::to_string(head[1]) + " bytes) runs past the section");
      if (head[0] == 7 && head[2] == layout::kReachNoteType) {
        const auto name = viewer.object<std::array<char, 7>>(s.sh_offset + at + 12, where);
        if (std::memcmp(name.data(), layout::kReachNoteName, 7) == 0) {
          if (head[1] != 16)
            viewer.fail(where + ": the reach record at offset " + hex(at) + " has " + std::to_string(head[1]) + " bytes, not 16");
          const auto note = viewer.object<ReachNote>(s.sh_offset + at, where);
          std::optional<uint64_t>* slot = note.kind == uint32_t(layout::ReachKind::template_access) ? &out.template_access
                                          : note.kind == uint32_t(layout::ReachKind::hot_access)    ? &out.hot_access
                                                                                                    : nullptr;
          const uint64_t reach = uint64_t{note.reach_hi} << 32 | note.reach_lo;
          if (slot) *slot = std::min(slot->value_or(reach), reach);
        }
      }
      at += 12 + name_bytes + desc_bytes;
    }
  }
  return out;
}

// One view, step by step: validate the header, read the tables, pick the sections and symbols
// the checks read (the variables into a compact table), write the small ELF.
template <typename C>
class ViewBuilder {
  using Ehdr = typename C::Ehdr;
  using Phdr = typename C::Phdr;
  using Shdr = typename C::Shdr;
  using Sym = typename C::Sym;

 public:
  ViewBuilder(const Viewer& viewer, const std::string& template_section, const SymbolSelection& selection,
              size_t symbol_chunk)
      : v_(viewer), template_section_(template_section), selection_(selection),
        symbol_chunk_(std::max<size_t>(symbol_chunk, 1)) {}

  BoundedElf build() {
    read_header();
    read_tables();
    read_section_names();
    pick_sections();
    pick_symbols();
    return write_image();
  }

 private:
  void read_header() {
    ehdr_ = v_.object<Ehdr>(0, "the ELF header");
    if (ehdr_.e_type == ET_REL) v_.fail("a relocatable object (ET_REL): percpu-check reads linked files");
    if (ehdr_.e_type == ET_CORE) v_.fail("a core dump (ET_CORE): percpu-check reads linked files");
    if (ehdr_.e_type != ET_EXEC && ehdr_.e_type != ET_DYN)
      v_.fail("ELF type " + std::to_string(ehdr_.e_type) + " is neither an executable nor a shared object");
    if (ehdr_.e_machine == EM_NONE) v_.fail("no machine (e_machine 0): not a linked program for any architecture");
    if (ehdr_.e_phnum && ehdr_.e_phentsize != sizeof(Phdr))
      v_.fail("program header entry size " + std::to_string(ehdr_.e_phentsize) + ", expected " +
              std::to_string(sizeof(Phdr)));
    if (ehdr_.e_shoff && ehdr_.e_shentsize != sizeof(Shdr))
      v_.fail("section header entry size " + std::to_string(ehdr_.e_shentsize) + ", expected " +
              std::to_string(sizeof(Shdr)));
    if (ehdr_.e_shoff && ehdr_.e_shnum == 0)
      v_.fail("extended section numbering (more than 65279 sections) is not supported");
    shnum_ = ehdr_.e_shoff ? ehdr_.e_shnum : 0;
    if (ehdr_.e_shstrndx == SHN_XINDEX) v_.fail("extended section numbering (SHN_XINDEX) is not supported");
    if (shnum_ && ehdr_.e_shstrndx != SHN_UNDEF && ehdr_.e_shstrndx >= shnum_)
      v_.fail("section name table index " + std::to_string(ehdr_.e_shstrndx) + " out of range (" +
              std::to_string(shnum_) + " sections)");
  }

  // The program and section header tables; every segment's and section's bytes inside the file.
  void read_tables() {
    phdrs_ = v_.table<Phdr>(ehdr_.e_phoff, ehdr_.e_phnum, "the program header table");
    shdrs_ = v_.table<Shdr>(ehdr_.e_shoff, shnum_, "the section header table");
    for (size_t i = 0; i < phdrs_.size(); ++i)
      if (phdrs_[i].p_filesz) v_.require_in_file(phdrs_[i].p_offset, phdrs_[i].p_filesz, "segment " + std::to_string(i));
    for (size_t i = 1; i < shdrs_.size(); ++i) {
      const Shdr& s = shdrs_[i];
      if (s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL && s.sh_size)
        v_.require_in_file(s.sh_offset, s.sh_size, "section [" + std::to_string(i) + "]");
    }
  }

  void read_section_names() {
    if (!shnum_ || ehdr_.e_shstrndx == SHN_UNDEF) return;
    const Shdr& s = shdrs_[ehdr_.e_shstrndx];
    if (s.sh_type != SHT_STRTAB) v_.fail("the section name table is not a string table");
    names_ = v_.bytes(s.sh_offset, s.sh_size, "the section name table");
    kept_.insert(ehdr_.e_shstrndx);
  }

  // The sections the view reads: names (kept in the image), the first symbol table, the template(s)
  // (headers only: no rule reads their bytes).
  void pick_sections() {
    for (size_t i = 1; i < shdrs_.size(); ++i) {
      const Shdr& s = shdrs_[i];
      if (s.sh_name >= names_.size() && s.sh_name != 0 && !names_.empty())
        v_.fail("section [" + std::to_string(i) + "]: name offset " + hex(s.sh_name) + " beyond the section name table");
      if (s.sh_type == SHT_SYMTAB && symtab_ == 0) symtab_ = i;
      if (string_at(names_, s.sh_name) != template_section_) continue;
      if (templates_.empty()) first_template_ = i;
      templates_.insert(i);
    }
  }

  // .symtab, symbol_chunk_ entries at a time (never the whole table in memory): the variables of
  // the first template section go to variables_ (24 bytes each, their names left in the string
  // table), the selected other symbols to the image.
  void pick_symbols() {
    if (!symtab_) return;
    const Shdr& s = shdrs_[symtab_];
    if (s.sh_entsize != sizeof(Sym) && s.sh_entsize != 0)
      v_.fail("symbol table entry size " + std::to_string(s.sh_entsize) + ", expected " + std::to_string(sizeof(Sym)));
    if (s.sh_size % sizeof(Sym)) v_.fail("symbol table size " + hex(s.sh_size) + " is not a whole number of entries");
    const uint64_t count = s.sh_size / sizeof(Sym);
    if (count > kMaxSymbols)
      v_.fail("symbol table of " + std::to_string(count) + " entries (more than " + std::to_string(kMaxSymbols) + ")");
    if (s.sh_link == 0 || s.sh_link >= shnum_ || shdrs_[s.sh_link].sh_type != SHT_STRTAB)
      v_.fail("the symbol table's string table (section " + std::to_string(s.sh_link) + ") is not a string table");
    v_.require_in_file(s.sh_offset, s.sh_size, "the symbol table");
    strtab_ = s.sh_link;
    read_strings();
    if (!templates_.empty()) template_addr_ = shdrs_[first_template_].sh_addr;
    // The image's string table: the kept symbols' names, after the section names when one table holds both.
    small_strings_ = strtab_ == ehdr_.e_shstrndx ? names_ : std::vector<uint8_t>(1, 0);
    const std::set<std::string, std::less<>> names(selection_.names.begin(), selection_.names.end());
    Sym null_symbol{};
    append(symbols_, &null_symbol, sizeof null_symbol);
    std::vector<Sym> chunk(static_cast<size_t>(std::min<uint64_t>(count, symbol_chunk_)));
    for (uint64_t first = 0; first < count; first += chunk.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), count - first));
      v_.source().read(s.sh_offset + first * sizeof(Sym), chunk.data(), n * sizeof(Sym));
      for (size_t j = 0; j < n; ++j)
        if (first + j != 0) pick_symbol(chunk[j], first + j, names);
    }
    compact_strings();
    kept_.insert(symtab_);
  }

  // The symbol string table, with a NUL after it: every name ends inside it.
  void read_strings() {
    const Shdr& t = shdrs_[strtab_];
    v_.require_in_file(t.sh_offset, t.sh_size, "the symbol string table");
    strings_.assign(static_cast<size_t>(t.sh_size) + 1, '\0');
    if (t.sh_size) v_.source().read(t.sh_offset, strings_.data(), t.sh_size);
  }

  void pick_symbol(const Sym& sym, uint64_t k, const std::set<std::string, std::less<>>& names) {
    if (sym.st_name && sym.st_name >= strings_.size() - 1)
      v_.fail("symbol " + std::to_string(k) + ": name offset " + hex(sym.st_name) + " beyond the string table");
    const std::string_view name(strings_.data() + sym.st_name);
    if (is_variable(sym, name)) variables_.records.push_back({sym.st_value - template_addr_, sym.st_size, sym.st_name, 0});
    if (!selected(sym, name, names)) return;
    if (k < shdrs_[symtab_].sh_info) ++local_symbols_;
    Sym kept = sym;
    kept.st_name = static_cast<uint32_t>(small_strings_.size());
    small_strings_.insert(small_strings_.end(), name.begin(), name.end());
    small_strings_.push_back(0);
    append(symbols_, &kept, sizeof kept);
  }

  // A per-CPU variable: a symbol of the first template section that is an object or has a size
  // (not a section or file symbol, nor a label such as _percpu_load_start), and not an entry
  // without name, value or size (LIEF, which read these before, took that for the null symbol).
  bool is_variable(const Sym& sym, std::string_view name) const {
    if (templates_.empty() || sym.st_shndx != first_template_) return false;
    const unsigned type = sym.st_info & 0xf;  // ELF32_ST_TYPE and ELF64_ST_TYPE alike
    if (type == STT_SECTION || type == STT_FILE) return false;
    if (type != STT_OBJECT && sym.st_size == 0) return false;
    return !(name.empty() && sym.st_value == 0 && sym.st_size == 0);
  }

  // Whether the image keeps this symbol for the layout model: a defined symbol of an exact name
  // (the layout's own, the user's per-CPU names), or outside the template sections with a name
  // part (the storage namespace of PERCPU_DEFINE: variables.swallowed). Inside the template those
  // are variables, which do not go through LIEF: a million of them would be a million objects.
  bool selected(const Sym& sym, std::string_view name, const std::set<std::string, std::less<>>& names) const {
    if (sym.st_shndx == SHN_UNDEF) return false;
    if (names.find(name) != names.end()) return true;
    if (templates_.count(sym.st_shndx)) return false;
    for (const std::string& part : selection_.name_parts)
      if (name.find(part) != std::string_view::npos) return true;
    return false;
  }

  // The variables' names alone, when they take less than half of the string table (a kernel's
  // string table names every function; its per-CPU variables are a few of them). Otherwise the
  // string table itself is their pool.
  void compact_strings() {
    uint64_t used = 1;
    for (const VariableRecord& r : variables_.records) used += std::strlen(strings_.data() + r.symbol) + 1;
    if (used >= strings_.size() / 2 || used > UINT32_MAX) {
      variables_.strings = std::move(strings_);
      return;
    }
    std::vector<char> compact(1, '\0');
    compact.reserve(static_cast<size_t>(used));
    for (VariableRecord& r : variables_.records) {
      const char* name = strings_.data() + r.symbol;
      r.symbol = static_cast<uint32_t>(compact.size());
      compact.insert(compact.end(), name, name + std::strlen(name) + 1);
    }
    variables_.strings = std::move(compact);
    std::vector<char>().swap(strings_);
  }

  // The image: header, program headers (no file bytes), section headers, kept sections' bytes;
  // and the file-only fields the model restores from the original headers.
  BoundedElf write_image() {
    BoundedElf out;
    out.reach = read_reach(v_, shdrs_, names_);
    out.template_symbols = std::move(variables_);
    for (const Shdr& s : shdrs_) {
      out.section_types.push_back(s.sh_type);
      out.section_offsets.push_back(s.sh_offset);
      out.section_sizes.push_back(s.sh_size);
    }
    for (const Phdr& p : phdrs_) {
      out.segment_offsets.push_back(p.p_offset);
      out.segment_filesz.push_back(p.p_filesz);
    }
    std::vector<uint8_t>& image = out.image;
    Ehdr small = ehdr_;
    small.e_phoff = phdrs_.empty() ? 0 : sizeof(Ehdr);
    small.e_shoff = shdrs_.empty() ? 0 : sizeof(Ehdr) + phdrs_.size() * sizeof(Phdr);
    small.e_shnum = static_cast<decltype(small.e_shnum)>(shnum_);
    append(image, &small, sizeof small);
    for (Phdr p : phdrs_) {
      p.p_offset = 0;
      p.p_filesz = 0;
      append(image, &p, sizeof p);
    }
    const size_t shdr_at = image.size();
    image.resize(image.size() + shdrs_.size() * sizeof(Shdr));
    std::vector<Shdr> small_shdrs = shdrs_;
    for (size_t i = 1; i < shdrs_.size(); ++i) write_section(image, i, small_shdrs[i]);
    if (!small_shdrs.empty()) std::memcpy(image.data() + shdr_at, small_shdrs.data(), small_shdrs.size() * sizeof(Shdr));
    return out;
  }

  void write_section(std::vector<uint8_t>& image, size_t i, Shdr& s) const {
    if (i == symtab_) {
      pad_to(image, 8);
      s.sh_offset = image.size();
      s.sh_entsize = sizeof(Sym);
      s.sh_size = symbols_.size();
      s.sh_info = local_symbols_;
      append(image, symbols_.data(), symbols_.size());
    } else if (i == strtab_) {
      pad_to(image, 8);
      s.sh_offset = image.size();
      s.sh_size = small_strings_.size();
      append(image, small_strings_.data(), small_strings_.size());
      image.push_back(0);
    } else if (kept_.count(i)) {
      pad_to(image, 8);
      s.sh_offset = image.size();
      const std::vector<uint8_t> data = v_.bytes(shdrs_[i].sh_offset, shdrs_[i].sh_size, "section [" + std::to_string(i) + "]");
      append(image, data.data(), data.size());
      image.push_back(0);  // a string table that lacks its final NUL still ends here
    } else if (s.sh_type != SHT_NULL) {
      // Header kept (name, address, flags), bytes left out: NOBITS of size 0, or LIEF reserves
      // a buffer as large as the section. Types and sizes are restored into the model.
      s.sh_type = SHT_NOBITS;
      s.sh_offset = 0;
      s.sh_size = 0;
    }
  }

  const Viewer& v_;
  const std::string& template_section_;
  const SymbolSelection& selection_;
  const size_t symbol_chunk_;
  Ehdr ehdr_{};
  uint64_t shnum_ = 0;
  std::vector<Phdr> phdrs_;
  std::vector<Shdr> shdrs_;
  std::vector<uint8_t> names_;
  std::set<size_t> kept_;       // sections whose bytes the image keeps: the section names, .symtab
  std::set<size_t> templates_;  // every section of the template's name, whatever its type
  size_t first_template_ = 0;   // the one whose symbols are the variables
  uint64_t template_addr_ = 0;
  size_t symtab_ = 0;
  size_t strtab_ = 0;
  std::vector<char> strings_;          // .symtab's string table (with a final NUL) while it is read
  TemplateSymbols variables_;          // the first template section's variables
  std::vector<uint8_t> symbols_;       // the symbol table the image gets
  std::vector<uint8_t> small_strings_; // and its string table
  uint32_t local_symbols_ = 1;         // its sh_info: the null symbol and the kept locals
};

class FileSource : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, const std::string& name) : fd_(fd), size_(size), name_(name) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  uint64_t size() const override { return size_; }
  void read(uint64_t offset, void* out, uint64_t n) const override {
    auto* p = static_cast<uint8_t*>(out);
    while (n) {
      const ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw IoError(name_, "read error", errno);
      if (got == 0) throw IoError(name_, "read error: the file shrank while being read", 0);
      p += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<uint64_t>(got);
    }
  }

 private:
  int fd_;
  uint64_t size_;
  const std::string& name_;
};

}  // namespace

BoundedElf view_elf(const ByteSource& source, const std::string& name, const std::string& template_section,
                    const SymbolSelection& symbols, size_t symbol_chunk) {
  Viewer viewer(source, name);
  unsigned char ident[EI_NIDENT] = {};
  if (source.size() < SELFMAG) viewer.fail("not an ELF file (" + std::to_string(source.size()) + " bytes)");
  source.read(0, ident, std::min<uint64_t>(source.size(), EI_NIDENT));
  if (std::memcmp(ident, ELFMAG, SELFMAG) != 0) viewer.fail("not an ELF file (no ELF magic)");
  if (source.size() < EI_NIDENT) viewer.fail("truncated ELF header (" + std::to_string(source.size()) + " bytes)");
  if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
    viewer.fail("unknown ELF class " + std::to_string(ident[EI_CLASS]) + " (neither ELF32 nor ELF64)");
  if (ident[EI_DATA] == ELFDATA2MSB) viewer.fail("big-endian ELF files are not supported");
  if (ident[EI_DATA] != ELFDATA2LSB) viewer.fail("unknown ELF data encoding " + std::to_string(ident[EI_DATA]));
  if (ident[EI_CLASS] == ELFCLASS32) {
    if (source.size() < sizeof(Elf32_Ehdr)) viewer.fail("truncated ELF header (" + std::to_string(source.size()) + " bytes)");
    return ViewBuilder<Elf32>(viewer, template_section, symbols, symbol_chunk).build();
  }
  if (source.size() < sizeof(Elf64_Ehdr)) viewer.fail("truncated ELF header (" + std::to_string(source.size()) + " bytes)");
  return ViewBuilder<Elf64>(viewer, template_section, symbols, symbol_chunk).build();
}

namespace {

// Why a file that is not a regular file cannot be read ("" for a regular file).
const char* not_regular(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode)) return "is a character device, not a regular file";
  if (S_ISBLK(mode)) return "is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "not a regular file";
}

}  // namespace

BoundedElf view_elf_file(const std::string& path, const std::string& template_section,
                         const SymbolSelection& symbols) {
  // stat() first: open() of a FIFO without a writer blocks (and a device may have side effects),
  // so anything but a regular file is refused before it is opened. O_NONBLOCK and the fstat()
  // re-check cover a file replaced between the two calls.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw IoError(path, "cannot open", errno);
  if (*not_regular(st.st_mode)) throw IoError(path, not_regular(st.st_mode), 0);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw IoError(path, "cannot open", errno);
  if (::fstat(fd, &st) != 0 || *not_regular(st.st_mode)) {
    const int saved = errno;
    ::close(fd);
    if (*not_regular(st.st_mode)) throw IoError(path, not_regular(st.st_mode), 0);
    throw IoError(path, "cannot read", saved);
  }
  const FileSource source(fd, static_cast<uint64_t>(st.st_size), path);
  return view_elf(source, path, template_section, symbols);
}

void restore_file_fields(ElfModel& model, BoundedElf& view) {
  model.reach = view.reach;
  model.template_symbols = std::move(view.template_symbols);
  for (ElfSection& s : model.sections) {
    if (s.index < view.section_types.size()) {
      s.type = view.section_types[s.index];
      s.offset = view.section_offsets[s.index];
      s.size = view.section_sizes[s.index];
    }
  }
  for (size_t i = 0; i < model.segments.size() && i < view.segment_offsets.size(); ++i) {
    model.segments[i].offset = view.segment_offsets[i];
    model.segments[i].filesz = view.segment_filesz[i];
  }
}

}  // namespace percpu::check::detail
