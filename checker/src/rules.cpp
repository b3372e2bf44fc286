// The rules: one function per rule id, each a relationship of docs/layout-contract.md
// (percpu/layout.hpp), run in the documented order. docs/percpu-check.md documents every id, its
// message and its fix; the functions are in rules_template.cpp, rules_areas.cpp, rules_segments.cpp.
#include "rule_kit.hpp"

namespace percpu::check::detail {
namespace {

using RuleFn = Outcome (*)(const Analysis&, Verdict&);
struct Rule {
  const char* id;
  RuleFn fn;
};

constexpr Rule kRules[] = {
    {"template.exists", template_exists},
    {"template.flags", template_flags},
    {"template.progbits", template_progbits},
    {"crate.template_progbits", crate_template_progbits},
    {"template.address_model", template_address_model},
    {"symbols.present", symbols_present},
    {"symbols.load_range", symbols_load_range},
    {"variables.inside", variables_inside},
    {"variables.swallowed", variables_swallowed},
    {"areas.start_aligned", areas_start_aligned},
    {"areas.start_is_load_address", areas_start_is_load_address},
    {"rom.image", rom_image},
    {"rom.areas", rom_areas},
    {"areas.size", areas_size},
    {"stride.alignment", stride_alignment},
    {"reserve.inside", reserve_inside},
    {"crate.stride_alignment", crate_stride_alignment},
    {"cpus.count", cpus_count},
    {"areas.no_overlap", areas_no_overlap},
    {"segments.size", segments_size},
    {"segments.template_alone", segments_template_alone},
    {"segments.next_load_address", segments_next_load_address},
    {"reach.arch", reach_arch},
    {"reach.hot", reach_hot},
};

}  // namespace

void run_rules(const Analysis& analysis, Report& report) {
  for (const Rule& rule : kRules) {
    Verdict verdict{rule.id, {}};
    Outcome outcome = rule.fn(analysis, verdict);
    report.rules.push_back({rule.id, outcome.status, outcome.reason});
    for (Finding& f : outcome.findings) report.findings.push_back(std::move(f));
  }
}

}  // namespace percpu::check::detail

namespace percpu::check {

const std::vector<std::string>& rule_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& rule : detail::kRules) out.push_back(rule.id);
    return out;
  }();
  return ids;
}

}  // namespace percpu::check
