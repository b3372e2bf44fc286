// The two outputs of a Report: the JSON document (schema "percpu-check/1", streamed: see
// json_stream.hpp) and the table.
#include <algorithm>
#include <sstream>

#include "analysis.hpp"
#include "json_stream.hpp"

namespace percpu::check {
namespace {

using detail::JsonStream;

const char* status_name(RuleStatus s) {
  switch (s) {
    case RuleStatus::pass: return "pass";
    case RuleStatus::fail: return "fail";
    case RuleStatus::skip: return "skip";
  }
  return "?";
}

const char* kind_summary(LayoutKind k) {
  switch (k) {
    case LayoutKind::percpu: return "";
    case LayoutKind::rom: return ", ROM/flash layout (template image in the load region, areas in RAM)";
    case LayoutKind::rust_crate: return ", the Rust crate percpu's layout (areas inside .percpu)";
    case LayoutKind::linux: return ", Linux layout";
  }
  return "";
}

void write_variable(JsonStream& j, const Variable& v) {
  j.begin_object();
  j.member("name", v.name);
  j.member("symbol", v.symbol);
  j.member("offset", v.offset);
  j.member("size", v.size);
  j.member("align", v.align);
  j.member("cache_line", v.cache_line);
  j.member("padding_before", v.padding_before);
  j.member("hot", v.hot);
  j.end_object();
}

void write_layout(JsonStream& j, const Layout& l) {
  j.begin_object();
  j.member("arch", l.arch);
  j.member("elf_class", l.elf_class);
  j.member("model", percpu::layout::to_string(l.model));
  j.member("kind", kind_name(l.kind));
  j.member("template_vma", l.template_vma);
  j.member("template_lma", l.template_lma);
  j.member("template_size", l.template_size);
  j.member("template_align", l.template_align);
  j.member("stride", l.stride);
  j.member("areas_start", l.areas_start);
  j.member("areas_end", l.areas_end);
  j.member("cpu_count", l.cpu_count);
  j.key("areas");
  j.begin_array();
  for (const uint64_t base : l.areas) j.value(base);
  j.end_array();
  j.key("reserve");  // the dynamic reserve (percpu-ldgen --reserve), null without one
  if (l.has_reserve) {
    j.begin_object();
    j.member("offset", l.reserve_offset);
    j.member("size", l.reserve_size);
    j.key("addresses");
    j.begin_array();
    for (uint64_t cpu = 0; cpu < l.areas.size(); ++cpu) j.value(l.reserve_address(cpu));
    j.end_array();
    j.end_object();
  } else {
    j.null_value();
  }
  j.key("variables");
  j.begin_array();
  for (const Variable& v : l.variables) write_variable(j, v);
  j.end_array();
  j.end_object();
}

void write_report(JsonStream& j, const Report& r) {
  j.begin_object();
  j.member("schema", "percpu-check/1");
  j.member("file", r.file);
  j.member("ok", r.ok());
  j.key("layout");
  write_layout(j, r.layout);
  j.key("false_sharing");
  j.begin_array();
  for (const detail::FalseSharing& f : detail::false_sharing(r.layout)) {
    j.begin_object();
    j.member("variable", f.variable);
    j.member("first_line", f.first_line);
    j.member("last_line", f.last_line);
    j.key("shared_with");
    j.begin_array();
    for (const std::string& other : f.shared_with) j.value(other);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("findings");
  j.begin_array();
  for (const Finding& f : r.findings) {
    j.begin_object();
    j.member("rule", f.rule);
    j.member("message", f.message);
    j.member("hint", f.hint);
    j.end_object();
  }
  j.end_array();
  j.key("rules");
  j.begin_array();
  for (const RuleResult& rule : r.rules) {
    j.begin_object();
    j.member("id", rule.id);
    j.member("status", status_name(rule.status));
    if (rule.status == RuleStatus::skip) j.member("reason", rule.reason);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

// A document written to a string (the library's to_json(); the CLI streams with write_json()).
template <typename T, typename Writer>
std::string json_string(const T& value, Writer writer) {
  std::ostringstream out;
  JsonStream j(out);
  writer(j, value);
  j.finish();
  return out.str();
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }
std::string rpad(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }

void write_summary(std::ostream& out, const Report& r) {
  const Layout& l = r.layout;
  out << "percpu-check: " << r.file << "\n";
  out << "  arch        " << l.arch << " (ELF" << l.elf_class << "), " << percpu::layout::to_string(l.model) << " model" << kind_summary(l.kind) << "\n";
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

const char* kind_name(LayoutKind kind) {
  switch (kind) {
    case LayoutKind::percpu: return "percpu";
    case LayoutKind::rom: return "rom";
    case LayoutKind::rust_crate: return "rust-crate";
    case LayoutKind::linux: return "linux";
  }
  return "?";
}

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

std::string to_json(const Layout& layout) { return json_string(layout, write_layout); }
std::string to_json(const Variable& variable) { return json_string(variable, write_variable); }
std::string to_json(const Report& r) { return json_string(r, write_report); }

void write_json(std::ostream& out, const Report& r) {
  JsonStream j(out);
  write_report(j, r);
  j.finish();
}

void write_text(std::ostream& out, const Report& r) {
  write_summary(out, r);
  write_variables(out, r.layout);
  write_false_sharing(out, r.layout);
  detail::write_rules(out, r, false);
}

std::string to_text(const Report& r) {
  std::ostringstream out;
  write_text(out, r);
  return out.str();
}

std::string failures_to_text(const Report& r) {
  std::ostringstream out;
  detail::write_rules(out, r, true);
  return out.str();
}

}  // namespace percpu::check
