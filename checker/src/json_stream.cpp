// The streaming JSON writer (see json_stream.hpp).
#include "json_stream.hpp"

#include <nlohmann/json.hpp>

namespace percpu::check::detail {

void JsonStream::newline_indent() {
  out_ << '\n';
  for (size_t i = 0; i < empty_.size(); ++i) out_ << "  ";
}

// A value inside a container starts on its own line, after a comma unless it is the first.
void JsonStream::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;
  if (!empty_.back()) out_ << ',';
  empty_.back() = false;
  newline_indent();
}

namespace {
std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

void JsonStream::key(const std::string& name) {
  before_value();
  out_ << quoted(name) << ": ";
  after_key_ = true;
}

void JsonStream::open(char bracket) {
  before_value();
  out_ << bracket;
  empty_.push_back(true);
}

void JsonStream::close(char bracket) {
  const bool was_empty = empty_.back();
  empty_.pop_back();
  if (!was_empty) newline_indent();
  out_ << bracket;
}

void JsonStream::value(const std::string& s) {
  before_value();
  out_ << quoted(s);
}

void JsonStream::value(uint64_t n) {
  before_value();
  out_ << n;
}

void JsonStream::value(bool b) {
  before_value();
  out_ << (b ? "true" : "false");
}

void JsonStream::null_value() {
  before_value();
  out_ << "null";
}

}  // namespace percpu::check::detail
