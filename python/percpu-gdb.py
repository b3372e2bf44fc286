# percpu-gdb.py: loads percpu.gdb into GDB from the environment `pip install` put this file in
# (<prefix>/share/percpu/percpu-gdb.py, next to <prefix>/lib/pythonX.Y/site-packages):
#     (gdb) source <prefix>/share/percpu/percpu-gdb.py
# GDB embeds its own Python (Debian 12: the system python3, 3.11); the compiled module
# percpu._percpu only loads into the Python version it was built for, so this script adds the
# environment's site-packages to sys.path and says clearly when that cannot work. docs/gdb.md.
import os
import sys

import gdb


def _load_percpu_gdb():
    prefix = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    version = "python{}.{}".format(*sys.version_info[:2])
    site = os.path.join(prefix, "lib", version, "site-packages")
    if not os.path.isdir(site):
        found = sorted(os.listdir(os.path.join(prefix, "lib"))) if os.path.isdir(os.path.join(prefix, "lib")) else []
        return (
            "percpu-gdb.py: GDB embeds Python {}, but {} has no {} (it has: {}); install percpu with "
            "that Python (python{}.{} -m venv ...; pip install percpu) or set PYTHONPATH".format(
                sys.version.split()[0], prefix, os.path.join("lib", version, "site-packages"),
                ", ".join(found) or "no lib/python*", *sys.version_info[:2]))
    if site not in sys.path:
        sys.path.insert(0, site)
    try:
        import percpu.gdb  # noqa: F401  (registers the commands)
    except ImportError as error:
        return "percpu-gdb.py: cannot import percpu.gdb from {}: {}".format(site, error)
    return None


# A failure is one message on GDB's stderr, not a Python traceback; the percpu commands stay undefined.
_problem = _load_percpu_gdb()
if _problem:
    gdb.write(_problem + "\n", gdb.STDERR)
