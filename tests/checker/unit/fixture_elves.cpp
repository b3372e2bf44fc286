#include "fixture_elves.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace fixture {
namespace {

const char* const kPercpuC = R"(#define PERCPU __attribute__((section(".percpu")))
PERCPU unsigned long long counter = 0x1122334455667788ULL;
PERCPU int cpu_id = 7;
PERCPU __attribute__((aligned(128))) unsigned char runqueue[200] = {1, 2, 3, 4};
PERCPU short nesting = -3;
PERCPU char name[13] = "per-cpu data";
int data_word = 5;
int bss_word;
void _start(void) { for (;;) { data_word += bss_word; } }
)";

// A big section no check needs (like debug info), and code whose relocations --emit-relocs keeps.
const char* const kBulkyC = R"(__asm__(".section .debug_junk,\"\",@progbits\n.fill 4194304,1,0x5a\n.previous");
extern int data_word;
int touch(void) { return data_word * 3; }
)";

const char* const kPercpuCxx = R"(namespace percpu_storage {
__attribute__((section(".percpu"))) long ticks = 1;
}
namespace sched {
namespace percpu_storage {
__attribute__((section(".percpu"), aligned(64))) int queue[3] = {1, 2, 3};
}
}
extern "C" void _start() { for (;;) {} }
)";

// Variables placed by hand in .percpu: `big` spans [0, 64) over `first` [0, 8) and `second`
// [12, 16); `after` at 68 follows 4 bytes of padding after big's end (not 52 after second's); `x`
// (a C name that is also the mangling of the type long long) at 76.
const char* const kOverlapC = R"(__asm__(".section .percpu,\"aw\"\n.balign 64\n"
        ".globl big\n.type big,@object\n.size big,64\nbig:\n"
        ".globl first\n.type first,@object\n.size first,8\nfirst: .quad 1\n.zero 4\n"
        ".globl second\n.type second,@object\n.size second,4\nsecond: .long 2\n.zero 52\n"
        ".globl after\n.type after,@object\n.size after,8\nafter: .quad 3\n"
        ".globl x\n.type x,@object\n.size x,4\nx: .long 4\n.previous");
void _start(void) { for (;;) {} }
)";

const char* const kPlainLd = R"(ENTRY(_start)
SECTIONS
{
  . = 0x200000;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.*) *(.sdata .sdata.*) }
  .bss : { *(.bss .bss.*) *(.sbss .sbss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.riscv.attributes) }
}
)";

const char* const kHigherHalfLd = R"(ENTRY(_start)
KERNEL_VMA = 0xffffffff80000000;
SECTIONS
{
  . = KERNEL_VMA + 0x100000;
  .text : AT(ADDR(.text) - KERNEL_VMA) { *(.text .text.*) }
  .rodata : AT(ADDR(.rodata) - KERNEL_VMA) { *(.rodata .rodata.*) }
  .data : AT(ADDR(.data) - KERNEL_VMA) { *(.data .data.*) }
  .bss : AT(ADDR(.bss) - KERNEL_VMA) { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
)";

const std::string kCFlags =
    " -O2 -ffreestanding -fno-pic -fno-pie -nostdlib -fno-common -fno-asynchronous-unwind-tables -c ";

std::string quote(const std::string& s) { return "'" + s + "'"; }

void run(const std::string& dir, const std::string& command) {
  const std::string log = dir + "/last-command.log";
  const int status = std::system((command + " > " + quote(log) + " 2>&1").c_str());
  if (status != 0) {
    const std::vector<uint8_t> out = read_file(log);
    throw std::runtime_error("fixture command failed (" + std::to_string(status) + "): " + command + "\n" +
                             std::string(out.begin(), out.end()));
  }
}

}  // namespace

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture: '" + from + "' not in the injected script");
  return text.replace(at, from.size(), to);
}

namespace {

Elves build() {
  const std::string d = scratch_dir();
  Elves e;
  write_file(d + "/vars.c", kPercpuC);
  write_file(d + "/bulky.c", kBulkyC);
  write_file(d + "/vars.cpp", kPercpuCxx);
  write_file(d + "/overlap.c", kOverlapC);
  write_file(d + "/plain.ld", kPlainLd);
  write_file(d + "/higher.ld", kHigherHalfLd);
  const std::string gcc = std::string(PERCPU_UNIT_GCC) + " -mcmodel=kernel -mno-red-zone" + kCFlags;
  run(d, gcc + d + "/vars.c -o " + d + "/vars.o");
  run(d, gcc + d + "/bulky.c -o " + d + "/bulky.o");
  run(d, gcc + d + "/overlap.c -o " + d + "/overlap.o");
  run(d, std::string(PERCPU_UNIT_GXX) + " -std=c++17 -fno-exceptions -fno-rtti -mcmodel=kernel -mno-red-zone" + kCFlags +
             d + "/vars.cpp -o " + d + "/cxx.o");
  run(d, std::string(PERCPU_UNIT_CLANG) + " --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -mno-relax" + kCFlags +
             d + "/vars.c -o " + d + "/rv32.o");
  const std::string ldgen = PERCPU_UNIT_LDGEN;
  run(d, ldgen + " " + d + "/plain.ld --cpus 4 -o " + d + "/plain4.ld");
  run(d, ldgen + " " + d + "/plain.ld --cpus 2 -o " + d + "/plain2.ld");
  run(d, ldgen + " " + d + "/higher.ld --cpus 4 -o " + d + "/higher4.ld");
  const std::vector<uint8_t> injected = read_file(d + "/plain4.ld");
  e.script_plain.assign(injected.begin(), injected.end());
  write_file(d + "/noload4.ld", replace_once(e.script_plain, ".percpu 0x0 :", ".percpu 0x0 (NOLOAD) :"));

  const std::string ld = std::string(PERCPU_UNIT_LD) + " -static -nostdlib --no-warn-rwx-segments -T ";
  e.object = d + "/vars.o";
  e.plain = d + "/plain.elf";
  run(d, ld + d + "/plain4.ld " + d + "/vars.o -o " + e.plain);
  e.higher_half = d + "/higher.elf";
  run(d, ld + d + "/higher4.ld " + d + "/vars.o -o " + e.higher_half);
  e.noload = d + "/noload.elf";
  run(d, ld + d + "/noload4.ld " + d + "/vars.o -o " + e.noload);
  e.bulky = d + "/bulky.elf";
  run(d, ld + d + "/plain4.ld --emit-relocs " + d + "/vars.o " + d + "/bulky.o -o " + e.bulky);
  e.cxx = d + "/cxx.elf";
  run(d, ld + d + "/plain4.ld " + d + "/cxx.o -o " + e.cxx);
  e.overlap = d + "/overlap.elf";
  run(d, ld + d + "/plain4.ld " + d + "/overlap.o -o " + e.overlap);
  e.riscv32 = d + "/rv32.elf";
  run(d, std::string(PERCPU_UNIT_LLD) + " -static -nostdlib -T " + d + "/plain2.ld " + d + "/rv32.o -o " + e.riscv32);
  return e;
}

}  // namespace

const Elves& elves() {
  static const Elves built = build();
  return built;
}

std::string link_x86_64(const std::string& script_text, const std::string& name) {
  const std::string d = scratch_dir();
  write_file(d + "/" + name + ".ld", script_text);
  const std::string elf = d + "/" + name + ".elf";
  run(d, std::string(PERCPU_UNIT_LD) + " -static -nostdlib --no-warn-rwx-segments -T " + d + "/" + name + ".ld " +
             elves().object + " -o " + elf);
  return elf;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string scratch_dir() {
  const std::string base = PERCPU_UNIT_WORK;
  run("/tmp", "mkdir -p " + quote(base));
  std::string templ = base + "/run-XXXXXX";
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed under " + base);
  return templ;
}

}  // namespace fixture
