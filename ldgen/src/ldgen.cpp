// The library's public entry points: strip what an earlier run inserted, parse, place, edit.
#include "percpu/ldgen.hpp"

#include "editor.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "placement.hpp"

namespace percpu::ldgen {
namespace {

void check_options(const InjectOptions& o) {
  if (o.cpus == 0) throw std::invalid_argument("--cpus must be at least 1");
  if (o.reserve > percpu::layout::kMaxReserve)
    throw std::invalid_argument("--reserve must be at most " + std::to_string(percpu::layout::kMaxReserve) +
                                " bytes (1G)");
  if (!o.after.empty() && !o.before.empty()) throw std::invalid_argument("--after and --before exclude each other");
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
  shape.reserve = options.reserve;
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

}  // namespace percpu::ldgen
