// libFuzzer target: percpu-check's whole pipeline (bounded view -> LIEF -> layout model -> rules ->
// JSON and text reports) on an in-memory file, through check_bytes(). Any input must end in a
// report or in ElfError; any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "percpu/check.hpp"

namespace {

namespace check = percpu::check;

// Options vary with the input so that both profiles, --cpus and --hot are exercised.
check::Options options_for(size_t size) {
  check::Options options;
  if (size % 2) options.cpus = static_cast<unsigned>(1 + size % 8);
  options.profile = size % 3 == 0 ? check::Profile::linux : check::Profile::percpu;
  options.hot = {"pc_*", "*counter"};
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const check::Report report = check::check_bytes(data, size, "fuzz.elf", options_for(size));
    if (check::to_json(report).empty() || check::to_text(report).empty()) __builtin_trap();
  } catch (const check::ElfError&) {
  }
  return 0;
}
