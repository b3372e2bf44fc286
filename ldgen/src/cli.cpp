// percpu-ldgen's command line: options (CLI11), reading, atomic writing, exit codes.
#include <CLI/CLI.hpp>

#include <iostream>

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

// --reserve SIZE: decimal bytes, or with a K or M suffix (KiB, MiB); at most layout::kMaxReserve.
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

void report(std::ostream& err, const ScriptError& e) {
  err << e.file() << ':' << e.line() << ':' << e.column() << ": error: " << e.message() << '\n';
  err << excerpt(e.source_line(), e.column());
}

}  // namespace

int cli_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"percpu-ldgen: inject the .percpu template section, its symbols and the reserved "
               "per-CPU areas into an existing GNU ld / lld linker script."};
  app.name("percpu-ldgen");
  // Usage errors start with the tool's name, like every other error it prints.
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return a->get_name() + ": " + e.what() + "\nRun with --help for more information.\n";
  });
  app.footer(kExitCodesHelp);
  app.set_version_flag("--version", std::string("percpu-ldgen ") + PERCPU_VERSION);
  std::string input;
  std::string output;
  bool in_place = false;
  bool check = false;
  bool fragment = false;
  InjectOptions options;
  std::string vma = "zero";
  std::string reserve;
  app.add_option("script", input, "linker script to read, '-' for standard input");
  app.add_option("--cpus", options.cpus, "number of per-CPU areas to reserve (required)")
      ->required()
      ->check(CLI::Range(1u, 1u << 20));
  auto* out_opt = app.add_option("-o,--output", output, "write the script here (default: standard output)");
  app.add_flag("-i,--in-place", in_place, "rewrite the input file (atomically)")->excludes(out_opt);
  app.add_flag("--check", check, "exit 1 unless the script already holds this exact block")->excludes(out_opt);
  app.add_option("--vma", vma, "address model of the template: zero (kernels) or delta")
      ->check(CLI::IsMember({"zero", "delta"}));
  auto* after = app.add_option("--after", options.after, "place the block after this output section");
  app.add_option("--before", options.before, "place the block before this output section")->excludes(after);
  app.add_option("--reserve", reserve, "dynamic per-CPU reserve in every area: bytes, or with K/M "
                                       "(KiB/MiB) suffix, at most 1G (docs/dynamic.md)")
      ->check([&options](const std::string& v) { return parse_reserve(v, options.reserve); });
  app.add_flag("--emit-fragment", fragment, "print only the block, for scripts kept by hand");
  bool force = false;
  app.add_flag("--force", force, "discard text edited between percpu-ldgen's markers; rewrite a hard-linked file in place");
  try {
    std::vector<std::string> args;
    for (int i = argc - 1; i > 0; --i) args.emplace_back(argv[i]);
    app.parse(args);
    if (!fragment && input.empty()) throw CLI::RequiredError("script");
    if (in_place && input == "-") throw CLI::ValidationError("-i", "cannot rewrite standard input in place");
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  options.vma = vma == "delta" ? percpu::layout::AddressModel::delta : percpu::layout::AddressModel::zero;
  options.source_name = input == "-" ? "<stdin>" : input;
  options.force = force;

  try {
    if (fragment) {
      out << emit_fragment(options);
      return kExitOk;
    }
    const std::string text = read_script(input);
    if (check) {
      const BlockInfo info = inspect_block(text, options.source_name);
      if (!info.owned_by_ldgen) {
        err << options.source_name << ": no percpu-ldgen block\n";
        return kExitCheckMismatch;
      }
      if (info.cpus != options.cpus || info.vma != options.vma || info.reserve != options.reserve) {
        err << options.source_name << ": the block is for cpus=" << info.cpus << " vma="
            << (info.vma == percpu::layout::AddressModel::delta ? "delta" : "zero") << " reserve=" << info.reserve
            << ", wanted cpus=" << options.cpus << " vma=" << vma << " reserve=" << options.reserve << '\n';
        return kExitCheckMismatch;
      }
      if (!info.edited.empty()) {
        err << info.edited << '\n';
        return kExitCheckMismatch;
      }
      if (inject(text, options) != text) {
        err << options.source_name << ": the block is out of date (regenerate it)\n";
        return kExitCheckMismatch;
      }
      return kExitOk;
    }
    const std::string result = inject(text, options);
    if (in_place || (!output.empty() && output != "-")) {
      write_script(in_place ? input : output, result, WriteOptions{force});
    } else {
      out << result;
      out.flush();
    }
    return kExitOk;
  } catch (const ScriptError& e) {
    report(err, e);
    return kExitBadInput;
  } catch (const FileError& e) {
    err << "percpu-ldgen: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    err << "percpu-ldgen: error: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace percpu::ldgen
