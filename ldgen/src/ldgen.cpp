// The library's public entry points: strip what an earlier run inserted (after checking it is
// exactly what ldgen writes), parse, place, edit.
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
  if (o.reserve > percpu::layout::kMaxReserve)
    throw InvalidArgument("reserve", std::to_string(o.reserve),
                          "at most " + std::to_string(percpu::layout::kMaxReserve) + " bytes (1G)");
}

// A CRLF file stays CRLF: what ldgen inserts uses the line ending of the file's first line.
bool uses_crlf(std::string_view text) {
  const size_t nl = text.find('\n');
  return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r';
}

std::string with_line_ending(const std::string& text, bool crlf) {
  if (!crlf) return text;
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The stripped script with a block for `options`, optionally exactly at `block_at`.
std::string render(const detail::OwnedText& owned, const InjectOptions& options, std::optional<size_t> block_at,
                   bool crlf) {
  const detail::Lexer lexer(owned.stripped, options.source_name);
  const detail::Script parsed = detail::parse_script(owned.stripped, options.source_name);
  std::vector<detail::Edit> edits = detail::plan_edits(parsed, lexer, options, block_at);
  for (detail::Edit& e : edits) e.text = with_line_ending(e.text, crlf);
  return detail::apply_edits(owned.stripped, std::move(edits));
}

// The offset in `text` of the first line that differs from `expected` (npos: none).
size_t first_different_line(std::string_view text, std::string_view expected) {
  size_t line = 0;
  for (size_t i = 0; i < text.size() && i < expected.size(); ++i) {
    if (text[i] != expected[i]) return line;
    if (text[i] == '\n') line = i + 1;
  }
  return text.size() == expected.size() ? std::string_view::npos : line;
}

// Text a user put between ldgen's markers must not be deleted silently: the insertions found are
// compared with what ldgen writes, here, for the options recorded in the begin marker (so the
// check follows whatever the block holds, without a copy of its text).
std::optional<ScriptError> hand_edit(std::string_view script, const detail::OwnedText& owned,
                                     const detail::Lexer& original, const InjectOptions& options) {
  if (owned.removed.empty()) return std::nullopt;
  const std::string what = "percpu-ldgen's insertions differ from what it writes here for cpus=" +
                           std::to_string(owned.cpus) + " vma=" +
                           percpu::layout::to_string(owned.vma) +
                           " from this line on (text edited between its markers, or the script around them "
                           "changed); forcing discards them and writes them again";
  if (!owned.block_found) return original.error_at(owned.removed.front().begin, what, Remedy::force);
  InjectOptions recorded = options;
  recorded.cpus = owned.cpus;
  recorded.reserve = owned.reserve;
  recorded.vma = owned.vma;
  recorded.after.clear();
  recorded.before.clear();
  try {
    const std::string expected = render(owned, recorded, owned.stripped_block_offset(), uses_crlf(script));
    const size_t differs = first_different_line(script, expected);
    if (differs == std::string_view::npos) return std::nullopt;
    return original.error_at(differs, what, Remedy::force);
  } catch (const ScriptError&) {
    return original.error_at(owned.block_begin, what, Remedy::force);
  }
}

}  // namespace

std::string inject(std::string_view script, const InjectOptions& options) {
  check_options(options);
  // Syntax errors are reported against the text as given (the old block parses too).
  const detail::Lexer original(script, options.source_name);
  detail::parse_script(script, options.source_name);
  const detail::OwnedText owned = detail::find_owned(original);
  if (!options.force)
    if (const std::optional<ScriptError> edited = hand_edit(script, owned, original, options)) throw *edited;
  try {
    return render(owned, options, std::nullopt, uses_crlf(script));
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
    info.reserve = owned.reserve;
    info.vma = owned.vma;
    InjectOptions options;
    options.cpus = owned.cpus;
    options.reserve = owned.reserve;
    options.source_name = source_name;
    if (const std::optional<ScriptError> edited = hand_edit(script, owned, lexer, options)) info.edited = edited->what();
  }
  return info;
}

BlockCheck check_block(std::string_view script, const InjectOptions& options) {
  check_options(options);
  BlockCheck result;
  result.found = inspect_block(script, options.source_name);
  if (!result.found.owned_by_ldgen) result.state = BlockState::missing;
  else if (result.found.cpus != options.cpus || result.found.vma != options.vma || result.found.reserve != options.reserve)
    result.state = BlockState::other_parameters;
  else if (!result.found.edited.empty()) result.state = BlockState::edited;
  else if (inject(script, options) != script) result.state = BlockState::stale;
  else result.state = BlockState::up_to_date;
  return result;
}

std::string describe(const BlockCheck& check, const InjectOptions& options) {
  const std::string file = options.source_name + ": ";
  switch (check.state) {
    case BlockState::up_to_date: return "";
    case BlockState::missing: return file + "no percpu-ldgen block";
    case BlockState::other_parameters:
      return file + "the block is for cpus=" + std::to_string(check.found.cpus) +
             " vma=" + percpu::layout::to_string(check.found.vma) + " reserve=" + std::to_string(check.found.reserve) +
             ", wanted cpus=" + std::to_string(options.cpus) + " vma=" + percpu::layout::to_string(options.vma) +
             " reserve=" + std::to_string(options.reserve);
    case BlockState::edited: return check.found.edited;  // "file:line:col: message"
    case BlockState::stale: return file + "the block is out of date (regenerate it)";
  }
  return "";
}

}  // namespace percpu::ldgen
