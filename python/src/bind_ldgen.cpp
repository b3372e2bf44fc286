// The percpu-ldgen half of the module: inject(), inject_file(), emit_fragment(), inspect_block(),
// check_block(), ldgen_main().
#include "common.hpp"

#include <optional>
#include <string>

#include <percpu/ldgen.hpp>

#include <percpu/ldgen_files.hpp>

#include "ldgen_cli.hpp"

namespace percpu::python {
namespace {

namespace ldgen = percpu::ldgen;

ldgen::InjectOptions inject_options(py::handle cpus, const std::optional<std::string>& after,
                                    const std::optional<std::string>& before, const std::string& vma,
                                    py::handle source_name, py::handle reserve) {
  ldgen::InjectOptions options;
  options.cpus = cpu_count(cpus);
  options.reserve = reserve_size(reserve);
  options.after = after.value_or("");
  options.before = before.value_or("");
  options.vma = address_model(vma);
  options.source_name = to_path(source_name);
  return options;
}

// ScriptError -> percpu.LinkerScriptError carrying the same text and the position.
void set_script_error(const ldgen::ScriptError& error) {
  PyObject* type = error_types().script_error;
  py::object instance = py::reinterpret_borrow<py::object>(type)(to_str(message_of(error)));
  instance.attr("file") = to_str(error.file());
  instance.attr("line") = error.line();
  instance.attr("column") = error.column();
  instance.attr("message") = to_str(error.message());
  instance.attr("source_line") = to_str(error.source_line());
  PyErr_SetObject(type, instance.ptr());
}

const char* state_name(ldgen::BlockState state) {
  switch (state) {
    case ldgen::BlockState::up_to_date: return "up_to_date";
    case ldgen::BlockState::missing: return "missing";
    case ldgen::BlockState::other_parameters: return "other_parameters";
    case ldgen::BlockState::edited: return "edited";
    case ldgen::BlockState::stale: return "stale";
  }
  return "missing";
}

// What check_block() returns to Python: the state, what was found, and the CLI's one line.
struct BlockCheckResult {
  ldgen::BlockCheck check;
  std::string reason;
};

void bind_block_types(py::module_& m) {
  py::class_<ldgen::BlockInfo>(m, "BlockInfo", "The percpu block found in a linker script.")
      .def_readonly("present", &ldgen::BlockInfo::present)
      .def_readonly("owned_by_ldgen", &ldgen::BlockInfo::owned_by_ldgen)
      .def_readonly("cpus", &ldgen::BlockInfo::cpus)
      .def_property_readonly("vma",
                             [](const ldgen::BlockInfo& info) { return percpu::layout::to_string(info.vma); })
      .def("__repr__", [](const ldgen::BlockInfo& info) {
        return "BlockInfo(present=" + std::string(info.present ? "True" : "False") +
               ", owned_by_ldgen=" + (info.owned_by_ldgen ? "True" : "False") +
               ", cpus=" + std::to_string(info.cpus) + ", vma='" + percpu::layout::to_string(info.vma) + "')";
      });

  py::class_<BlockCheckResult>(m, "BlockCheck", "Whether a script holds exactly the block inject() would write.")
      .def_property_readonly("state", [](const BlockCheckResult& r) { return state_name(r.check.state); },
                             "'up_to_date', 'missing', 'other_parameters', 'edited' or 'stale'")
      .def_property_readonly("found", [](const BlockCheckResult& r) { return r.check.found; })
      .def_property_readonly("ok", [](const BlockCheckResult& r) { return r.check.up_to_date(); })
      .def_property_readonly("reason", [](const BlockCheckResult& r) { return to_str(r.reason); },
                             "why it is not up to date (percpu-ldgen --check's text); '' when it is")
      .def("__bool__", [](const BlockCheckResult& r) { return r.check.up_to_date(); })
      .def("__repr__", [](const BlockCheckResult& r) {
        return std::string("BlockCheck(state='") + state_name(r.check.state) + "')";
      });
}

// inject() and check_block() take the same arguments (script text and percpu-ldgen's options) and
// differ in what they do with them (run, which releases the GIL itself): one definition for both.
template <typename Run>
void def_on_script_text(py::module_& m, const char* name, const char* doc, Run run) {
  m.def(
      name,
      [run](const py::object& script, const py::object& cpus, const std::optional<std::string>& after,
            const std::optional<std::string>& before, const std::string& vma, const py::object& source_name,
            const py::object& reserve) {
        const std::string text = to_bytes(script);
        return run(text, inject_options(cpus, after, before, vma, source_name, reserve));
      },
      py::arg("script"), py::arg("cpus"), py::kw_only(), py::arg("after") = py::none(),
      py::arg("before") = py::none(), py::arg("vma") = "zero", py::arg("source_name") = "<string>",
      py::arg("reserve") = 0, doc);
}

// The functions that read a script from a file.
void bind_file_functions(py::module_& m) {
  m.def(
      "read_script",
      [](const py::object& path) {
        const std::string name = to_path(path);
        std::string text;
        {
          py::gil_scoped_release released;
          text = ldgen::read_script(name);
        }
        return py::bytes(text);
      },
      py::arg("path"), "The file's bytes, as percpu-ldgen reads them (at most 64 MiB, else percpu.FileError).");

  m.def(
      "inject_file",
      [](const py::object& path, const py::object& cpus, const std::optional<std::string>& after,
         const std::optional<std::string>& before, const std::string& vma, const py::object& reserve) {
        const ldgen::InjectOptions options = inject_options(cpus, after, before, vma, path, reserve);
        std::string result;
        {
          py::gil_scoped_release released;
          result = ldgen::inject(ldgen::read_script(options.source_name), options);
        }
        return to_str(result);
      },
      py::arg("path"), py::arg("cpus"), py::kw_only(), py::arg("after") = py::none(),
      py::arg("before") = py::none(), py::arg("vma") = "zero", py::arg("reserve") = 0,
      "inject() on the contents of the file at path (named in error messages).");
}

// The functions on a script's text.
void bind_text_functions(py::module_& m) {
  def_on_script_text(m, "inject", "The linker script with the .percpu block injected (percpu-ldgen's output).",
                     [](const std::string& text, const ldgen::InjectOptions& options) {
                       std::string result;
                       {
                         py::gil_scoped_release released;
                         result = ldgen::inject(text, options);
                       }
                       return to_str(result);
                     });

  m.def(
      "emit_fragment",
      [](const py::object& cpus, const std::string& vma, const py::object& reserve) {
        return to_str(ldgen::emit_fragment(inject_options(cpus, std::nullopt, std::nullopt, vma,
                                                          py::str("<fragment>"), reserve)));
      },
      py::arg("cpus"), py::kw_only(), py::arg("vma") = "zero", py::arg("reserve") = 0, "The .percpu block alone.");

  m.def(
      "inspect_block",
      [](const py::object& script, const py::object& source_name) {
        const std::string text = to_bytes(script);
        const std::string name = to_path(source_name);
        py::gil_scoped_release released;
        return ldgen::inspect_block(text, name);
      },
      py::arg("script"), py::kw_only(), py::arg("source_name") = "<string>",
      "Whether the script already holds a .percpu block, and with which parameters.");

  def_on_script_text(m, "check_block",
                     "Whether the script holds exactly the block inject() would write (percpu-ldgen --check).",
                     [](const std::string& text, const ldgen::InjectOptions& options) {
                       py::gil_scoped_release released;
                       BlockCheckResult result{ldgen::check_block(text, options), ""};
                       result.reason = ldgen::describe(result.check, options);
                       return result;
                     });
}

}  // namespace

void bind_ldgen(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const ldgen::ScriptError& error) {
      set_script_error(error);
    }
  });
  bind_block_types(m);
  bind_file_functions(m);
  bind_text_functions(m);

  m.def(
      "ldgen_main", [](const py::iterable& argv) { return run_cli(&ldgen::cli_main, argv); },
      py::arg("argv"), "Runs percpu-ldgen's CLI: returns (exit code, stdout bytes, stderr bytes).");
}

}  // namespace percpu::python
