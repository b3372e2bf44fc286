"""The console scripts percpu-ldgen and percpu-check, and ``python -m percpu``.

Each runs the C++ tool's own cli_main (the same code as the executables): same options, same
output, same exit codes. Only the byte streams pass through here, to sys.stdout and sys.stderr.
"""

import sys
from typing import Callable, List, Optional, Sequence, TextIO, Tuple

from . import _percpu

_CliMain = Callable[[List[str]], Tuple[int, bytes, bytes]]


def _write(stream: TextIO, data: bytes) -> None:
    if not data:
        return
    binary = getattr(stream, "buffer", None)
    if binary is not None:  # a real file: pass the bytes through unchanged
        stream.flush()
        binary.write(data)
        binary.flush()
    else:  # a text-only stream (e.g. io.StringIO)
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()


def _run(main: _CliMain, program: str, args: Optional[Sequence[str]]) -> int:
    argv = [program] + list(sys.argv[1:] if args is None else args)
    code, out, err = main(argv)
    _write(sys.stdout, out)
    _write(sys.stderr, err)
    return code


def ldgen(args: Optional[Sequence[str]] = None) -> int:
    """Runs percpu-ldgen with ``args`` (default: sys.argv[1:]); returns its exit code."""
    return _run(_percpu.ldgen_main, "percpu-ldgen", args)


def check(args: Optional[Sequence[str]] = None) -> int:
    """Runs percpu-check with ``args`` (default: sys.argv[1:]); returns its exit code."""
    return _run(_percpu.check_main, "percpu-check", args)


def ldgen_entry() -> None:
    sys.exit(ldgen())


def check_entry() -> None:
    sys.exit(check())


_USAGE = """usage: python -m percpu {ldgen,check} [ARGS...]

  ldgen   percpu-ldgen: inject the .percpu block into a linker script (see `ldgen --help`)
  check   percpu-check: verify and inspect the per-CPU layout of an ELF file (see `check --help`)
"""



def main(args: Optional[Sequence[str]] = None) -> int:
    """``python -m percpu ldgen|check ARGS...``."""
    argv = list(sys.argv[1:] if args is None else args)
    if not argv:
        sys.stderr.write(_USAGE)
        return _percpu.EXIT_USAGE
    if argv[0] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return _percpu.EXIT_OK
    if argv[0] == "--version":
        sys.stdout.write("percpu {}\n".format(_percpu.__version__))
        return _percpu.EXIT_OK
    commands = {"ldgen": ldgen, "check": check}
    command = commands.get(argv[0])
    if command is None:
        sys.stderr.write("python -m percpu: unknown command '{}'\n{}".format(argv[0], _USAGE))
        return _percpu.EXIT_USAGE
    return command(argv[1:])
