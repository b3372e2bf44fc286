// libFuzzer target: percpu-check's whole pipeline (bounded view -> LIEF -> layout model -> rules ->
// JSON and text reports) on an in-memory file. Any input must end in a report or in ElfError;
// any other exception, a crash or a sanitizer report is a bug.
//
// check() only takes a path; the view reads through ByteSource, which a buffer implements here,
// so the fuzzer runs the same steps as check() (check.cpp) without a file per input.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "analysis.hpp"
#include "elf_view.hpp"
#include "lief_adapter.hpp"
#include "percpu/check.hpp"

namespace {

namespace check = percpu::check;
namespace detail = percpu::check::detail;

class BufferSource final : public detail::ByteSource {
 public:
  BufferSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t size() const override { return size_; }
  void read(uint64_t offset, void* out, uint64_t n) const override {
    if (n) std::memcpy(out, data_ + offset, n);  // ASan reports a read past the input
  }

 private:
  const uint8_t* data_;
  size_t size_;
};

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
  const check::Options options = options_for(size);
  const detail::Names names = detail::names_for(options);
  try {
    const detail::BoundedElf view = detail::view_elf(BufferSource(data, size), "fuzz.elf", names.section);
    detail::ElfModel model = detail::parse_with_lief(view.image, "fuzz.elf", names.section);
    detail::restore_file_fields(model, view);
    const detail::Analysis analysis = detail::analyze(std::move(model), options);
    check::Report report;
    report.file = "fuzz.elf";
    report.layout = analysis.layout;
    detail::run_rules(analysis, report);
    if (check::to_json(report).empty() || check::to_text(report).empty()) __builtin_trap();
  } catch (const check::ElfError&) {
  }
  return 0;
}
