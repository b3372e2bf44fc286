"""percpu.gdb: every CPU's copy of a per-CPU variable, in GDB, for the kernel being debugged.

Load it inside GDB (whose embedded Python must be the one this package was installed for):

    (gdb) source <venv>/share/percpu/percpu-gdb.py        # finds the venv's site-packages itself
    $ PYTHONPATH=<venv>/lib/python3.11/site-packages gdb-multiarch -ex 'python import percpu.gdb' kernel.elf

The layout comes from the same C++ model as percpu-check (percpu.inspect() on the ELF file GDB
debugs); values are read from the target's memory through GDB and printed with GDB's own type
for each variable. Three layouts: percpu's own (zero and delta address models), the Rust crate
`percpu`'s (the areas inside .percpu) and Linux's (.data..percpu, __per_cpu_offset[] read from
memory). A GDB thread is a CPU (QEMU's gdbstub: thread N = CPU N-1). Commands: docs/gdb.md.
"""

import fnmatch
import os

try:
    import gdb
except ImportError as _error:
    raise ImportError("percpu.gdb runs inside GDB: `python import percpu.gdb` there; outside GDB, "
                      "use percpu.inspect()") from _error

import percpu

# The register each architecture keeps its CPU's area in (docs/runtime.md); aarch64 uses the one
# of the exception level the CPU runs at.
REGISTERS = {"x86_64": "gs_base", "riscv64": "gp", "riscv32": "gp", "loongarch64": "r21"}
AARCH64_REGISTERS = {1: "TPIDR_EL1", 2: "TPIDR_EL2"}


def _symbol_address(name):
    """The address of an ELF symbol (linker-defined or absolute ones too); None when absent."""
    try:
        return int(gdb.parse_and_eval("(unsigned long long)&'{}'".format(name)))
    except gdb.error:
        return None


def _read_uint(address, size):
    data = bytes(gdb.selected_inferior().read_memory(address, size))
    little = "little" in gdb.execute("show endian", to_string=True)
    return int.from_bytes(data, "little" if little else "big")


def _inspect(path):
    """(layout, kind): kind is "percpu", "rust" or "linux" (the checker recognises the Rust crate's
    layout itself: Layout.kind "rust-crate", with the crate's stride and CPU count)."""
    try:
        layout = percpu.inspect(path)
        if layout.template_size or layout.variables:
            return layout, "rust" if layout.kind == "rust-crate" else "percpu"
        linux = percpu.inspect(path, profile="linux")
    except percpu.Error as error:
        raise gdb.GdbError("percpu: {}".format(error))
    if linux.template_size or linux.variables:
        return linux, "linux"
    raise gdb.GdbError("percpu: {} has no per-CPU template (neither .percpu nor .data..percpu)".format(path))


class Kernel:
    """The per-CPU layout of the ELF being debugged and where each CPU's copy lives."""

    def __init__(self, path):
        self.path = path
        self.layout, self.kind = _inspect(path)
        layout = self.layout
        self.stride, self.areas_start, self.cpu_count = layout.stride, layout.areas_start, layout.cpu_count
        self.variables = layout.variables  # Layout.variables makes a new list on each access: once here
        self.by_name = {}
        for v in self.variables:
            for key in (v.name, v.symbol, v.name[len("__PERCPU_"):] if v.name.startswith("__PERCPU_") else None):
                if key:
                    self.by_name.setdefault(key, v)

    @property
    def model(self):
        return "areas inside .percpu" if self.kind == "rust" else self.layout.model

    def cpus(self):
        if self.kind != "linux":
            return self.cpu_count
        try:
            return int(gdb.parse_and_eval("(unsigned int)nr_cpu_ids"))
        except gdb.error:
            return len(gdb.selected_inferior().threads()) or 1

    def check_cpu(self, cpu):
        count = self.cpus()
        if not 0 <= cpu < count:
            raise gdb.GdbError("percpu: no CPU {} (the layout has {} CPUs: 0-{})".format(cpu, count, count - 1))

    def linux_offset(self, cpu):
        table = _symbol_address("__per_cpu_offset")
        if table is None:
            raise gdb.GdbError("percpu: Linux layout without __per_cpu_offset[]")
        width = self.layout.elf_class // 8
        return _read_uint(table + cpu * width, width)

    def area_base(self, cpu):
        if self.kind == "linux":
            return self.linux_offset(cpu) + self.layout.template_vma
        return self.areas_start + cpu * self.stride

    def register_value(self, cpu):
        """What CPU cpu's per-CPU register holds once it is set up."""
        if self.kind == "linux":
            return self.linux_offset(cpu)
        if self.kind == "percpu" and self.layout.model == "delta":
            return self.area_base(cpu) - self.layout.template_vma
        return self.area_base(cpu)

    def address(self, variable, cpu):
        self.check_cpu(cpu)
        return self.area_base(cpu) + variable.offset

    def variable(self, name):
        try:
            return self.by_name[name]
        except KeyError:
            raise gdb.GdbError("percpu: no per-CPU variable '{}' in {} (`percpu list` names them)"
                               .format(name, self.path)) from None

    def gdb_type(self, variable):
        """GDB's type of the variable (from the debug info), else unsigned bytes of its size."""
        for name in (variable.symbol, "percpu_storage::" + variable.name, variable.name):
            for lookup in (gdb.lookup_global_symbol, gdb.lookup_static_symbol):
                try:
                    symbol = lookup(name)
                except gdb.error:
                    symbol = None
                if symbol is not None and symbol.type is not None:
                    return symbol.type
        return _uint_type(variable.size)

    def value(self, variable, cpu):
        """CPU cpu's copy as a gdb.Value (an lvalue in the target's memory)."""
        pointer = gdb.Value(self.address(variable, cpu)).cast(self.gdb_type(variable).pointer())
        return pointer.dereference()


def _uint_type(size):
    """An unsigned integer of that size, else an array of unsigned bytes."""
    for name in ("unsigned char", "unsigned short", "unsigned int", "unsigned long", "unsigned long long"):
        t = gdb.lookup_type(name)
        if t.sizeof == size:
            return t
    return gdb.lookup_type("unsigned char").array(max(size, 1) - 1)


_cache = {}


def kernel():
    """The Kernel of the current program space's ELF (re-read when the file changes)."""
    path = gdb.current_progspace().filename
    if not path:
        raise gdb.GdbError("percpu: no ELF file loaded (use `file kernel.elf`)")
    key = (path, os.stat(path).st_mtime_ns)
    if key not in _cache:
        _cache.clear()
        _cache[key] = Kernel(path)
    return _cache[key]


def thread_cpu(thread):
    """The CPU a GDB thread is: QEMU's gdbstub numbers its threads (CPUs) from 1."""
    lwp = thread.ptid[1]
    return (lwp if lwp > 0 else thread.num) - 1


def current_cpu():
    thread = gdb.selected_thread()
    if thread is None:
        raise gdb.GdbError("percpu: no running target: name a CPU")
    return thread_cpu(thread)


def _parse_cpu(text):
    try:
        return int(text, 0)
    except ValueError:
        raise gdb.GdbError("percpu: '{}' is not a CPU number (or `all`)".format(text)) from None


def _hex(value):
    return "{:#x}".format(value)


def _cpus_of(argument, k):
    """The CPUs an optional [CPU|all] argument names (default: all)."""
    if argument in (None, "all"):
        return list(range(k.cpus()))
    cpu = _parse_cpu(argument)
    k.check_cpu(cpu)
    return [cpu]


class PercpuPrefix(gdb.Command):
    """Per-CPU variables of the kernel being debugged (docs/gdb.md).

percpu info                  the layout: template, stride, areas, address model
percpu list [PATTERN]        the variables (glob PATTERN), with offset, size and GDB type
percpu print VAR [CPU|all]   each CPU's copy of VAR, formatted with VAR's type (default: all)
percpu diff VAR              which CPUs' copies differ from CPU 0's
percpu regs                  each CPU's per-CPU register, and whether it selects that CPU's area
$percpu("VAR", CPU)          CPU's copy as a value for expressions (CPU defaults to the thread's)"""

    def __init__(self):
        super().__init__("percpu", gdb.COMMAND_DATA, gdb.COMPLETE_COMMAND, prefix=True)


class InfoCommand(gdb.Command):
    """The per-CPU layout of the ELF being debugged: template, stride, areas, address model."""

    def __init__(self):
        super().__init__("percpu info", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        k = kernel()
        l = k.layout
        out = ["percpu: {}".format(k.path),
               "  layout      {} ({} profile), {} ELF{}, {} model".format(
                   {"percpu": "percpu", "rust": "the Rust crate percpu", "linux": "Linux"}[k.kind],
                   "linux" if k.kind == "linux" else "percpu", l.arch, l.elf_class, k.model),
               "  template    VMA {}, {} bytes, align {}".format(_hex(l.template_vma), l.template_size,
                                                                  l.template_align)]
        if k.kind == "linux":
            out.append("  areas       {} CPUs, allocated at boot: __per_cpu_offset[] (read from memory)"
                       .format(k.cpus()))
        else:
            out.append("  areas       {} CPUs, stride {}, [{}, {})".format(
                k.cpu_count, _hex(k.stride), _hex(k.areas_start), _hex(k.areas_start + k.cpu_count * k.stride)))
        out.append("  variables   {} ({} bytes)".format(len(k.variables), sum(v.size for v in k.variables)))
        gdb.write("\n".join(out) + "\n")


class ListCommand(gdb.Command):
    """percpu list [PATTERN]: the per-CPU variables (names matching the glob PATTERN)."""

    def __init__(self):
        super().__init__("percpu list", gdb.COMMAND_DATA, gdb.COMPLETE_SYMBOL)

    def invoke(self, argument, from_tty):
        k = kernel()
        pattern = argument.strip() or "*"
        shown = [v for v in k.variables if fnmatch.fnmatchcase(v.name, pattern)]
        width = max([4] + [len(v.name) for v in shown])
        gdb.write("{:{w}}  {:>10}  {:>6}  {:>5}  {}\n".format("name", "offset", "size", "align", "type", w=width))
        for v in shown:
            gdb.write("{:{w}}  {:>10}  {:>6}  {:>5}  {}\n".format(
                v.name, _hex(v.offset), v.size, v.align, k.gdb_type(v), w=width))
        gdb.write("{} of {} variables\n".format(len(shown), len(k.variables)))


class PrintCommand(gdb.Command):
    """percpu print VAR [CPU|all]: each CPU's copy of VAR, formatted with its type (default: all)."""

    def __init__(self):
        super().__init__("percpu print", gdb.COMMAND_DATA, gdb.COMPLETE_SYMBOL)

    def invoke(self, argument, from_tty):
        words = gdb.string_to_argv(argument)
        if not 1 <= len(words) <= 2:
            raise gdb.GdbError("usage: percpu print VAR [CPU|all]")
        k = kernel()
        variable = k.variable(words[0])
        for cpu in _cpus_of(words[1] if len(words) > 1 else None, k):
            address = k.address(variable, cpu)
            try:
                text = k.value(variable, cpu).format_string()
            except gdb.MemoryError as error:
                text = "<{}>".format(error)
            gdb.write("{}[cpu {}] @ {} = {}\n".format(variable.name, cpu, _hex(address), text))


class DiffCommand(gdb.Command):
    """percpu diff VAR: the CPUs whose copy of VAR differs from CPU 0's (byte for byte)."""

    def __init__(self):
        super().__init__("percpu diff", gdb.COMMAND_DATA, gdb.COMPLETE_SYMBOL)

    def invoke(self, argument, from_tty):
        words = gdb.string_to_argv(argument)
        if len(words) != 1:
            raise gdb.GdbError("usage: percpu diff VAR")
        k = kernel()
        variable = k.variable(words[0])
        inferior = gdb.selected_inferior()
        size = max(variable.size, 1)
        reference = bytes(inferior.read_memory(k.address(variable, 0), size))
        gdb.write("{}[cpu 0] = {}\n".format(variable.name, k.value(variable, 0).format_string()))
        differ = []
        for cpu in range(1, k.cpus()):
            if bytes(inferior.read_memory(k.address(variable, cpu), size)) != reference:
                differ.append(cpu)
                gdb.write("{}[cpu {}] = {}  (differs)\n".format(
                    variable.name, cpu, k.value(variable, cpu).format_string()))
        if differ:
            gdb.write("{} of {} other CPUs differ from CPU 0: {}\n".format(
                len(differ), k.cpus() - 1, " ".join(str(c) for c in differ)))
        else:
            gdb.write("every CPU's copy equals CPU 0's ({} CPUs)\n".format(k.cpus()))


def register_name(arch):
    """The per-CPU register of the architecture; aarch64: of the current exception level."""
    if arch == "aarch64":
        try:
            level = (int(gdb.parse_and_eval("$cpsr")) >> 2) & 3
        except gdb.error:
            level = 1
        return AARCH64_REGISTERS.get(level, "TPIDR_EL1")
    return REGISTERS.get(arch)


def _read_register(name):
    value = gdb.parse_and_eval("$" + name)
    if value.type.code == gdb.TYPE_CODE_VOID:
        raise gdb.GdbError("percpu: this GDB/target has no register ${} (docs/gdb.md lists what "
                           "QEMU's gdbstub exposes)".format(name))
    return int(value.cast(gdb.lookup_type("unsigned long long")))


def _describe_register(k, cpu, value):
    expected = {k.register_value(c): c for c in range(k.cpus())}
    owner = expected.get(value)
    if owner == cpu:
        return "ok: selects cpu {}'s area ({})".format(cpu, _hex(k.area_base(cpu)))
    if owner is not None:
        return "WRONG: selects cpu {}'s area, not cpu {}'s".format(owner, cpu)
    if cpu < k.cpus():
        return "WRONG: not an area (cpu {} needs {})".format(cpu, _hex(k.register_value(cpu)))
    return "no area: the layout has {} CPUs".format(k.cpus())


class RegsCommand(gdb.Command):
    """percpu regs: each CPU's (GDB thread's) per-CPU register and the area it selects."""

    def __init__(self):
        super().__init__("percpu regs", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        k = kernel()
        if k.kind == "linux" and k.layout.arch.startswith("riscv"):
            raise gdb.GdbError("percpu: Linux on RISC-V keeps no per-CPU register (it indexes "
                               "__per_cpu_offset[] by the CPU number)")
        threads = sorted(gdb.selected_inferior().threads(), key=thread_cpu)
        if not threads:
            raise gdb.GdbError("percpu: no running target (connect with `target remote`)")
        selected = gdb.selected_thread()
        try:
            for thread in threads:
                thread.switch()
                cpu = thread_cpu(thread)
                name = register_name(k.layout.arch)
                if name is None:
                    raise gdb.GdbError("percpu: no per-CPU register known for {}".format(k.layout.arch))
                value = _read_register(name)
                gdb.write("cpu {} (thread {}): {} = {}  {}\n".format(
                    cpu, thread.num, name, _hex(value), _describe_register(k, cpu, value)))
        finally:
            if selected is not None and selected.is_valid():
                selected.switch()


class PercpuFunction(gdb.Function):
    """$percpu("VAR", CPU): CPU's copy of the per-CPU variable VAR (CPU: default the selected
thread's), a value usable in any expression: p $percpu("counter", 2) + 1."""

    def __init__(self):
        super().__init__("percpu")

    def invoke(self, name, cpu=None):
        k = kernel()
        if name.type.strip_typedefs().code not in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_PTR):
            raise gdb.GdbError('percpu: $percpu("VAR", CPU) takes the variable\'s name as a string')
        variable = k.variable(name.string())
        return k.value(variable, current_cpu() if cpu is None else int(cpu))


PercpuPrefix()
InfoCommand()
ListCommand()
PrintCommand()
DiffCommand()
RegsCommand()
PercpuFunction()
