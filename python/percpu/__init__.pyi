# Type stubs of the percpu package (python/percpu/__init__.py).
import os
from typing import List, Optional, Sequence, Union

from ._percpu import BlockCheck as BlockCheck
from ._percpu import BlockInfo as BlockInfo
from ._percpu import DirectoryError as DirectoryError
from ._percpu import ElfError as ElfError
from ._percpu import ElfFileError as ElfFileError
from ._percpu import Error as Error
from ._percpu import FileError as FileError
from ._percpu import MissingElfError as MissingElfError
from ._percpu import MissingFileError as MissingFileError
from ._percpu import UsageError as UsageError
from ._percpu import Finding as Finding
from ._percpu import Layout as Layout
from ._percpu import LinkerScriptError as LinkerScriptError
from ._percpu import Report as Report
from ._percpu import Variable as Variable

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]

__version__: str
__all__: List[str]

def inject(script_text: str, cpus: int, after: Optional[str] = None, before: Optional[str] = None,
           vma: str = "zero", *, source_name: str = "<string>", reserve: int = 0) -> str: ...
def inject_file(path: _Path, cpus: int, after: Optional[str] = None, before: Optional[str] = None,
                vma: str = "zero", *, reserve: int = 0) -> str: ...
def check_block(script_text: str, cpus: int, after: Optional[str] = None, before: Optional[str] = None,
                vma: str = "zero", *, source_name: str = "<string>", reserve: int = 0) -> BlockCheck: ...
def emit_fragment(cpus: int, vma: str = "zero", *, reserve: int = 0) -> str: ...
def inspect(path: _Path, profile: str = "percpu", *, cpus: Optional[int] = None, section: str = "",
            start_symbol: str = "", end_symbol: str = "", load_start_symbol: str = "",
            load_end_symbol: str = "") -> Layout: ...
def check(path: _Path, cpus: Optional[int] = None, profile: str = "percpu", *, hot: Sequence[str] = (),
          percpu_symbols: Sequence[str] = (), section: str = "", start_symbol: str = "", end_symbol: str = "", load_start_symbol: str = "",
          load_end_symbol: str = "") -> Report: ...
