// The percpu-ldgen half of the module: inject(), emit_fragment(), inspect_block(), ldgen_main().
#include "common.hpp"

#include <cstring>
#include <optional>
#include <string>

#if PERCPU_PY_HAVE_LDGEN
#include <percpu/ldgen.hpp>
#include <percpu/ldgen_files.hpp>
#endif

namespace percpu::python {
namespace {

#if PERCPU_PY_HAVE_LDGEN
namespace ldgen = percpu::ldgen;

ldgen::InjectOptions inject_options(unsigned cpus, const std::optional<std::string>& after,
                                    const std::optional<std::string>& before, const std::string& vma,
                                    py::handle source_name, uint64_t reserve) {
  ldgen::InjectOptions options;
  options.cpus = cpus;
  options.reserve = reserve;
  options.after = after.value_or("");
  options.before = before.value_or("");
  options.vma = address_model(vma);
  options.source_name = to_path(source_name);
  return options;
}

// ScriptError -> percpu.LinkerScriptError carrying the same text and the position.
void raise_script_error(const ldgen::ScriptError& error) {
  PyObject* type = error_types().script_error;
  py::object instance = py::reinterpret_borrow<py::object>(type)(py::str(error.what()));
  instance.attr("file") = to_str(error.file());
  instance.attr("line") = error.line();
  instance.attr("column") = error.column();
  instance.attr("message") = to_str(error.message());
  instance.attr("source_line") = to_str(error.source_line());
  PyErr_SetObject(type, instance.ptr());
}
#endif

}  // namespace

void bind_ldgen(py::module_& m) {
#if PERCPU_PY_HAVE_LDGEN
  m.attr("has_ldgen") = true;
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const ldgen::ScriptError& error) {
      raise_script_error(error);
    } catch (const ldgen::FileError& error) {
      if (error.error_code() == 0) {  // a rule of ldgen's (the 64 MiB cap): percpu.Error
        PyErr_SetString(error_types().error, error.what());
      } else {  // the system's errno: OSError picks its subclass (FileNotFoundError, ...)
        py::object os_error = py::reinterpret_borrow<py::object>(PyExc_OSError)(
            error.error_code(), std::strerror(error.error_code()), error.path());
        PyErr_SetObject(os_error.get_type().ptr(), os_error.ptr());
      }
    }
  });

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
      py::arg("path"), "The file's bytes, as percpu-ldgen reads them (at most 64 MiB, else percpu.Error).");

  m.def(
      "inject",
      [](const py::object& script, unsigned cpus, const std::optional<std::string>& after,
         const std::optional<std::string>& before, const std::string& vma, const py::object& source_name,
         uint64_t reserve) {
        const std::string text = to_bytes(script);
        const ldgen::InjectOptions options = inject_options(cpus, after, before, vma, source_name, reserve);
        std::string result;
        {
          py::gil_scoped_release released;
          result = ldgen::inject(text, options);
        }
        return to_str(result);
      },
      py::arg("script"), py::arg("cpus"), py::kw_only(), py::arg("after") = py::none(),
      py::arg("before") = py::none(), py::arg("vma") = "zero", py::arg("source_name") = "<string>",
      py::arg("reserve") = 0,
      "The linker script with the .percpu block injected (percpu-ldgen's output).");

  m.def(
      "emit_fragment",
      [](unsigned cpus, const std::string& vma, uint64_t reserve) {
        return to_str(ldgen::emit_fragment(inject_options(cpus, std::nullopt, std::nullopt, vma,
                                                          py::str("<fragment>"), reserve)));
      },
      py::arg("cpus"), py::kw_only(), py::arg("vma") = "zero", py::arg("reserve") = 0, "The .percpu block alone.");

  py::class_<ldgen::BlockInfo>(m, "BlockInfo", "The percpu block found in a linker script.")
      .def_readonly("present", &ldgen::BlockInfo::present)
      .def_readonly("owned_by_ldgen", &ldgen::BlockInfo::owned_by_ldgen)
      .def_readonly("cpus", &ldgen::BlockInfo::cpus)
      .def_property_readonly("vma",
                             [](const ldgen::BlockInfo& info) { return address_model_name(info.vma); })
      .def("__repr__", [](const ldgen::BlockInfo& info) {
        return "BlockInfo(present=" + std::string(info.present ? "True" : "False") +
               ", owned_by_ldgen=" + (info.owned_by_ldgen ? "True" : "False") +
               ", cpus=" + std::to_string(info.cpus) + ", vma='" + address_model_name(info.vma) + "')";
      });

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

  m.def(
      "ldgen_main", [](const py::iterable& argv) { return run_cli(&ldgen::cli_main, argv); },
      py::arg("argv"), "Runs percpu-ldgen's CLI: returns (exit code, stdout bytes, stderr bytes).");
#else
  m.attr("has_ldgen") = false;
#endif
}

}  // namespace percpu::python
