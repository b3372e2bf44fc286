// What every rule function shares (rules.cpp runs them; rules_template.cpp, rules_areas.cpp and
// rules_segments.cpp hold them, grouped by what they look at): the outcome type, the verdict that
// collects findings, and the phrases several rules use to say why they skip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis.hpp"

namespace percpu::check::detail {

namespace layout = percpu::layout;

inline constexpr uint64_t kMaxSegmentSize = uint64_t{4} << 30;

struct Outcome {
  RuleStatus status = RuleStatus::pass;
  std::string reason;
  std::vector<Finding> findings;
};

inline Outcome pass() { return {}; }
inline Outcome skip(std::string reason) { return {RuleStatus::skip, std::move(reason), {}}; }

// Collects a rule's findings; the rule fails when it has any.
struct Verdict {
  std::string rule;
  std::vector<Finding> findings;
  void fail(std::string message, std::string hint) { findings.push_back({rule, std::move(message), std::move(hint)}); }
  Outcome done() const { return findings.empty() ? pass() : Outcome{RuleStatus::fail, "", findings}; }
};

inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

inline bool overlaps(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end) {
  return a_start < a_end && b_start < b_end && a_start < b_end && b_start < a_end;  // empty ranges overlap nothing
}

inline constexpr const char* kNoTemplate = "no template section (see template.exists)";

inline constexpr const char* kZeroStride = "the stride symbol is 0 (see stride.alignment)";

// A NOBITS (NOLOAD) template has no load image: its load address and segment say nothing.
inline constexpr const char* kNobitsTemplate = "the template is NOBITS: it has no load image (see template.progbits)";

// Why the rules that read the template skip: none, or more than one (template.exists says which;
// one mistake, one finding).
inline const char* not_one_template(const Analysis& a) {
  if (!a.tmpl) return kNoTemplate;
  if (a.templates.size() > 1) return "more than one template section (see template.exists)";
  return nullptr;
}

inline std::string missing(const std::string& symbol) { return "symbol " + quoted(symbol) + " is missing (see symbols.present)"; }

inline bool is_crate(const Analysis& a) { return a.layout.kind == LayoutKind::rust_crate; }
inline bool is_rom(const Analysis& a) { return a.layout.kind == LayoutKind::rom; }
inline constexpr const char* kCrateHint = "generate the block with percpu-ldgen SCRIPT --cpus N (a PROGBITS template, a stride "
                         "rounded to the largest alignment, NOLOAD areas after it): docs/ldgen.md";


// The rules, one per id, in kRules order (rules.cpp).
Outcome template_exists(const Analysis& a, Verdict& v);
Outcome template_flags(const Analysis& a, Verdict& v);
Outcome template_progbits(const Analysis& a, Verdict& v);
Outcome crate_template_progbits(const Analysis& a, Verdict& v);
Outcome template_address_model(const Analysis& a, Verdict& v);
Outcome symbols_present(const Analysis& a, Verdict& v);
Outcome symbols_load_range(const Analysis& a, Verdict& v);
Outcome variables_inside(const Analysis& a, Verdict& v);
Outcome variables_swallowed(const Analysis& a, Verdict& v);
Outcome areas_start_aligned(const Analysis& a, Verdict& v);
Outcome areas_start_is_load_address(const Analysis& a, Verdict& v);
Outcome rom_image(const Analysis& a, Verdict& v);
Outcome rom_areas(const Analysis& a, Verdict& v);
Outcome areas_size(const Analysis& a, Verdict& v);
Outcome stride_alignment(const Analysis& a, Verdict& v);
Outcome reserve_inside(const Analysis& a, Verdict& v);
Outcome crate_stride_alignment(const Analysis& a, Verdict& v);
Outcome cpus_count(const Analysis& a, Verdict& v);
Outcome areas_no_overlap(const Analysis& a, Verdict& v);
Outcome segments_size(const Analysis& a, Verdict& v);
Outcome segments_template_alone(const Analysis& a, Verdict& v);
Outcome segments_next_load_address(const Analysis& a, Verdict& v);
Outcome reach_arch(const Analysis& a, Verdict& v);
Outcome reach_hot(const Analysis& a, Verdict& v);

}  // namespace percpu::check::detail
