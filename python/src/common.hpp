// Helpers shared by the binding units: text and path conversion without loss, argument checks
// that raise percpu.UsageError, running a CLI with its output captured, and the module's
// exception types with the one translation of the cores' errors (percpu/error.hpp).
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // every unit sees the same conversions (optional, vector)

#include <percpu/error.hpp>
#include <percpu/layout.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace percpu::python {

namespace py = pybind11;

// Linker scripts and paths are bytes to the C++ libraries. A str is encoded as UTF-8 with
// surrogateescape (the way Python decodes undecodable bytes), so any file round-trips exactly.
std::string to_bytes(py::handle text_or_bytes);
py::str to_str(const std::string& bytes);
std::string to_path(py::handle path_like);  // str, bytes or os.PathLike

// The address model named name (percpu::layout::parse); percpu::InvalidArgument for another name.
percpu::layout::AddressModel address_model(const std::string& name);

// A CPU count: an int (not a bool, float or str) the core then range-checks. Anything else, or an
// int no C++ unsigned holds, is percpu::InvalidArgument (percpu.UsageError) with the core's text.
unsigned cpu_count(py::handle value);
std::optional<unsigned> optional_cpu_count(py::handle value);  // None: not given
// A dynamic reserve in bytes: an int from 0 to layout::kMaxReserve, else percpu::InvalidArgument.
uint64_t reserve_size(py::handle value);

// A CLI entry point: cli_main(argc, argv, out, err).
using CliMain = int (*)(int, const char* const*, std::ostream&, std::ostream&);

// Runs main with argv (the program name first), without the GIL; returns (code, out, err) with
// the two streams as bytes, written by the Python layer to sys.stdout / sys.stderr.
py::tuple run_cli(CliMain main, const py::iterable& argv);

// The exception types of the module (created once in module.cpp, alive as long as the process).
struct ErrorTypes {
  PyObject* error = nullptr;               // percpu.Error: base of every error the package raises
  PyObject* usage_error = nullptr;         // percpu.UsageError(Error, ValueError)
  PyObject* script_error = nullptr;        // percpu.LinkerScriptError(Error, ValueError)
  PyObject* elf_error = nullptr;           // percpu.ElfError(Error, ValueError)
  PyObject* file_error = nullptr;          // percpu.FileError(Error, OSError)
  PyObject* missing_file_error = nullptr;  // percpu.MissingFileError(FileError, FileNotFoundError)
  PyObject* directory_error = nullptr;     // percpu.DirectoryError(FileError, IsADirectoryError)
  PyObject* elf_file_error = nullptr;      // percpu.ElfFileError(ElfError, FileError)
  PyObject* missing_elf_error = nullptr;   // percpu.MissingElfError(ElfFileError, MissingFileError)
};
const ErrorTypes& error_types();

// An error's text for Python: what(), and its remedy (percpu::Remedy) as this API's keywords.
std::string message_of(const percpu::Error& error);

// Raises the Python error of an IoError: missing_type for ENOENT, other_type otherwise.
[[noreturn]] void raise_io_error(const percpu::IoError& error, PyObject* other_type, PyObject* missing_type);

void bind_ldgen(py::module_& m);
void bind_check(py::module_& m);

}  // namespace percpu::python
