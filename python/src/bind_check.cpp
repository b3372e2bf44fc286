// The percpu-check half of the module: inspect(), check(), the layout model and check_main().
#include "common.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>
#include <string>
#include <vector>

// GNU dialects (-std=gnu++17) predefine `linux` as 1, which would turn Profile::linux into a number.
#ifdef linux
#undef linux
#endif
#include <percpu/check.hpp>

#include "check_cli.hpp"

namespace percpu::python {
namespace {

namespace check = percpu::check;

check::Profile profile_named(const std::string& name) {
  if (name == "percpu") return check::Profile::percpu;
  if (name == "linux") return check::Profile::linux;
  throw percpu::InvalidArgument("profile", "'" + name + "'", "'percpu' or 'linux'");
}

// The Python keywords that override a profile's names, as the CLI's --section, --start-symbol, ...
constexpr std::pair<const char*, std::string check::Names::*> kNameKeywords[] = {
    {"section", &check::Names::section},
    {"start_symbol", &check::Names::start},
    {"end_symbol", &check::Names::end},
    {"load_start_symbol", &check::Names::load_start},
    {"load_end_symbol", &check::Names::load_end},
};

// The overrides among the keyword arguments of function (a TypeError for any other keyword).
check::Names names_from(const char* function, const py::kwargs& keywords) {
  check::Names names;
  for (const auto& [key, value] : keywords) {
    const std::string keyword = py::str(key);
    const auto* known = std::find_if(std::begin(kNameKeywords), std::end(kNameKeywords),
                                     [&](const auto& k) { return keyword == k.first; });
    if (known == std::end(kNameKeywords))
      throw py::type_error(std::string(function) + "() got an unexpected keyword argument '" + keyword + "'");
    names.*(known->second) = to_bytes(value);
  }
  return names;
}

// to_dict() is json.loads of the CLI's own JSON for the object, so the Python dicts and
// `percpu-check --format json` can never drift apart.
template <typename T>
py::object json_dict(const T& value) {
  return py::module_::import("json").attr("loads")(check::to_json(value));
}

// ElfError -> percpu.ElfError with the CLI's one-line reason.
void set_elf_error(const check::ElfError& error) {
  PyObject* type = error_types().elf_error;
  py::object instance = py::reinterpret_borrow<py::object>(type)(to_str(error.what()));
  instance.attr("path") = to_str(error.path());
  PyErr_SetObject(type, instance.ptr());
}

// inspect() and check() take the same arguments (the CLI's options) and differ only in what they
// return: one definition for both. The file is read without the GIL (it may be a large kernel).
template <typename Result, Result (*Run)(const std::string&, const check::Options&)>
void def_file_reader(py::module_& m, const char* name, const char* doc) {
  m.def(
      name,
      [name](const py::object& path, const py::object& cpus, const std::string& profile,
             std::vector<std::string> hot, std::vector<std::string> percpu_symbols, const py::kwargs& names) {
        check::Options options{optional_cpu_count(cpus), profile_named(profile), std::move(hot),
                               std::move(percpu_symbols), names_from(name, names)};
        const std::string file = to_path(path);
        try {
          py::gil_scoped_release released;
          return Run(file, options);
        } catch (const percpu::IoError& error) {  // an ELF file that cannot be read is an ElfError too
          raise_io_error(error, error_types().elf_file_error, error_types().missing_elf_error);
        }
      },
      doc, py::arg("path"), py::kw_only(), py::arg("cpus") = py::none(), py::arg("profile") = "percpu",
      py::arg("hot") = std::vector<std::string>{}, py::arg("percpu_symbols") = std::vector<std::string>{});
}

void bind_variable(py::module_& m) {
  py::class_<check::Variable>(m, "Variable", "One per-CPU variable of the template.")
      .def_property_readonly("name", [](const check::Variable& v) { return to_str(v.name); },
                             "demangled, without a percpu_storage:: component")
      .def_property_readonly("symbol", [](const check::Variable& v) { return to_str(v.symbol); },
                             "the ELF symbol as linked")
      .def_readonly("offset", &check::Variable::offset, "offset in every CPU's area")
      .def_readonly("size", &check::Variable::size)
      .def_readonly("align", &check::Variable::align, "guaranteed alignment (see docs/percpu-check.md)")
      .def_readonly("cache_line", &check::Variable::cache_line)
      .def_readonly("padding_before", &check::Variable::padding_before)
      .def_readonly("hot", &check::Variable::hot)
      .def("address", &check::Variable::address_on, py::arg("cpu"),
           "The variable's address in the given CPU's area.")
      .def("to_dict", &json_dict<check::Variable>, "json.loads of this variable in the CLI's JSON.")
      .def("__repr__", [](const check::Variable& v) {
        return "Variable(name=" + py::repr(to_str(v.name)).cast<std::string>() + ", offset=" + check::hex(v.offset) +
               ", size=" + std::to_string(v.size) + ", align=" + std::to_string(v.align) + ")";
      });
}

void bind_layout(py::module_& m) {
  py::class_<check::Layout>(m, "Layout", "The per-CPU layout of a linked ELF file.")
      .def_readonly("arch", &check::Layout::arch)
      .def_readonly("elf_class", &check::Layout::elf_class)
      .def_property_readonly("model", [](const check::Layout& l) { return percpu::layout::to_string(l.model); })
      .def_property_readonly("kind", [](const check::Layout& l) { return std::string(check::kind_name(l.kind)); },
                             "which layout: percpu, rom (ROM/flash), rust-crate (the Rust crate's fragment), linux")
      .def_readonly("template_vma", &check::Layout::template_vma)
      .def_readonly("template_lma", &check::Layout::template_lma)
      .def_readonly("template_size", &check::Layout::template_size)
      .def_readonly("template_align", &check::Layout::template_align)
      .def_readonly("stride", &check::Layout::stride)
      .def_readonly("areas_start", &check::Layout::areas_start)
      .def_readonly("areas_end", &check::Layout::areas_end)
      .def_readonly("cpu_count", &check::Layout::cpu_count)
      .def_readonly("areas", &check::Layout::areas, "base address of each CPU's area")
      .def_readonly("has_reserve", &check::Layout::has_reserve, "the ELF has a dynamic reserve")
      .def_readonly("reserve_offset", &check::Layout::reserve_offset, "the reserve's offset in every area")
      .def_readonly("reserve_size", &check::Layout::reserve_size, "the reserve's size in bytes (0: none)")
      .def("reserve_address", &check::Layout::reserve_address, py::arg("cpu"),
           "where CPU cpu's reserve starts")
      .def_property_readonly(
          "variables",
          [](const check::Layout& l) {
            py::list out;  // made on access from the layout's compact table
            for (check::Variable v : l.variables) out.append(py::cast(std::move(v)));
            return out;
          },
          "the per-CPU variables by offset (a new list of Variable objects on each access)")
      .def("to_dict", &json_dict<check::Layout>, "json.loads of the CLI's JSON \"layout\".")
      .def("to_svg", &check::to_svg, "The layout as a picture: exactly the CLI's --format svg output.")
      .def("__repr__", [](const check::Layout& l) {
        return "Layout(arch='" + l.arch + "', cpu_count=" + std::to_string(l.cpu_count) +
               ", stride=" + check::hex(l.stride) + ", template_size=" + check::hex(l.template_size) +
               ", variables=" + std::to_string(l.variables.size()) + ")";
      });
}

// Finding and Report.
void bind_report(py::module_& m) {
  py::class_<check::Finding>(m, "Finding", "A rule that failed: rule id, message, hint.")
      .def_readonly("rule", &check::Finding::rule)
      .def_readonly("message", &check::Finding::message)
      .def_readonly("hint", &check::Finding::hint)
      .def("__repr__", [](const check::Finding& f) {
        return "Finding(rule='" + f.rule + "', message=" + py::repr(py::str(f.message)).cast<std::string>() + ")";
      });

  py::class_<check::Report>(m, "Report", "The verdict of percpu-check on an ELF file.")
      .def_readonly("layout", &check::Report::layout)
      .def_readonly("findings", &check::Report::findings)
      .def_property_readonly("ok", &check::Report::ok)
      .def("to_json", py::overload_cast<const check::Report&>(&check::to_json),
           "Exactly the CLI's --format json output.")
      .def("to_text", &check::to_text, "Exactly the CLI's default table.")
      .def("to_html", &check::to_html, "Exactly the CLI's --format html output (the picture and a legend).")
      .def("to_dict", &json_dict<check::Report>, "json.loads of the CLI's --format json output.")
      .def("__bool__", &check::Report::ok)
      .def("__repr__", [](const check::Report& r) {
        return "Report(ok=" + std::string(r.ok() ? "True" : "False") +
               ", findings=" + std::to_string(r.findings.size()) + ")";
      });
}

}  // namespace

void bind_check(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const check::ElfError& error) {
      set_elf_error(error);
    }
  });

  bind_variable(m);
  bind_layout(m);
  bind_report(m);

  def_file_reader<check::Layout, &check::inspect>(m, "inspect", "The per-CPU layout of an ELF file.");
  def_file_reader<check::Report, &check::check>(m, "check", "percpu-check's verdict on an ELF file.");

  m.def(
      "check_main", [](const py::iterable& argv) { return run_cli(&check::cli_main, argv); }, py::arg("argv"),
      "Runs percpu-check's CLI: returns (exit code, stdout bytes, stderr bytes).");
}

}  // namespace percpu::python
