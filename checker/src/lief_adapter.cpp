// LIEF 0.9 (Debian's liblief-dev) behind one function; see lief_adapter.hpp.
#include "lief_adapter.hpp"

#include <LIEF/ELF.hpp>

#include <exception>
#include <memory>

#include "percpu/check.hpp"

namespace percpu::check::detail {
namespace {

ElfModel to_model(const LIEF::ELF::Binary& binary) {
  ElfModel model;
  const LIEF::ELF::Header& header = binary.header();
  model.elf_class = header.identity_class() == LIEF::ELF::ELF_CLASS::ELFCLASS32 ? 32 : 64;
  model.machine = static_cast<uint16_t>(header.machine_type());
  unsigned index = 0;
  for (const LIEF::ELF::Section& s : binary.sections()) {
    ElfSection section;
    section.index = index++;
    section.name = s.name();
    section.type = static_cast<uint32_t>(s.type());
    section.flags = s.flags();
    section.addr = s.virtual_address();
    section.offset = s.file_offset();
    section.size = s.size();
    section.align = s.alignment();
    model.sections.push_back(std::move(section));
  }
  for (const LIEF::ELF::Segment& s : binary.segments()) {
    ElfSegment segment;
    segment.type = static_cast<uint32_t>(s.type());
    segment.flags = static_cast<uint32_t>(s.flags());
    segment.offset = s.file_offset();
    segment.vaddr = s.virtual_address();
    segment.paddr = s.physical_address();
    segment.filesz = s.physical_size();
    segment.memsz = s.virtual_size();
    model.segments.push_back(segment);
  }
  for (const LIEF::ELF::Symbol& s : binary.static_symbols()) {
    if (s.name().empty() && s.value() == 0 && s.size() == 0) continue;  // the null symbol
    ElfSymbol symbol;
    symbol.name = s.name();
    symbol.value = s.value();
    symbol.size = s.size();
    symbol.type = static_cast<uint8_t>(s.type());
    symbol.shndx = s.shndx();
    model.symbols.push_back(std::move(symbol));
  }
  return model;
}

}  // namespace

ElfModel parse_with_lief(const std::vector<uint8_t>& image, const std::string& name) {
  try {
    std::unique_ptr<LIEF::ELF::Binary> binary = LIEF::ELF::Parser::parse(image, name);
    if (!binary) throw ElfError(name, "LIEF could not parse the ELF headers");
    return to_model(*binary);
  } catch (const ElfError&) {
    throw;
  } catch (const std::exception& e) {
    throw ElfError(name, std::string("LIEF: ") + e.what());
  } catch (...) {
    throw ElfError(name, "LIEF failed on this file");
  }
}

}  // namespace percpu::check::detail
