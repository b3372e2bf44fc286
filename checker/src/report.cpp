// The two outputs of a Report: the JSON document (schema "percpu-check/1") and the table.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "analysis.hpp"

namespace percpu::check {
namespace {

using detail::hex;
using Json = nlohmann::ordered_json;

const char* status_name(RuleStatus s) {
  switch (s) {
    case RuleStatus::pass: return "pass";
    case RuleStatus::fail: return "fail";
    case RuleStatus::skip: return "skip";
  }
  return "?";
}

const char* model_name(percpu::layout::AddressModel m) {
  return m == percpu::layout::AddressModel::delta ? "delta" : "zero";
}

Json variable_json(const Variable& v) {
  Json j;
  j["name"] = v.name;
  j["symbol"] = v.symbol;
  j["offset"] = v.offset;
  j["size"] = v.size;
  j["align"] = v.align;
  j["cache_line"] = v.cache_line;
  j["padding_before"] = v.padding_before;
  j["hot"] = v.hot;
  return j;
}

Json layout_json(const Layout& l) {
  Json j;
  j["arch"] = l.arch;
  j["elf_class"] = l.elf_class;
  j["model"] = model_name(l.model);
  j["template_vma"] = l.template_vma;
  j["template_lma"] = l.template_lma;
  j["template_size"] = l.template_size;
  j["template_align"] = l.template_align;
  j["stride"] = l.stride;
  j["areas_start"] = l.areas_start;
  j["areas_end"] = l.areas_end;
  j["cpu_count"] = l.cpu_count;
  j["areas"] = l.areas;
  if (l.has_reserve) {
    Json reserve;
    reserve["offset"] = l.reserve_offset;
    reserve["size"] = l.reserve_size;
    Json addresses = Json::array();
    for (uint64_t cpu = 0; cpu < l.areas.size(); ++cpu) addresses.push_back(l.reserve_address(cpu));
    reserve["addresses"] = std::move(addresses);
    j["reserve"] = std::move(reserve);
  } else {
    j["reserve"] = nullptr;
  }
  Json variables = Json::array();
  for (const Variable& v : l.variables) variables.push_back(variable_json(v));
  j["variables"] = std::move(variables);
  return j;
}

// Invalid UTF-8 in a symbol name becomes U+FFFD instead of an exception.
std::string dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }
std::string rpad(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }

void write_summary(std::ostream& out, const Report& r) {
  const Layout& l = r.layout;
  out << "percpu-check: " << r.file << "\n";
  out << "  arch        " << l.arch << " (ELF" << l.elf_class << "), " << model_name(l.model) << " model\n";
  out << "  template    VMA " << hex(l.template_vma) << ", LMA " << hex(l.template_lma) << ", " << l.template_size
      << " bytes, align " << l.template_align << "\n";
  if (l.cpu_count) {
    out << "  areas       " << l.cpu_count << " CPUs, stride " << hex(l.stride) << ", [" << hex(l.areas_start) << ", "
        << hex(l.areas_end) << ")\n";
  } else {
    out << "  areas       not in the ELF (allocated at boot); template image at " << hex(l.areas_start) << ", stride "
        << hex(l.stride) << "\n";
  }
  if (l.has_reserve) {
    out << "  reserve     " << l.reserve_size << " bytes at offset " << hex(l.reserve_offset) << " in every area";
    if (!l.areas.empty())
      out << ", [" << hex(l.reserve_address(0)) << ", " << hex(l.reserve_address(0) + l.reserve_size) << ") on cpu0";
    for (uint64_t cpu = 1; cpu < l.areas.size() && cpu < 4; ++cpu) out << ", " << hex(l.reserve_address(cpu));
    out << (l.areas.size() > 4 ? ", ..." : "") << "\n";
  }
}

// The CPUs whose addresses the table shows: all of them up to 4, else the first and the last.
std::vector<uint64_t> shown_cpus(const Layout& l) {
  std::vector<uint64_t> cpus;
  if (l.cpu_count == 0) return cpus;
  if (l.cpu_count <= 4) {
    for (uint64_t c = 0; c < l.cpu_count; ++c) cpus.push_back(c);
  } else {
    cpus = {0, l.cpu_count - 1};
  }
  return cpus;
}

void write_variables(std::ostream& out, const Layout& l) {
  out << "\nvariables (" << l.variables.size() << ")\n";
  if (l.variables.empty()) return;
  size_t width = 4;
  for (const Variable& v : l.variables) width = std::max(width, std::min<size_t>(v.name.size(), 60));
  const std::vector<uint64_t> cpus = shown_cpus(l);
  out << "  " << pad("name", width) << rpad("offset", 10) << rpad("size", 8) << rpad("align", 7) << rpad("line", 6)
      << rpad("pad", 6);
  if (cpus.empty()) out << "  image address";
  for (size_t i = 0; i < cpus.size(); ++i)
    out << "  " << (i + 1 < cpus.size() ? pad("cpu" + std::to_string(cpus[i]), 18) : "cpu" + std::to_string(cpus[i]));
  out << "\n";
  uint64_t used = 0;
  uint64_t padding = 0;
  for (const Variable& v : l.variables) {
    out << "  " << pad(v.name, width) << rpad(hex(v.offset), 10) << rpad(std::to_string(v.size), 8)
        << rpad(std::to_string(v.align), 7) << rpad(std::to_string(v.cache_line), 6)
        << rpad(std::to_string(v.padding_before), 6);
    if (cpus.empty()) out << "  " << hex(v.address_on(0));
    for (size_t i = 0; i < cpus.size(); ++i)
      out << "  " << (i + 1 < cpus.size() ? pad(hex(v.address_on(cpus[i])), 18) : hex(v.address_on(cpus[i])));
    out << (v.hot ? "  hot" : "") << "\n";
    used += v.size;
    padding += v.padding_before;
  }
  const uint64_t end = l.variables.back().offset + l.variables.back().size;
  const uint64_t tail = l.template_size > end ? l.template_size - end : 0;
  out << "  totals: " << l.variables.size() << " variables, " << used << " bytes, " << padding + tail
      << " bytes of padding, template " << l.template_size << " bytes in " << (l.template_size + 63) / 64
      << " cache lines, stride " << l.stride << "\n";
}

void write_false_sharing(std::ostream& out, const Layout& l) {
  const std::vector<detail::FalseSharing> shared = detail::false_sharing(l);
  if (shared.empty()) return;
  out << "\nfalse sharing (hot variables sharing a 64-byte line)\n";
  for (const detail::FalseSharing& f : shared) {
    out << "  " << f.variable << " (line " << f.first_line;
    if (f.last_line != f.first_line) out << "-" << f.last_line;
    out << ") shares with:";
    for (const std::string& other : f.shared_with) out << " " << other;
    out << "\n    hint: align it to 64 bytes (alignas(64)) or move the others away\n";
  }
}

}  // namespace

void detail::write_rules(std::ostream& out, const Report& r, bool failures_only) {
  if (!failures_only) out << "\nrules\n";
  size_t passed = 0, failed = 0, skipped = 0;
  for (const RuleResult& rule : r.rules) {
    if (rule.status == RuleStatus::pass) ++passed;
    if (rule.status == RuleStatus::skip) ++skipped;
    if (rule.status == RuleStatus::fail) ++failed;
    if (failures_only && rule.status != RuleStatus::fail) continue;
    if (rule.status == RuleStatus::pass) out << "  PASS " << rule.id << "\n";
    if (rule.status == RuleStatus::skip) out << "  SKIP " << rule.id << ": " << rule.reason << "\n";
    if (rule.status != RuleStatus::fail) continue;
    for (const Finding& f : r.findings) {
      if (f.rule != rule.id) continue;
      out << "  FAIL " << rule.id << ": " << f.message << "\n";
      out << "       hint: " << f.hint << "\n";
    }
  }
  if (failures_only) return;
  out << "\n" << (r.ok() ? "OK" : "FAILED") << ": " << passed << " passed, " << failed << " failed, " << skipped
      << " skipped\n";
}

std::string to_json(const Layout& layout) { return dump(layout_json(layout)); }
std::string to_json(const Variable& variable) { return dump(variable_json(variable)); }

std::string to_json(const Report& r) {
  Json j;
  j["schema"] = "percpu-check/1";
  j["file"] = r.file;
  j["ok"] = r.ok();
  j["layout"] = layout_json(r.layout);
  Json shared = Json::array();
  for (const detail::FalseSharing& f : detail::false_sharing(r.layout))
    shared.push_back({{"variable", f.variable}, {"first_line", f.first_line}, {"last_line", f.last_line},
                      {"shared_with", f.shared_with}});
  j["false_sharing"] = std::move(shared);
  Json findings = Json::array();
  for (const Finding& f : r.findings) findings.push_back({{"rule", f.rule}, {"message", f.message}, {"hint", f.hint}});
  j["findings"] = std::move(findings);
  Json rules = Json::array();
  for (const RuleResult& rule : r.rules) {
    Json jr{{"id", rule.id}, {"status", status_name(rule.status)}};
    if (rule.status == RuleStatus::skip) jr["reason"] = rule.reason;
    rules.push_back(std::move(jr));
  }
  j["rules"] = std::move(rules);
  return dump(j);
}

std::string to_text(const Report& r) {
  std::ostringstream out;
  write_summary(out, r);
  write_variables(out, r.layout);
  write_false_sharing(out, r.layout);
  detail::write_rules(out, r, false);
  return out.str();
}

}  // namespace percpu::check
