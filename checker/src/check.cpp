// inspect() and check(): bounded view -> LIEF -> layout model -> rules.
#include "analysis.hpp"
#include "elf_view.hpp"
#include "lief_adapter.hpp"

namespace percpu::check {
namespace {

detail::Analysis analyze_file(const std::string& path, const Options& options) {
  const detail::Names names = detail::names_for(options);
  const detail::BoundedElf view = detail::view_elf_file(path, names.section);
  detail::ElfModel model = detail::parse_with_lief(view.image, path, names.section);
  detail::restore_file_fields(model, view);
  return detail::analyze(std::move(model), options);
}

}  // namespace

Layout inspect(const std::string& path, const Options& options) { return analyze_file(path, options).layout; }

Report check(const std::string& path, const Options& options) {
  const detail::Analysis analysis = analyze_file(path, options);
  Report report;
  report.file = path;
  report.layout = analysis.layout;
  detail::run_rules(analysis, report);
  return report;
}

}  // namespace percpu::check
