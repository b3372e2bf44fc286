// A JSON writer that streams: each value goes to the ostream as it is written, so a report with
// a million variables never exists as a document tree or a string. Its output is byte for byte
// what nlohmann::ordered_json::dump(2) writes for the same values (the schema's tests and the
// Python to_dict() compare against it): two-space indents, "key": value, [] and {} when empty,
// strings escaped by nlohmann itself (invalid UTF-8 becomes U+FFFD).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace percpu::check::detail {

class JsonStream {
 public:
  explicit JsonStream(std::ostream& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // The next member's name (inside an object); its value follows.
  void key(const std::string& name);

  void value(const std::string& s);
  void value(const char* s) { value(std::string(s)); }
  void value(uint64_t n);
  void value(unsigned n) { value(uint64_t{n}); }
  void value(bool b);
  void null_value();

  template <typename T>
  void member(const std::string& name, const T& v) {
    key(name);
    value(v);
  }

  // Ends the document (a newline after the outermost value, as the CLI prints).
  void finish() { out_ << '\n'; }

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);
  void newline_indent();

  std::ostream& out_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace percpu::check::detail
