"""percpu: per-CPU data layouts for kernels, hypervisors and firmware.

Three things, each a thin call into the same C++ libraries the command-line tools use:

- :func:`inject` / :func:`inject_file`: a linker script with the ``.percpu`` block added
  (``percpu-ldgen``);
- :func:`inspect`: the per-CPU layout of a linked ELF file (variables, stride, areas);
- :func:`check`: percpu-check's verdict on it (``Report.ok``, ``Report.findings``).

Every error the package raises is a :class:`Error`; its text is the CLIs' text:

- :class:`UsageError` (also a :class:`ValueError`): an argument out of its domain (``cpus=0``);
- :class:`LinkerScriptError` (also a :class:`ValueError`): ``file``, ``line``, ``column``;
- :class:`ElfError` (also a :class:`ValueError`): an ELF file percpu-check cannot read;
- :class:`FileError` (also an :class:`OSError`): a file that cannot be read; a missing one is a
  :class:`MissingFileError`, also a :class:`FileNotFoundError`. For ``inspect``/``check`` these
  are :class:`ElfFileError` / :class:`MissingElfError`, which are ElfErrors as well.
"""

import os as _os
from typing import Optional as _Optional, Union as _Union

try:
    from . import _percpu
except ImportError as _error:  # a shared library the extension links is missing
    raise ImportError(
        "percpu: cannot load the C++ extension module percpu._percpu ({}).\n"
        "It needs these shared libraries at run time (Debian/Ubuntu packages): "
        "libmbedtls14, libmbedx509-1, libmbedcrypto7 (mbedtls, used by the LIEF library linked into it) "
        "and the C++ runtime libstdc++6. Install them with:\n"
        "    apt-get install libmbedtls14 libmbedx509-1 libmbedcrypto7 libstdc++6".format(_error)
    ) from _error

__version__: str = _percpu.__version__

Error = _percpu.Error
UsageError = _percpu.UsageError
LinkerScriptError = _percpu.LinkerScriptError
ElfError = _percpu.ElfError
FileError = _percpu.FileError
MissingFileError = _percpu.MissingFileError
DirectoryError = _percpu.DirectoryError
ElfFileError = _percpu.ElfFileError
MissingElfError = _percpu.MissingElfError
Layout = _percpu.Layout
Variable = _percpu.Variable
Report = _percpu.Report
Finding = _percpu.Finding
BlockInfo = _percpu.BlockInfo
BlockCheck = _percpu.BlockCheck

_PathLike = _Union[str, bytes, "_os.PathLike[str]", "_os.PathLike[bytes]"]


def inject(script_text: str, cpus: int, after: _Optional[str] = None, before: _Optional[str] = None,
           vma: str = "zero", *, source_name: str = "<string>", reserve: int = 0) -> str:
    """Returns ``script_text`` with the ``.percpu`` block for ``cpus`` CPUs injected.

    ``after`` / ``before`` name the output section the block follows / precedes (default: the
    placement percpu-ldgen chooses); ``vma`` is ``"zero"`` or ``"delta"``. ``source_name`` is the
    file name used in error messages. ``reserve`` adds that many bytes of dynamic per-CPU reserve
    to every area (percpu-ldgen ``--reserve``; at most 1 GiB, else :class:`UsageError`, a ``ValueError``). Raises
    :class:`LinkerScriptError`.
    """
    return _percpu.inject(script_text, cpus, after=after, before=before, vma=vma, source_name=source_name,
                          reserve=reserve)


def inject_file(path: _PathLike, cpus: int, after: _Optional[str] = None, before: _Optional[str] = None,
                vma: str = "zero", *, reserve: int = 0) -> str:
    """:func:`inject` on the contents of the file at ``path`` (named in error messages).

    The file is read as percpu-ldgen reads it: at most 64 MiB (a pipe or device too). Raises
    :class:`MissingFileError` (also a ``FileNotFoundError``) / :class:`FileError` (an ``OSError``)
    when the file cannot be read.
    """
    return _percpu.inject_file(path, cpus, after=after, before=before, vma=vma, reserve=reserve)


def check_block(script_text: str, cpus: int, after: _Optional[str] = None, before: _Optional[str] = None,
                vma: str = "zero", *, source_name: str = "<string>", reserve: int = 0) -> "BlockCheck":
    """Whether ``script_text`` holds exactly the block :func:`inject` would write (``percpu-ldgen --check``).

    ``BlockCheck.state`` is ``"up_to_date"``, ``"missing"``, ``"other_parameters"``, ``"edited"``
    (text between ldgen's markers is not what ldgen writes) or ``"stale"``;
    ``BlockCheck.reason`` is the CLI's one-line explanation; ``bool(result)`` is True when up to date.
    """
    return _percpu.check_block(script_text, cpus, after=after, before=before, vma=vma, source_name=source_name,
                               reserve=reserve)


def emit_fragment(cpus: int, vma: str = "zero", *, reserve: int = 0) -> str:
    """The ``.percpu`` block alone, for scripts assembled by hand."""
    return _percpu.emit_fragment(cpus, vma=vma, reserve=reserve)


def inspect(path: _PathLike, profile: str = "percpu", *, cpus: _Optional[int] = None,
            **names: str) -> "Layout":
    """The per-CPU layout of the ELF file at ``path``; ``profile`` is ``"percpu"`` or ``"linux"``.

    Keyword arguments ``section``, ``start_symbol``, ``end_symbol``, ``load_start_symbol``,
    ``load_end_symbol`` override the profile's names (as the CLI's options do). Raises
    :class:`ElfError` when the file cannot be read.
    """
    return _percpu.inspect(path, cpus=cpus, profile=profile, **names)


def check(path: _PathLike, cpus: _Optional[int] = None, profile: str = "percpu", *,
          hot: "tuple[str, ...] | list[str]" = (), percpu_symbols: "tuple[str, ...] | list[str]" = (),
          **names: str) -> "Report":
    """percpu-check's verdict on the ELF file at ``path``: ``Report.ok``, ``Report.findings``.

    ``cpus`` is the CPU count the layout must have (None: whatever it has); ``hot`` names (or glob
    patterns) of hot variables for false-sharing hints; ``percpu_symbols`` names symbols that are
    per-CPU variables (the CLI's ``--percpu-symbol``: each must lie in the template, rule
    ``variables.swallowed``). ``Report.to_dict()`` equals the CLI's
    ``--format json`` output. Raises :class:`ElfError` when the file cannot be read.
    """
    return _percpu.check(path, cpus=cpus, profile=profile, hot=list(hot), percpu_symbols=list(percpu_symbols),
                         **names)


__all__ = [
    "__version__", "Error", "UsageError", "LinkerScriptError", "ElfError", "FileError", "MissingFileError",
    "DirectoryError", "ElfFileError", "MissingElfError", "Layout", "Variable", "Report", "Finding", "BlockInfo",
    "BlockCheck",
    "inject", "inject_file", "check_block", "emit_fragment", "inspect", "check",
]
