// percpu-check's command line: options (CLI11), output format, exit codes.
#include <CLI/CLI.hpp>

#include <ostream>

#include "analysis.hpp"
#include "percpu/check.hpp"

#ifndef PERCPU_VERSION
#define PERCPU_VERSION "unknown"
#endif

namespace percpu::check {
namespace {

constexpr const char* kFooter =
    "Exit codes: 0 every rule passes; 1 a rule fails; 2 the file cannot be read (missing, not ELF, "
    "truncated, corrupted); 64 usage error.\n"
    "Rules and the JSON schema: docs/percpu-check.md.";

}  // namespace

int cli_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"percpu-check: verify and inspect the per-CPU layout of a linked ELF file (kernel, "
               "hypervisor, firmware)."};
  app.name("percpu-check");
  // Usage errors start with the tool's name, like every other error it prints.
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return a->get_name() + ": " + e.what() + "\nRun with --help for more information.\n";
  });
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("percpu-check ") + PERCPU_VERSION);
  std::string file;
  Options options;
  unsigned cpus = 0;
  std::string profile = "percpu";
  std::string format = "text";
  bool quiet = false;
  app.add_option("elf", file, "the linked ELF file")->required();
  auto* cpus_opt = app.add_option("--cpus", cpus, "the CPU count the areas must hold")->check(CLI::Range(1u, 1u << 20));
  app.add_option("--profile", profile, "names of the layout: percpu (default) or linux (.data..percpu)")
      ->check(CLI::IsMember({"percpu", "linux"}));
  app.add_option("--section", options.section, "the template section (default: the profile's)");
  app.add_option("--start-symbol", options.start_symbol, "base of CPU 0's area (default _percpu_start)");
  app.add_option("--end-symbol", options.end_symbol, "end of the reserved areas (default _percpu_end)");
  app.add_option("--load-start-symbol", options.load_start_symbol, "first byte of the template (default _percpu_load_start)");
  app.add_option("--load-end-symbol", options.load_end_symbol, "end of the template (default _percpu_load_end)");
  app.add_option("--hot", options.hot, "a hot variable (name or glob pattern; repeatable): false-sharing hints")
      ->allow_extra_args(false);
  app.add_option("--percpu-symbol", options.percpu_symbols,
                 "a symbol that is a per-CPU variable (exact ELF name; repeatable): it must lie in the template")
      ->allow_extra_args(false);
  app.add_option("--format", format, "text (default), json, svg or html (the layout as a picture)")
      ->check(CLI::IsMember({"text", "json", "svg", "html"}));
  app.add_flag("-q,--quiet", quiet, "text: print only the failing rules");
  try {
    std::vector<std::string> args;
    for (int i = argc - 1; i > 0; --i) args.emplace_back(argv[i]);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (*cpus_opt) options.cpus = cpus;
  options.profile = profile == "linux" ? Profile::linux : Profile::percpu;

  try {
    const Report report = check(file, options);
    if (format == "json") write_json(out, report);
    else if (format == "svg") out << to_svg(report.layout);
    else if (format == "html") out << to_html(report);
    else if (quiet) detail::write_rules(out, report, true);
    else write_text(out, report);
    out.flush();
    return report.ok() ? kExitOk : kExitRuleFailed;
  } catch (const ElfError& e) {
    err << "percpu-check: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "percpu-check: " << file << ": " << e.what() << '\n';
    return kExitBadInput;
  } catch (...) {
    err << "percpu-check: " << file << ": unexpected error\n";
    return kExitBadInput;
  }
}

}  // namespace percpu::check
