// percpu-ldgen's command line: options (CLI11), standard input and output, exit codes, and the
// core's errors worded once for the terminal. Everything else is the core (percpu/ldgen.hpp).
#include <iostream>
#include <optional>

#include "app.hpp"
#include "exit_codes.hpp"
#include "report_error.hpp"
#include "ldgen_cli.hpp"
#include "percpu/ldgen.hpp"
#include "percpu/ldgen_files.hpp"

#ifndef PERCPU_VERSION
#define PERCPU_VERSION "unknown"
#endif

namespace percpu::ldgen {
namespace {

constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok; 1 --check: the script lacks the block or it differs (CPU count, model, "
    "placement); 2 bad input (syntax error, unreadable file, a script ldgen refuses to edit, a "
    "failed write: nothing is written); 64 usage error.\n"
    "Preprocessed scripts: cpp -P -undef -D__ASSEMBLY__ kernel.lds.S | percpu-ldgen - --cpus N -o kernel.ld";

// What the command line asks for.
struct Command {
  std::string input;
  std::string output;
  bool in_place = false;
  bool check = false;
  bool fragment = false;
  InjectOptions options;
};

// --reserve SIZE: decimal bytes, or with a K or M suffix (KiB, MiB); at most layout::kMaxReserve.
// Returns CLI11's validation message ("" when valid).
std::string parse_reserve(const std::string& text, uint64_t& bytes) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string suffix = text.substr(digits);
  const uint64_t unit = suffix.empty() ? 1 : suffix == "K" ? 1024 : suffix == "M" ? 1024 * 1024 : 0;
  if (digits == 0 || digits > 12 || unit == 0)
    return "'" + text + "' is not a size (decimal bytes, or a number with K or M)";
  bytes = std::stoull(text.substr(0, digits)) * unit;
  if (bytes > percpu::layout::kMaxReserve) return text + " is more than the 1G limit";
  return "";
}

// Parses argv into command; returns an exit code when the run ends here (--help, usage errors).
std::optional<int> parse_command_line(int argc, const char* const* argv, Command& command, std::ostream& out,
                                      std::ostream& err) {
  CLI::App app{"percpu-ldgen: inject the .percpu template section, its symbols and the reserved "
               "per-CPU areas into an existing GNU ld / lld linker script."};
  cli::configure_app(app, "percpu-ldgen", PERCPU_VERSION, kExitCodesHelp);
  std::string cpus;
  using percpu::layout::AddressModel;
  std::string vma = percpu::layout::to_string(AddressModel::zero);
  app.add_option("script", command.input, "linker script to read, '-' for standard input");
  cli::add_cpus_option(app, cpus, "number of per-CPU areas to reserve (required)")->required();
  auto* out_opt = app.add_option("-o,--output", command.output, "write the script here (default: standard output)");
  app.add_flag("-i,--in-place", command.in_place, "rewrite the input file (atomically)")->excludes(out_opt);
  app.add_flag("--check", command.check, "exit 1 unless the script already holds this exact block")->excludes(out_opt);
  app.add_option("--vma", vma, "address model of the template: zero (kernels) or delta")
      ->check(CLI::IsMember({to_string(AddressModel::zero), to_string(AddressModel::delta)}));
  auto* after = app.add_option("--after", command.options.after, "place the block after this output section");
  app.add_option("--before", command.options.before, "place the block before this output section")->excludes(after);
  std::string reserve;
  app.add_option("--reserve", reserve, "dynamic per-CPU reserve in every area: bytes, or with K/M "
                                       "(KiB/MiB) suffix, at most 1G (docs/dynamic.md)")
      ->check([&command](const std::string& v) { return parse_reserve(v, command.options.reserve); });
  app.add_flag("--emit-fragment", command.fragment, "print only the block, for scripts kept by hand");
  app.add_flag("--force", command.options.force,
               "discard text edited between percpu-ldgen's markers; rewrite a hard-linked file in place");
  try {
    std::vector<std::string> args;
    for (int i = argc - 1; i > 0; --i) args.emplace_back(argv[i]);
    app.parse(args);
    if (!command.fragment && command.input.empty()) throw CLI::RequiredError("script");
    if (command.in_place && command.input == "-") throw CLI::ValidationError("-i", "cannot rewrite standard input in place");
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  command.options.cpus = cli::cpu_count(cpus);
  percpu::layout::parse(vma.c_str(), command.options.vma);  // CLI11 allowed only the two names
  command.options.source_name = command.input == "-" ? "<stdin>" : command.input;
  return std::nullopt;
}

// The flags that get past a core error (percpu::Remedy), in this command line's words.
const char* remedy_flags(Remedy remedy) {
  switch (remedy) {
    case Remedy::choose_place: return "pass --after NAME or --before NAME";
    case Remedy::delta_model: return "pass --vma delta";
    case Remedy::force: return "pass --force";
    case Remedy::none: break;
  }
  return nullptr;
}

int run(const Command& command, std::ostream& out, std::ostream& err) {
  if (command.fragment) {
    out << emit_fragment(command.options);
    return cli::kExitOk;
  }
  const std::string text = read_script(command.input);
  if (command.check) {
    const BlockCheck result = check_block(text, command.options);
    if (result.up_to_date()) return cli::kExitOk;
    err << describe(result, command.options);
    if (result.state == BlockState::edited) err << " (" << remedy_flags(Remedy::force) << ")";  // what gets past it
    err << '\n';
    return cli::kExitCheckFailed;
  }
  const std::string result = inject(text, command.options);
  if (command.in_place || (!command.output.empty() && command.output != "-")) {
    write_script(command.in_place ? command.input : command.output, result, WriteOptions{command.options.force});
  } else {
    out << result;
    out.flush();
  }
  return cli::kExitOk;
}

}  // namespace

int cli_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Command command;
  if (const std::optional<int> done = parse_command_line(argc, argv, command, out, err)) return *done;
  try {
    return run(command, out, err);
  } catch (...) {
    return cli::report_error(std::current_exception(), {"percpu-ldgen: error: ", "", &remedy_flags}, err);
  }
}

}  // namespace percpu::ldgen
