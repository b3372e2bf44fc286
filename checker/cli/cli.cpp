// percpu-check's command line: options (CLI11), output format, exit codes, and the core's errors
// worded once for the terminal. Everything else is the core (percpu/check.hpp).
#include <optional>
#include <ostream>
#include <sstream>

#include "app.hpp"
#include "check_cli.hpp"
#include "exit_codes.hpp"
#include "report_error.hpp"
#include "percpu/check.hpp"
#include "percpu/files.hpp"

#ifndef PERCPU_VERSION
#define PERCPU_VERSION "unknown"
#endif

namespace percpu::check {
namespace {

constexpr const char* kFooter =
    "Exit codes: 0 every rule passes; 1 a rule fails; 2 the file cannot be read (missing, not ELF, "
    "truncated, corrupted); 64 usage error.\n"
    "Rules and the JSON schema: docs/percpu-check.md.";

struct Command {
  std::string file;
  Options options;
  std::string format = "text";
  std::string output;  // --output FILE; empty: standard output
  bool force = false;  // --force: rewrite a hard-linked --output file in place
  bool quiet = false;
};

// Parses argv into command; returns an exit code when the run ends here (--help, usage errors).
std::optional<int> parse_command_line(int argc, const char* const* argv, Command& command, std::ostream& out,
                                      std::ostream& err) {
  CLI::App app{"percpu-check: verify and inspect the per-CPU layout of a linked ELF file (kernel, "
               "hypervisor, firmware)."};
  cli::configure_app(app, "percpu-check", PERCPU_VERSION, kFooter);
  Options& options = command.options;
  std::string cpus;
  std::string profile = "percpu";
  app.add_option("elf", command.file, "the linked ELF file")->required();
  auto* cpus_opt = cli::add_cpus_option(app, cpus, "the CPU count the areas must hold");
  app.add_option("--profile", profile, "names of the layout: percpu (default) or linux (.data..percpu)")
      ->check(CLI::IsMember({"percpu", "linux"}));
  app.add_option("--section", options.names.section, "the template section (default: the profile's)");
  app.add_option("--start-symbol", options.names.start, "base of CPU 0's area (default _percpu_start)");
  app.add_option("--end-symbol", options.names.end, "end of the reserved areas (default _percpu_end)");
  app.add_option("--load-start-symbol", options.names.load_start, "first byte of the template (default _percpu_load_start)");
  app.add_option("--load-end-symbol", options.names.load_end, "end of the template (default _percpu_load_end)");
  app.add_option("--hot", options.hot, "a hot variable (name or glob pattern; repeatable): false-sharing hints")
      ->allow_extra_args(false);
  app.add_option("--percpu-symbol", options.percpu_symbols,
                 "a symbol that is a per-CPU variable (exact ELF name; repeatable): it must lie in the template")
      ->allow_extra_args(false);
  app.add_option("--format", command.format,
                 "text (default), json, junit (JUnit XML for CI), svg or html (the layout as a picture)")
      ->check(CLI::IsMember({"text", "json", "junit", "svg", "html"}));
  auto* output_opt = app.add_option("--output", command.output,
                 "write the report to FILE instead of standard output (any format; the exit code is still the verdict)");
  app.add_flag("--force", command.force, "with --output: rewrite a hard-linked FILE in place (every link sees the report)")
      ->needs(output_opt);
  app.add_flag("-q,--quiet", command.quiet, "text: print only the failing rules");
  try {
    std::vector<std::string> args;
    for (int i = argc - 1; i > 0; --i) args.emplace_back(argv[i]);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  if (*cpus_opt) options.cpus = cli::cpu_count(cpus);
  options.profile = profile == "linux" ? Profile::linux : Profile::percpu;
  return std::nullopt;
}

void write_report(const Command& command, const Report& report, std::ostream& out) {
  if (command.format == "json") write_json(out, report);
  else if (command.format == "junit") out << to_junit(report);
  else if (command.format == "svg") out << to_svg(report.layout);
  else if (command.format == "html") out << to_html(report);
  else if (command.quiet) out << failures_to_text(report);
  else write_text(out, report);
}

// The flags that get past a core error (percpu::Remedy), in this command line's words: only the
// hard-linked --output file has one.
const char* remedy_flags(Remedy remedy) { return remedy == Remedy::force ? "pass --force" : nullptr; }

int run(const Command& command, std::ostream& out) {
  const Report report = check(command.file, command.options);
  if (command.output.empty()) {
    write_report(command, report, out);
    out.flush();
  } else {
    // The file rules both tools share (percpu/files.hpp, docs/ldgen.md "Files"): a regular file is
    // replaced atomically with its owner and mode, a symlink is written through, a FIFO or device is
    // written directly; a failure leaves the destination as it was and is exit 2.
    std::ostringstream text;
    write_report(command, report, text);
    percpu::write_file(command.output, text.str(), {command.force});
  }
  return report.ok() ? cli::kExitOk : cli::kExitCheckFailed;
}

}  // namespace

int cli_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Command command;
  if (const std::optional<int> done = parse_command_line(argc, argv, command, out, err)) return *done;
  try {
    return run(command, out);
  } catch (...) {
    return cli::report_error(std::current_exception(), {"percpu-check: ", command.file + ": ", remedy_flags}, err);
  }
}

}  // namespace percpu::check
