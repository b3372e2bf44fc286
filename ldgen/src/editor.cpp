#include "editor.hpp"

#include <algorithm>
#include <cstdlib>

#include "percpu/layout.hpp"

namespace percpu::ldgen::detail {

std::string apply_edits(std::string_view source, std::vector<Edit> edits) {
  // Stable order for equal offsets (std::stable_sort warns with clang-19 + libstdc++ 12).
  std::vector<size_t> order(edits.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return edits[a].offset != edits[b].offset ? edits[a].offset < edits[b].offset : a < b;
  });
  std::string out;
  size_t done = 0;
  for (const size_t i : order) {
    const Edit& e = edits[i];
    out.append(source.substr(done, e.offset - done));
    out.append(e.text);
    done = e.offset;
  }
  out.append(source.substr(done));
  return out;
}

std::string marked(std::string_view text) {
  // The spaces keep lld's lexer from gluing a marker to a neighbouring word ("RAM/*..." would
  // be one token to it); the leading one is removed with the markers.
  return " " + std::string(kInlineOpen) + std::string(text) + " " + std::string(kInlineClose);
}

size_t OwnedText::to_source(size_t stripped_offset) const {
  size_t offset = stripped_offset;
  for (const Span& r : removed) {
    if (r.begin <= offset) offset += r.end - r.begin;
    else break;
  }
  return offset;
}

size_t OwnedText::stripped_block_offset() const {
  size_t offset = block_begin;
  for (const Span& r : removed)
    if (r.end <= block_begin) offset -= r.end - r.begin;
  return offset;
}

namespace {

// "/* percpu-ldgen: begin cpus=4 vma=zero */" -> cpus, vma. Returns false when unreadable.
bool read_begin_marker(std::string_view text, unsigned& cpus, percpu::layout::AddressModel& model, uint64_t& reserve) {
  const std::string_view prefix = percpu::layout::kBlockBeginMarker;
  std::string_view rest = text.substr(prefix.size());
  const size_t c = rest.find(" cpus=");
  const size_t v = rest.find(" vma=");
  if (c == std::string_view::npos || v == std::string_view::npos) return false;
  unsigned long n = 0;
  size_t i = c + 6;
  if (i >= rest.size() || rest[i] < '0' || rest[i] > '9') return false;
  for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) {
    n = n * 10 + static_cast<unsigned long>(rest[i] - '0');
    if (n > 0xFFFFFFFFul) return false;
  }
  cpus = static_cast<unsigned>(n);
  const std::string_view tail = rest.substr(v + 5);
  const std::string name(tail.substr(0, tail.find(' ')));
  if (!percpu::layout::parse(name.c_str(), model)) return false;
  // " reserve=N" (--reserve) is present only when N > 0.
  reserve = 0;
  const size_t r = rest.find(" reserve=");
  if (r != std::string_view::npos) {
    size_t k = r + 9;
    if (k >= rest.size() || rest[k] < '0' || rest[k] > '9') return false;
    for (; k < rest.size() && rest[k] >= '0' && rest[k] <= '9'; ++k) {
      reserve = reserve * 10 + static_cast<uint64_t>(rest[k] - '0');
      if (reserve > percpu::layout::kMaxReserve) return false;
    }
  }
  return true;
}

}  // namespace

OwnedText find_owned(const Lexer& lexer) {
  const std::string_view source = lexer.source();
  OwnedText owned;
  const auto& comments = lexer.comments();
  for (size_t i = 0; i < comments.size(); ++i) {
    const Comment& c = comments[i];
    if (c.text.rfind(percpu::layout::kBlockBeginMarker, 0) == 0) {
      if (owned.block_found) lexer.fail(c.begin, "a second percpu-ldgen block; keep only one");
      if (!read_begin_marker(c.text, owned.cpus, owned.vma, owned.reserve))
        lexer.fail(c.begin, "unreadable percpu-ldgen begin marker (expected 'cpus=N vma=zero|delta')");
      size_t j = i + 1;
      while (j < comments.size() && comments[j].text != percpu::layout::kBlockEndMarker) ++j;
      if (j == comments.size()) lexer.fail(c.begin, "percpu-ldgen block without its end marker");
      owned.block_found = true;
      size_t begin = c.begin;
      if (begin >= kBlockLead.size() && source.substr(begin - kBlockLead.size(), kBlockLead.size()) == kBlockLead)
        begin -= kBlockLead.size();
      // A CRLF file's lead is "\r\n  " (the block never follows a '\r' of the file itself: it goes
      // right after the last token of an output section).
      if (begin > 0 && source[begin - 1] == '\r' && source[begin] == '\n') --begin;
      owned.block_begin = begin;
      owned.removed.push_back({begin, comments[j].end});
      i = j;
    } else if (c.text == kInlineOpen) {
      size_t j = i + 1;
      while (j < comments.size() && comments[j].text != kInlineClose) ++j;
      if (j == comments.size()) lexer.fail(c.begin, "percpu-ldgen insertion without its closing marker");
      const size_t begin = c.begin > 0 && source[c.begin - 1] == ' ' ? c.begin - 1 : c.begin;
      owned.removed.push_back({begin, comments[j].end});
      i = j;
    } else if (c.text == kInlineClose || c.text == percpu::layout::kBlockEndMarker) {
      lexer.fail(c.begin, "percpu-ldgen end marker without its begin marker");
    }
  }
  size_t done = 0;
  for (const Span& r : owned.removed) {
    owned.stripped.append(source.substr(done, r.begin - done));
    done = r.end;
  }
  owned.stripped.append(source.substr(done));
  return owned;
}

}  // namespace percpu::ldgen::detail
