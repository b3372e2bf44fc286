// libFuzzer target: lexer + parser + injector. Any input must give either a ScriptError or a
// script that parses again and on which a second run changes nothing (idempotency).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "percpu/ldgen.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  percpu::ldgen::InjectOptions options;
  options.cpus = 1 + (size % 7);
  options.vma = size % 2 ? percpu::layout::AddressModel::zero : percpu::layout::AddressModel::delta;
  try {
    (void)percpu::ldgen::inspect_block(text, "fuzz");
  } catch (const percpu::ldgen::ScriptError&) {
  }
  std::string out;
  try {
    out = percpu::ldgen::inject(text, options);
  } catch (const percpu::ldgen::ScriptError&) {
    return 0;
  }
  if (percpu::ldgen::inject(out, options) != out) std::abort();
  if (!percpu::ldgen::inspect_block(out, "fuzz").owned_by_ldgen) std::abort();
  return 0;
}
