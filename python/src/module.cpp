// percpu._percpu: the extension module. The ldgen and checker halves live in their own units; this
// one creates the exception types and the shared conversions.
#include "common.hpp"

#include <cerrno>
#include <cstring>
#include <sstream>

#include "exit_codes.hpp"

namespace percpu::python {
namespace {

ErrorTypes g_errors;

// A new exception class percpu.<name> deriving from bases; the reference is kept for the life of
// the process (the module is never unloaded), so translators can use it without the import system.
PyObject* new_exception(py::module_& m, const char* name, py::handle bases, const char* doc,
                        py::handle dict = py::handle()) {
  const std::string qualified = std::string("percpu.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), dict.ptr());
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));  // add_object takes its own reference
  return type;
}

py::tuple bases(std::initializer_list<PyObject*> types) {
  py::tuple out(types.size());
  size_t i = 0;
  for (PyObject* t : types) out[i++] = py::reinterpret_borrow<py::object>(t);
  return out;
}

void create_error_types(py::module_& m) {
  ErrorTypes& e = g_errors;
  e.error = new_exception(m, "Error", PyExc_Exception, "Base class of every error the percpu package raises.");
  e.usage_error = new_exception(m, "UsageError", bases({e.error, PyExc_ValueError}),
                                "An argument out of its domain (cpus 0, an unknown vma): attributes field, value.");
  e.script_error = new_exception(
      m, "LinkerScriptError", bases({e.error, PyExc_ValueError}),
      "A linker script percpu-ldgen cannot handle: str() is 'file:line:column: message', the CLI's text;\n"
      "attributes file, line, column, message, source_line.");
  e.elf_error = new_exception(m, "ElfError", bases({e.error, PyExc_ValueError}),
                              "An ELF file percpu-check cannot read (missing, truncated, corrupted); str() is "
                              "the CLI's reason; attribute path.");
  // str() of the file errors is the CLI's one line, not OSError's "[Errno 2] ...": errno,
  // strerror and filename are set as for any OSError.
  py::dict one_line;
  one_line["__str__"] = py::module_::import("builtins").attr("BaseException").attr("__str__");
  e.file_error = new_exception(m, "FileError", bases({e.error, PyExc_OSError}),
                               "A file that cannot be read or written (an OSError: errno, filename).", one_line);
  e.missing_file_error = new_exception(m, "MissingFileError", bases({e.file_error, PyExc_FileNotFoundError}),
                                       "A file that does not exist (also a FileNotFoundError).");
  e.directory_error = new_exception(m, "DirectoryError", bases({e.file_error, PyExc_IsADirectoryError}),
                                    "A directory where a file was expected (also an IsADirectoryError).");
  e.elf_file_error = new_exception(m, "ElfFileError", bases({e.elf_error, e.file_error}),
                                   "The ELF file cannot be opened or read (a directory, an I/O error).");
  e.missing_elf_error = new_exception(m, "MissingElfError", bases({e.elf_file_error, e.missing_file_error}),
                                      "The ELF file does not exist (also a FileNotFoundError).");
}

void set_error(PyObject* type, const py::object& instance) { PyErr_SetObject(type, instance.ptr()); }

py::object instance_of(PyObject* type, const std::string& message) {
  return py::reinterpret_borrow<py::object>(type)(to_str(message));
}

void set_io_error(const percpu::IoError& error, PyObject* other_type, PyObject* missing_type) {
  PyObject* type = error.error_number() == ENOENT ? missing_type : other_type;
  if (error.error_number() == EISDIR && other_type == g_errors.file_error) type = g_errors.directory_error;
  py::object instance = instance_of(type, message_of(error));
  if (error.error_number() != 0) {
    instance.attr("errno") = error.error_number();
    instance.attr("strerror") = std::strerror(error.error_number());
  }
  instance.attr("filename") = to_str(error.path());
  set_error(type, instance);
}

// The cores' errors that are not a tool's own (the tool units translate theirs).
void translate_common_errors(std::exception_ptr thrown) {
  try {
    if (thrown) std::rethrow_exception(thrown);
  } catch (const percpu::InvalidArgument& error) {
    py::object instance = instance_of(g_errors.usage_error, message_of(error));
    instance.attr("field") = error.field();
    instance.attr("value") = to_str(error.value());
    set_error(g_errors.usage_error, instance);
  } catch (const percpu::IoError& error) {
    set_io_error(error, g_errors.file_error, g_errors.missing_file_error);
  } catch (const percpu::Error& error) {
    set_error(g_errors.error, instance_of(g_errors.error, message_of(error)));
  }
}

}  // namespace

const ErrorTypes& error_types() { return g_errors; }

std::string message_of(const percpu::Error& error) {
  switch (error.remedy()) {
    case percpu::Remedy::choose_place: return error.what() + std::string(" (pass after='NAME' or before='NAME')");
    case percpu::Remedy::delta_model: return error.what() + std::string(" (pass vma='delta')");
    case percpu::Remedy::force:  // the Python API has no force: nothing it could pass
    case percpu::Remedy::none: break;
  }
  return error.what();
}

void raise_io_error(const percpu::IoError& error, PyObject* other_type, PyObject* missing_type) {
  set_io_error(error, other_type, missing_type);
  throw py::error_already_set();
}

namespace {

// An int (not a bool: True is no count) from min to max; anything else is InvalidArgument for field.
uint64_t int_in_range(py::handle value, const char* field, uint64_t min, uint64_t max, const std::string& requirement) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    const std::string type = py::str(py::type::handle_of(value).attr("__name__"));
    throw percpu::InvalidArgument(field, py::repr(value).cast<std::string>() + " (" + type + ")", "an int");
  }
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow != 0 || number < 0 || static_cast<uint64_t>(number) < min || static_cast<uint64_t>(number) > max)
    throw percpu::InvalidArgument(field, py::str(value).cast<std::string>(), requirement);
  return static_cast<uint64_t>(number);
}

}  // namespace

unsigned cpu_count(py::handle value) {
  return static_cast<unsigned>(int_in_range(value, "cpus", 1, percpu::kMaxCpus, percpu::cpu_count_requirement()));
}

uint64_t reserve_size(py::handle value) {
  return int_in_range(value, "reserve", 0, percpu::layout::kMaxReserve,
                      "between 0 and " + std::to_string(percpu::layout::kMaxReserve) + " bytes");
}

std::optional<unsigned> optional_cpu_count(py::handle value) {
  if (value.is_none()) return std::nullopt;
  return cpu_count(value);
}

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
  percpu::layout::AddressModel model = percpu::layout::AddressModel::zero;
  if (!percpu::layout::parse(name.c_str(), model))
    throw percpu::InvalidArgument("vma", "'" + name + "'", "'zero' or 'delta'");
  return model;
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

  create_error_types(m);
  py::register_exception_translator(&translate_common_errors);  // tried after the tools' own
  // The exit codes of the CLIs and the console scripts (percpu/_cli.py): one table.
  m.attr("EXIT_OK") = percpu::cli::kExitOk;
  m.attr("EXIT_CHECK_FAILED") = percpu::cli::kExitCheckFailed;
  m.attr("EXIT_BAD_INPUT") = percpu::cli::kExitBadInput;
  m.attr("EXIT_USAGE") = percpu::cli::kExitUsage;

  bind_ldgen(m);
  bind_check(m);
}
