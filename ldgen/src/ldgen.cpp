// The library's public entry points: strip what an earlier run inserted, parse, place, edit.
#include "percpu/ldgen.hpp"

#include "editor.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "placement.hpp"

namespace percpu::ldgen {
namespace {

void check_options(const InjectOptions& o) {
  require_cpu_count(o.cpus);
  if (!o.after.empty() && !o.before.empty())
    throw InvalidArgument("before", "'" + o.before + "'", "empty when after is given");
}

}  // namespace

std::string inject(std::string_view script, const InjectOptions& options) {
  check_options(options);
  // Syntax errors are reported against the text as given (the old block parses too).
  const detail::Lexer original(script, options.source_name);
  detail::parse_script(script, options.source_name);
  const detail::OwnedText owned = detail::find_owned(original);
  const detail::Lexer lexer(owned.stripped, options.source_name);
  try {
    const detail::Script parsed = detail::parse_script(owned.stripped, options.source_name);
    return detail::apply_edits(owned.stripped, detail::plan_edits(parsed, lexer, options));
  } catch (const ScriptError& e) {
    if (owned.removed.empty()) throw;
    // Report refusals at their place in the text as given, not in the stripped copy.
    size_t offset = 0;
    for (unsigned line = 1; line < e.line(); ++line) offset = owned.stripped.find('\n', offset) + 1;
    throw original.error_at(owned.to_source(offset + e.column() - 1), e.message());
  }
}

std::string emit_fragment(const InjectOptions& options) {
  check_options(options);
  detail::BlockShape shape;
  shape.cpus = options.cpus;
  shape.delta = options.vma == percpu::layout::AddressModel::delta;
  // Without the script, the template is loaded at _percpu_start (an identity-mapped kernel).
  return detail::render_block(shape).substr(detail::kBlockLead.size() - 2) + "\n";
}

BlockInfo inspect_block(std::string_view script, const std::string& source_name) {
  const detail::Lexer lexer(script, source_name);
  const detail::Script parsed = detail::parse_script(script, source_name);
  const detail::OwnedText owned = detail::find_owned(lexer);
  BlockInfo info;
  info.present = !parsed.percpu_sections.empty();
  info.owned_by_ldgen = owned.block_found && info.present;
  if (info.owned_by_ldgen) {
    info.cpus = owned.cpus;
    info.vma = owned.vma_delta ? percpu::layout::AddressModel::delta : percpu::layout::AddressModel::zero;
  }
  return info;
}

BlockCheck check_block(std::string_view script, const InjectOptions& options) {
  check_options(options);
  BlockCheck result;
  result.found = inspect_block(script, options.source_name);
  if (!result.found.owned_by_ldgen) result.state = BlockState::missing;
  else if (result.found.cpus != options.cpus || result.found.vma != options.vma) result.state = BlockState::other_parameters;
  else if (inject(script, options) != script) result.state = BlockState::stale;
  else result.state = BlockState::up_to_date;
  return result;
}

std::string describe(const BlockCheck& check, const InjectOptions& options) {
  switch (check.state) {
    case BlockState::up_to_date: return "";
    case BlockState::missing: return "no percpu-ldgen block";
    case BlockState::other_parameters:
      return "the block is for cpus=" + std::to_string(check.found.cpus) + " vma=" + percpu::layout::to_string(check.found.vma) +
             ", wanted cpus=" + std::to_string(options.cpus) + " vma=" + percpu::layout::to_string(options.vma);
    case BlockState::stale: return "the block is out of date (regenerate it)";
  }
  return "";
}

}  // namespace percpu::ldgen
