// What percpu-ldgen's and percpu-check's command lines share besides the exit codes: the CLI11
// application's conventions and the count options (decimal, count.hpp).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "count.hpp"
#include "percpu/error.hpp"

namespace percpu::cli {

// Names the app, makes usage errors start with the tool's name like every other error it prints,
// and adds --version and the footer.
inline void configure_app(CLI::App& app, const std::string& name, const std::string& version,
                          const std::string& footer) {
  app.name(name);
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return a->get_name() + ": " + e.what() + "\nRun with --help for more information.\n";
  });
  app.footer(footer);
  app.set_version_flag("--version", name + " " + version);
}

// --cpus N: the text is kept and parsed after CLI11 by cpu_count() (decimal digits only).
inline CLI::Option* add_cpus_option(CLI::App& app, std::string& text, const std::string& description) {
  return app
      .add_option("--cpus", text, description)
      ->type_name("N")
      ->check([](const std::string& value) { return parse_count(value, 1, kMaxCpus).error; });
}

// The count of an option add_cpus_option() validated.
inline unsigned cpu_count(const std::string& text) { return parse_count(text, 1, kMaxCpus).value; }

}  // namespace percpu::cli
