// --format junit: the verdict as a JUnit XML report, which GitLab, Jenkins and GitHub show
// natively. One testcase per rule (so the count equals rule_ids().size() for every file that
// could be read); a failed rule carries every finding's message and hint, a skipped rule its
// reason. The layout's summary goes into the suite's properties.
#include <sstream>

#include "analysis.hpp"
#include "percpu/check.hpp"
#include "xml.hpp"

namespace percpu::check {
namespace {

using detail::xml;

size_t count(const Report& r, RuleStatus status) {
  size_t n = 0;
  for (const RuleResult& rule : r.rules) n += rule.status == status;
  return n;
}

// "template.progbits" -> "percpu-check.template": the rule's family groups the cases in a CI view.
std::string class_name(const std::string& rule) {
  return "percpu-check." + rule.substr(0, rule.find('.'));
}

void write_case(std::ostream& o, const Report& r, const RuleResult& rule) {
  o << "    <testcase classname=\"" << xml(class_name(rule.id)) << "\" name=\"" << xml(rule.id) << "\" file=\""
    << xml(r.file) << "\"";
  if (rule.status == RuleStatus::pass) {
    o << "/>\n";
    return;
  }
  o << ">\n";
  if (rule.status == RuleStatus::skip) {
    o << "      <skipped message=\"" << xml(rule.reason) << "\"/>\n";
  } else {
    std::string first, body;
    for (const Finding& f : r.findings) {
      if (f.rule != rule.id) continue;
      if (first.empty()) first = f.message;
      body += f.message + "\nhint: " + f.hint + "\n";
    }
    o << "      <failure type=\"" << xml(rule.id) << "\" message=\"" << xml(first) << "\">" << xml(body)
      << "</failure>\n";
  }
  o << "    </testcase>\n";
}

void write_properties(std::ostream& o, const Layout& l) {
  const std::pair<const char*, std::string> props[] = {
      {"arch", l.arch},
      {"cpus", std::to_string(l.cpu_count)},
      {"stride", std::to_string(l.stride)},
      {"template_size", std::to_string(l.template_size)},
      {"variables", std::to_string(l.variables.size())},
  };
  o << "    <properties>\n";
  for (const auto& [name, value] : props)
    o << "      <property name=\"" << name << "\" value=\"" << xml(value) << "\"/>\n";
  o << "    </properties>\n";
}

}  // namespace

std::string to_junit(const Report& r) {
  const size_t tests = r.rules.size(), failures = count(r, RuleStatus::fail), skipped = count(r, RuleStatus::skip);
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"percpu-check\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\""
    << skipped << "\">\n"
    << "  <testsuite name=\"percpu-check " << xml(r.file) << "\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
  write_properties(o, r.layout);
  for (const RuleResult& rule : r.rules) write_case(o, r, rule);
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace percpu::check
