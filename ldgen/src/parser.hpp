// Recursive-descent parser for GNU ld / lld script syntax (the subset both linkers accept),
// in the manner of lld's ScriptParser: one function per production, errors at the offending
// token with a file:line:col location.
#pragma once

#include <string>
#include <string_view>

#include "lexer.hpp"
#include "script.hpp"

namespace percpu::ldgen::detail {

// Throws ScriptError on a syntax error. Comments and whitespace are skipped, not lost: the
// tree keeps offsets into `source`.
Script parse_script(std::string_view source, const std::string& source_name);

}  // namespace percpu::ldgen::detail
