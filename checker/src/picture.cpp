// The layout as a picture (docs/percpu-check.md, "The picture"): the template drawn as 64-byte
// cache lines, one group per variable, padding hatched, hints in colour (a variable sharing a
// cache line, an over-aligned one, a hot one), the stride and the areas above. A static SVG:
// no scripts, fonts, links or images; every name is XML-escaped. The HTML page wraps it with the
// summary, a legend and the rule verdict.
#include <algorithm>
#include <map>
#include <sstream>

#include "analysis.hpp"
#include "xml.hpp"

namespace percpu::check {
namespace {

using detail::xml;

constexpr uint64_t kLine = 64;        // bytes per row: one cache line
constexpr int kByteWidth = 12;        // pixels per byte
constexpr int kLeft = 130;            // the row labels' column
constexpr int kGridWidth = static_cast<int>(kLine) * kByteWidth;
constexpr int kWidth = kLeft + kGridWidth + 20;
constexpr int kRowHeight = 20;
constexpr int kRowGap = 3;
constexpr int kSkipHeight = 13;       // a run of lines one variable (or padding) fills entirely
constexpr double kCharWidth = 6.7;    // 11px monospace
constexpr uint64_t kMaxAreaBoxes = 8;
constexpr size_t kMaxNamesInTitle = 12;


uint64_t first_line(const Variable& v) { return v.offset / kLine; }
uint64_t last_line(const Variable& v) { return (v.offset + (v.size ? v.size - 1 : 0)) / kLine; }

// The alignment a variable of this size gets without asking (a scalar or an array of them).
uint64_t natural_align(uint64_t size) {
  uint64_t a = 1;
  while (a * 2 <= size && a < 16) a *= 2;
  return a;
}

// The hints the picture colours a variable by.
struct Hints {
  std::vector<size_t> neighbours;  // indices of the other variables on its first or last line
  bool over_aligned = false;       // see hints_of()
  bool shares_line() const { return !neighbours.empty(); }
};

// Variables are by offset and do not overlap, so only a variable's first and last line can hold
// another variable.
std::vector<Hints> hints_of(const Layout& l) {
  std::map<uint64_t, std::vector<size_t>> on_line;
  for (size_t i = 0; i < l.variables.size(); ++i) {
    on_line[first_line(l.variables[i])].push_back(i);
    if (last_line(l.variables[i]) != first_line(l.variables[i])) on_line[last_line(l.variables[i])].push_back(i);
  }
  std::vector<Hints> hints(l.variables.size());
  for (size_t i = 0; i < l.variables.size(); ++i) {
    const Variable& v = l.variables[i];
    for (uint64_t line : {first_line(v), last_line(v)})
      for (size_t j : on_line[line])
        if (j != i && std::find(hints[i].neighbours.begin(), hints[i].neighbours.end(), j) == hints[i].neighbours.end())
          hints[i].neighbours.push_back(j);
    // Pushed to a cache-line boundary by padding its own size does not explain: alignas(64) and up
    // (the compilers' own 16/32-byte alignment of arrays shows as padding only).
    hints[i].over_aligned = v.padding_before > 0 && v.offset % kLine == 0 && v.padding_before >= natural_align(v.size);
  }
  return hints;
}

// The CSS class of a variable: its fill says sharing and hotness, its outline over-alignment.
std::string classes_of(const Variable& v, const Hints& h) {
  std::string c = "var";
  if (h.shares_line()) c += " shared";
  if (v.hot) c += " hot";
  if (h.over_aligned) c += " overaligned";
  return c;
}

std::string title_of(const Layout& l, const Variable& v, const Hints& h) {
  std::ostringstream t;
  t << v.name << ": offset " << hex(v.offset) << ", " << v.size << " bytes, align " << v.align << ", line "
    << first_line(v);
  if (last_line(v) != first_line(v)) t << "-" << last_line(v);
  if (v.padding_before) t << "; " << v.padding_before << " bytes of padding before it";
  if (h.over_aligned) t << " (over-aligned)";
  if (v.hot) t << "; hot";
  if (h.shares_line()) {
    t << "; shares a cache line with";
    for (size_t k = 0; k < h.neighbours.size() && k < kMaxNamesInTitle; ++k) t << " " << l.variables[h.neighbours[k]].name;
    if (h.neighbours.size() > kMaxNamesInTitle) t << " and " << h.neighbours.size() - kMaxNamesInTitle << " more";
  }
  if (v.symbol != v.name) t << "; symbol " << v.symbol;
  return t.str();
}

// One stretch of the area: a variable, padding between variables, or the area's tail up to the stride.
struct Cell {
  uint64_t begin = 0;
  uint64_t end = 0;
  int variable = -1;  // index into layout.variables; -1: padding
  bool area_tail = false;
};

// Nothing past this offset is drawn: a corrupted size or stride symbol must not overflow the rows'
// arithmetic (no real template comes near it).
constexpr uint64_t kMaxDrawn = uint64_t{1} << 48;

std::vector<Cell> cells_of(const Layout& l) {
  std::vector<Cell> cells;
  uint64_t at = 0;
  for (size_t i = 0; i < l.variables.size(); ++i) {
    const Variable& v = l.variables[i];
    if (v.offset < at || v.size > kMaxDrawn || v.offset > kMaxDrawn - v.size) continue;  // an alias; absurd
    if (v.offset > at) cells.push_back({at, v.offset, -1, false});
    cells.push_back({v.offset, v.offset + std::max<uint64_t>(v.size, 1), static_cast<int>(i), false});
    at = cells.back().end;
  }
  const uint64_t template_end = std::min(l.template_size, kMaxDrawn);
  if (template_end > at) cells.push_back({at, template_end, -1, false});
  at = std::max(at, template_end);
  if (l.cpu_count && std::min(l.stride, kMaxDrawn) > at) cells.push_back({at, std::min(l.stride, kMaxDrawn), -1, true});
  return cells;
}

// A row of the grid: one cache line, or a run of lines a single cell fills (drawn short).
struct Row {
  uint64_t first = 0;
  uint64_t last = 0;
  bool skip = false;
  int y = 0;
};

std::vector<Row> rows_of(const std::vector<Cell>& cells, int y) {
  std::vector<Row> rows;
  const uint64_t end = cells.empty() ? 0 : cells.back().end;
  size_t c = 0;
  for (uint64_t line = 0; line * kLine < end;) {
    while (cells[c].end <= line * kLine) ++c;
    const Cell& cell = cells[c];
    // Lines strictly inside one cell, after its first line: collapse them when there are two or more.
    const uint64_t run = cell.begin < line * kLine ? cell.end / kLine - line : 0;
    if (run >= 2) {
      rows.push_back({line, line + run - 1, true, y});
      y += kSkipHeight + kRowGap;
      line += run;
      continue;
    }
    rows.push_back({line, line, false, y});
    y += kRowHeight + kRowGap;
    ++line;
  }
  return rows;
}

// The XML text of a box's label: the name, or as much as fits with an ellipsis (the <title> has
// it all), or nothing.
std::string label(const std::string& name, double width) {
  const size_t fits = width > 4 ? static_cast<size_t>((width - 4) / kCharWidth) : 0;
  if (fits >= name.size()) return xml(name);
  if (fits < 3) return "";
  return xml(name.substr(0, fits - 1)) + "&#8230;";
}

void write_style(std::ostream& o) {
  o << "<style>\n"
       "text{font-family:monospace;font-size:11px;fill:#222}\n"
       ".head{font-family:sans-serif;font-size:13px}\n"
       ".var rect{fill:#4e79a7;stroke:#fff;stroke-width:1}\n"
       ".var text{fill:#fff}\n"
       ".var.shared rect{fill:#f2a541}\n"
       ".var.shared text{fill:#222}\n"
       ".var.hot rect{fill:#59a14f}\n"
       ".var.hot.shared rect{fill:#e15759}\n"
       ".var.hot text{fill:#fff}\n"
       ".var.overaligned rect{stroke:#6a3d9a;stroke-width:3}\n"
       ".pad rect{fill:url(#hatch);stroke:#bbb;stroke-width:0.5}\n"
       ".tail rect{fill:#eee;stroke:#ccc;stroke-width:0.5}\n"
       ".skip text{fill:#666;font-style:italic}\n"
       ".area{fill:#4e79a7;stroke:#333}\n"
       ".area-rest{fill:#eee;stroke:#333}\n"
       "</style>\n"
       "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
       "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
       "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbb\" stroke-width=\"2\"/></pattern></defs>\n";
}

// The first lines: what the picture shows, in words.
int write_heading(std::ostream& o, const Layout& l, int y) {
  const uint64_t lines = l.template_size / kLine + (l.template_size % kLine != 0);
  o << "<text class=\"head\" x=\"10\" y=\"" << y << "\">per-CPU layout: " << xml(l.arch) << ", "
    << percpu::layout::to_string(l.model) << " model, " << l.variables.size()
    << " variables, template " << l.template_size << " bytes (" << lines << " cache line" << (lines == 1 ? "" : "s")
    << "), align " << l.template_align << "</text>\n";
  y += 18;
  o << "<text class=\"head\" x=\"10\" y=\"" << y << "\">";
  if (l.cpu_count)
    o << "areas: " << l.cpu_count << " CPUs, stride " << l.stride << " bytes (" << hex(l.stride) << "), ["
      << hex(l.areas_start) << ", " << hex(l.areas_end) << ")";
  else
    o << "areas: allocated at boot (Linux: __per_cpu_offset[]); template image at " << hex(l.areas_start);
  o << "</text>\n";
  return y + 14;
}

// The areas as a bar: each CPU's stride, the template part filled (the first kMaxAreaBoxes CPUs).
int write_areas(std::ostream& o, const Layout& l, int y) {
  const uint64_t shown = l.cpu_count ? std::min(l.cpu_count, kMaxAreaBoxes) : 1;
  const double box = static_cast<double>(kGridWidth) / static_cast<double>(shown);
  const double used = l.cpu_count && l.stride ? std::min(1.0, static_cast<double>(l.template_size) / l.stride) : 1.0;
  o << "<g class=\"areas\">\n";
  for (uint64_t cpu = 0; cpu < shown; ++cpu) {
    const double x = kLeft + box * static_cast<double>(cpu);
    const std::string name = l.cpu_count ? "cpu " + std::to_string(cpu) : "template image";
    const uint64_t base = l.cpu_count ? l.areas_start + cpu * l.stride : l.areas_start;
    o << "<g><title>" << xml(name) << ": " << hex(base) << " .. " << hex(base + (l.cpu_count ? l.stride : l.template_size))
      << " (template " << l.template_size << " bytes of " << (l.cpu_count ? l.stride : l.template_size) << ")</title>"
      << "<rect class=\"area-rest\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << box - 2 << "\" height=\"16\"/>"
      << "<rect class=\"area\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << std::max(1.0, (box - 2) * used)
      << "\" height=\"16\"/><text x=\"" << x + 3 << "\" y=\"" << y + 28 << "\">" << label(name + " " + hex(base), box)
      << "</text></g>\n";
  }
  o << "</g>\n<text x=\"10\" y=\"" << y + 12 << "\">areas</text>\n";
  if (l.cpu_count > shown)
    o << "<text x=\"10\" y=\"" << y + 28 << "\">(" << shown << " of " << l.cpu_count << ")</text>\n";
  return y + 44;
}

// The colour key, in the picture itself so that the SVG reads alone.
int write_key(std::ostream& o, int y) {
  struct Key { const char* cls; const char* text; };
  const Key keys[] = {{"var", "variable"}, {"var shared", "shares a cache line"}, {"var hot", "hot"},
                      {"var hot shared", "hot, shares a line"}, {"var overaligned", "over-aligned (outline)"},
                      {"pad", "padding"}, {"tail", "area tail to the stride"}};
  int x = 10;
  for (const Key& k : keys) {
    o << "<g class=\"key " << k.cls << "\"><rect x=\"" << x << "\" y=\"" << y << "\" width=\"14\" height=\"14\"/>"
      << "<text style=\"fill:#222\" x=\"" << x + 18 << "\" y=\"" << y + 11 << "\">" << k.text << "</text></g>\n";
    x += 26 + static_cast<int>(kCharWidth * static_cast<double>(std::char_traits<char>::length(k.text)));
  }
  y += 34;
  for (uint64_t b = 0; b < kLine; b += 8)
    o << "<text x=\"" << kLeft + static_cast<int>(b) * kByteWidth << "\" y=\"" << y << "\">+" << b << "</text>\n";
  return y + 6;
}

// A cell's part on one row: [max(begin, row start), min(end, row end)).
void write_segment(std::ostream& o, const Cell& cell, const Row& row, const std::string& text) {
  const uint64_t lo = std::max(cell.begin, row.first * kLine);
  const uint64_t hi = std::min(cell.end, row.skip ? (row.last + 1) * kLine : (row.first + 1) * kLine);
  const uint64_t from = row.skip ? 0 : lo - row.first * kLine;
  const uint64_t to = row.skip ? kLine : hi - row.first * kLine;
  const int x = kLeft + static_cast<int>(from) * kByteWidth;
  const int width = static_cast<int>(to - from) * kByteWidth;
  const int height = row.skip ? kSkipHeight : kRowHeight;
  o << "<rect x=\"" << x << "\" y=\"" << row.y << "\" width=\"" << width << "\" height=\"" << height << "\"/>";
  // The name on the row where the variable starts; an arrow and the name on the rows it continues on.
  const bool continued = lo > cell.begin;
  const std::string shown = row.skip || text.empty() ? "" : label(text, continued ? width - 2 * kCharWidth : width);
  if (!shown.empty())
    o << "<text x=\"" << x + 3 << "\" y=\"" << row.y + 14 << "\"" << (continued ? " opacity=\"0.75\">&#8627; " : ">")
      << shown << "</text>";
}

}  // namespace

std::string to_svg(const Layout& l) {
  const std::vector<Hints> hints = hints_of(l);
  const std::vector<Cell> cells = cells_of(l);
  std::ostringstream body;
  int y = write_heading(body, l, 22);
  y = write_areas(body, l, y);
  y = write_key(body, y);
  const std::vector<Row> rows = rows_of(cells, y);
  for (const Row& row : rows) {
    body << "<text x=\"10\" y=\"" << row.y + (row.skip ? 10 : 14) << "\">";
    if (row.skip) body << "lines " << row.first << "-" << row.last;
    else body << "line " << row.first << " " << hex(row.first * kLine);
    body << "</text>\n";
  }
  // One group per cell, so that each variable is one <g> with one <title> whatever rows it spans.
  size_t r = 0;
  for (const Cell& cell : cells) {
    while (r < rows.size() && (rows[r].last + 1) * kLine <= cell.begin) ++r;
    if (cell.variable >= 0) {
      const Variable& v = l.variables[static_cast<size_t>(cell.variable)];
      const Hints& h = hints[static_cast<size_t>(cell.variable)];
      body << "<g class=\"" << classes_of(v, h) << "\"><title>" << xml(title_of(l, v, h)) << "</title>";
    } else {
      body << "<g class=\"" << (cell.area_tail ? "tail" : "pad") << "\"><title>"
           << (cell.area_tail ? "area tail up to the stride: " : "padding: ") << cell.end - cell.begin << " bytes at "
           << hex(cell.begin) << "</title>";
    }
    const std::string text = cell.variable >= 0 ? l.variables[static_cast<size_t>(cell.variable)].name : "";
    for (size_t k = r; k < rows.size() && rows[k].first * kLine < cell.end; ++k) write_segment(body, cell, rows[k], text);
    body << "</g>\n";
  }
  if (!rows.empty()) y = rows.back().y + (rows.back().skip ? kSkipHeight : kRowHeight) + 10;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << y + 10 << "\" viewBox=\"0 0 "
    << kWidth << " " << y + 10 << "\">\n<title>per-CPU layout (" << xml(l.arch) << ", " << l.variables.size()
    << " variables)</title>\n";
  write_style(o);
  o << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" << body.str() << "</svg>\n";
  return o.str();
}

// The page: the summary, the legend explained, the findings, then the picture itself.
std::string to_html(const Report& r) {
  const Layout& l = r.layout;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>per-CPU layout of "
    << xml(r.file) << "</title>\n<style>\n"
       "body{font-family:sans-serif;margin:16px;color:#222;max-width:1000px}\n"
       "table{border-collapse:collapse;margin:8px 0}td{padding:3px 10px;vertical-align:top}\n"
       ".sw{display:inline-block;width:16px;height:16px;border:1px solid #555}\n"
       "code{font-family:monospace}.ok{color:#2a7a2a}.failed{color:#b00}\n"
       "</style>\n</head>\n<body>\n<h1>per-CPU layout of <code>" << xml(r.file) << "</code></h1>\n";
  o << "<p class=\"" << (r.ok() ? "ok" : "failed") << "\">percpu-check: " << (r.ok() ? "OK" : "FAILED") << ", "
    << r.rules.size() << " rules, " << r.findings.size() << " failed</p>\n";
  if (!r.findings.empty()) {
    o << "<ul class=\"findings\">\n";
    for (const Finding& f : r.findings)
      o << "<li><code>" << xml(f.rule) << "</code>: " << xml(f.message) << " <i>(" << xml(f.hint) << ")</i></li>\n";
    o << "</ul>\n";
  }
  const std::vector<detail::FalseSharing> shared = detail::false_sharing(l);
  if (!shared.empty()) {
    o << "<h2>False sharing</h2>\n<ul class=\"false-sharing\">\n";
    for (const detail::FalseSharing& f : shared) {
      o << "<li><code>" << xml(f.variable) << "</code> (hot, line " << f.first_line;
      if (f.last_line != f.first_line) o << "-" << f.last_line;
      o << ") shares with:";
      for (const std::string& other : f.shared_with) o << " <code>" << xml(other) << "</code>";
      o << "</li>\n";
    }
    o << "</ul>\n";
  }
  o << "<h2>Legend</h2>\n<p>Each row is one 64-byte cache line of the template (the bytes every CPU's area "
       "starts with); a run of lines one variable or one gap fills is drawn as one short row. Hover a box for its "
       "name, offset, size, alignment and neighbours.</p>\n<table class=\"legend\">\n";
  struct Entry { const char* style; const char* what; };
  const Entry entries[] = {
      {"background:#4e79a7", "a variable alone on its cache line(s)"},
      {"background:#f2a541", "a variable that shares a cache line with another: when a CPU writes one while another "
                             "CPU reads the other remotely, the line bounces between them (false sharing)"},
      {"background:#59a14f", "a variable marked hot alone on its line"},
      {"background:#e15759", "a hot variable that shares a line: the false-sharing hint of the text report"},
      {"background:#4e79a7;border:3px solid #6a3d9a", "over-aligned: padded to a cache-line boundary, more than its size needs "
                                                      "(<code>alignas</code>, <code>__aligned</code>)"},
      {"background:repeating-linear-gradient(45deg,#f4f4f4 0 3px,#bbb 3px 4px)", "padding inside the template"},
      {"background:#eee", "the area's tail: from the template's end up to the stride"}};
  for (const Entry& e : entries)
    o << "<tr><td><span class=\"sw\" style=\"" << e.style << "\"></span></td><td>" << e.what << "</td></tr>\n";
  o << "</table>\n<p>The bar above the lines is the areas: one box per CPU (the first " << kMaxAreaBoxes
    << "), the template part filled. " << l.variables.size() << " variables, stride " << l.stride << " bytes.</p>\n"
    << to_svg(l) << "</body>\n</html>\n";
  return o.str();
}

}  // namespace percpu::check
