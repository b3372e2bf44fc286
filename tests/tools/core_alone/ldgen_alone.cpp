// A program that uses percpu-ldgen's core library alone: inject, check_block, the typed errors.
#include <cstdio>
#include <string>

#include "percpu/ldgen.hpp"
#include "percpu/ldgen_files.hpp"

namespace ld = percpu::ldgen;

int main() {
  ld::InjectOptions options;
  options.cpus = 4;
  const std::string script = "SECTIONS {\n  .text : { *(.text) }\n  .data : { *(.data) }\n  .bss : { *(.bss) }\n}\n";
  const std::string injected = ld::inject(script, options);
  if (injected.find("cpus=4") == std::string::npos) return std::puts("no block"), 1;
  if (!ld::check_block(injected, options).up_to_date()) return std::puts("not up to date"), 1;
  if (ld::check_block(script, options).state != ld::BlockState::missing) return std::puts("not missing"), 1;
  int typed = 0;
  try {
    (void)ld::inject("SECTIONS {\n  . = 1 +;\n}\n", options);
  } catch (const ld::ScriptError& e) {
    typed += e.line() == 2 && e.column() == 10;
  }
  options.cpus = 0;
  try {
    (void)ld::inject(script, options);
  } catch (const percpu::InvalidArgument& e) {
    typed += e.field() == "cpus" && e.value() == "0";
  }
  try {
    (void)ld::read_script("/nonexistent/kernel.ld");
  } catch (const percpu::IoError& e) {
    typed += e.path() == "/nonexistent/kernel.ld" && e.error_number() != 0;
  }
  if (typed != 3) return std::printf("typed errors: %d of 3\n", typed), 1;
  std::puts("ldgen core alone: ok");
  return 0;
}
