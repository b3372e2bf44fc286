// percpu._percpu: the extension module. The ldgen and checker halves live in their own units; this
// one creates the exception types and the shared conversions.
#include "common.hpp"

#include <sstream>

namespace percpu::python {
namespace {

ErrorTypes g_errors;

// A new exception class percpu.<name> deriving from bases; the reference is kept for the life of
// the process (the module is never unloaded), so translators can use it without the import system.
PyObject* new_exception(py::module_& m, const char* name, py::handle bases, const char* doc) {
  const std::string qualified = std::string("percpu.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));  // add_object takes its own reference
  return type;
}

}  // namespace

const ErrorTypes& error_types() { return g_errors; }

std::string to_bytes(py::handle text_or_bytes) {
  if (py::isinstance<py::bytes>(text_or_bytes)) return text_or_bytes.cast<std::string>();
  if (py::isinstance<py::str>(text_or_bytes)) {
    py::bytes encoded = text_or_bytes.attr("encode")("utf-8", "surrogateescape");
    return encoded.cast<std::string>();
  }
  throw py::type_error("expected str or bytes, got " +
                       py::str(py::type::handle_of(text_or_bytes).attr("__name__")).cast<std::string>());
}

py::str to_str(const std::string& bytes) {
  return py::bytes(bytes).attr("decode")("utf-8", "surrogateescape");
}

std::string to_path(py::handle path_like) {
  py::bytes encoded = py::module_::import("os").attr("fsencode")(path_like);
  return encoded.cast<std::string>();
}

percpu::layout::AddressModel address_model(const std::string& name) {
  if (name == "zero") return percpu::layout::AddressModel::zero;
  if (name == "delta") return percpu::layout::AddressModel::delta;
  throw py::value_error("vma must be 'zero' or 'delta', not '" + name + "'");
}

const char* address_model_name(percpu::layout::AddressModel model) {
  return model == percpu::layout::AddressModel::delta ? "delta" : "zero";
}

py::tuple run_cli(CliMain main, const py::iterable& argv) {
  std::vector<std::string> args;
  for (py::handle arg : argv) args.push_back(to_path(arg));
  std::vector<const char*> pointers;
  pointers.reserve(args.size() + 1);
  for (const std::string& arg : args) pointers.push_back(arg.c_str());
  pointers.push_back(nullptr);  // argv[argc] is a null pointer, as for main()

  std::ostringstream out;
  std::ostringstream err;
  int code = 0;
  {
    py::gil_scoped_release released;  // the C++ code touches no Python object
    code = main(static_cast<int>(args.size()), pointers.data(), out, err);
  }
  return py::make_tuple(code, py::bytes(out.str()), py::bytes(err.str()));
}

}  // namespace percpu::python

PYBIND11_MODULE(_percpu, m) {
  namespace py = pybind11;
  using namespace percpu::python;
  m.doc() = "percpu's C++ libraries (percpu-ldgen and percpu-check); use the `percpu` package.";
  m.attr("__version__") = PERCPU_VERSION;

  g_errors.error = new_exception(m, "Error", PyExc_Exception,
                                 "Base class of the errors raised by the percpu package.");
  g_errors.script_error = new_exception(
      m, "LinkerScriptError", py::make_tuple(py::handle(g_errors.error), py::handle(PyExc_ValueError)),
      "A linker script percpu-ldgen cannot handle: str() is 'file:line:column: message', the CLI's text;\n"
      "attributes file, line, column, message, source_line.");
  g_errors.elf_error = new_exception(
      m, "ElfError", py::make_tuple(py::handle(g_errors.error), py::handle(PyExc_ValueError)),
      "An ELF file percpu-check cannot read (missing, truncated, corrupted); str() is the CLI's reason.");

  bind_ldgen(m);
  bind_check(m);
}
