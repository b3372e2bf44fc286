// percpu-check's command line: main() and the Python console script both call cli_main.
#pragma once

#include <iosfwd>

namespace percpu::check {

// The whole command line tool: returns the exit code (exit_codes.hpp).
int cli_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace percpu::check
