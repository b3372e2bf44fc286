// inspect() and check(): bounded view -> LIEF -> layout model -> rules.
#include <cstring>
#include <utility>

#include "analysis.hpp"
#include "elf_view.hpp"
#include "lief_adapter.hpp"

namespace percpu::check {
namespace {

class MemorySource : public detail::ByteSource {
 public:
  MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t size() const override { return size_; }
  void read(uint64_t offset, void* out, uint64_t n) const override { std::memcpy(out, data_ + offset, n); }

 private:
  const uint8_t* data_;
  size_t size_;
};

// The symbols the layout model reads besides the template's own: the layout's names, the user's
// per-CPU symbols and PERCPU_DEFINE's storage wherever it went (rule variables.swallowed).
detail::SymbolSelection layout_symbols(const Names& n, const Options& options) {
  std::vector<std::string> names = options.percpu_symbols;
  for (const std::string* name : {&n.start, &n.end, &n.load_start, &n.load_end, &n.stride, &n.image, &n.hot_end})
    if (!name->empty()) names.push_back(*name);
  names.push_back(percpu::layout::kReserveOffsetSymbol);  // the dynamic reserve, when there is one
  names.push_back(percpu::layout::kReserveSizeSymbol);
  return {std::move(names), {detail::storage_symbol_marker()}};
}

// The small ELF is freed once LIEF has read it, before the layout model grows; the template's
// symbols move from the view to the model to the layout's Variables, never copied.
detail::Analysis analyze_view(detail::BoundedElf view, const std::string& name, const Options& options) {
  detail::ElfModel model = detail::parse_with_lief(view.image, name);
  std::vector<uint8_t>().swap(view.image);
  detail::restore_file_fields(model, view);
  return detail::analyze(std::move(model), options);
}

// The options' values the checker cannot work with (InvalidArgument).
void check_options(const Options& options) {
  if (options.cpus) require_cpu_count(*options.cpus);
}

detail::Analysis analyze_file(const std::string& path, const Options& options) {
  check_options(options);
  const Names names = detail::names_for(options);
  return analyze_view(detail::view_elf_file(path, names.section, layout_symbols(names, options)), path, options);
}

// The rules run on the analysis, then its layout moves into the report (a million variables are
// never held twice).
Report report_of(detail::Analysis&& analysis, const std::string& name) {
  Report report;
  report.file = name;
  detail::run_rules(analysis, report);
  report.layout = std::move(analysis.layout);
  return report;
}

}  // namespace

Layout inspect(const std::string& path, const Options& options) { return std::move(analyze_file(path, options).layout); }

Report check(const std::string& path, const Options& options) { return report_of(analyze_file(path, options), path); }

Report check_bytes(const uint8_t* data, size_t size, const std::string& name, const Options& options) {
  check_options(options);
  const Names names = detail::names_for(options);
  const MemorySource source(data, size);
  return report_of(analyze_view(detail::view_elf(source, name, names.section, layout_symbols(names, options)), name, options),
                   name);
}

}  // namespace percpu::check
