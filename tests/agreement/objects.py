"""The per-CPU object set of the property test, compiled once per architecture by real compilers
(g++ for x86_64, the aarch64/riscv64 cross g++, clang-19 for LoongArch64) and reused by every case.

Each case links a subset: the template's size and alignment (64, 128 or 4096) vary with the subset,
the objects do not. Nothing refers to a per-CPU variable, so every object links at any address."""
import concurrent.futures
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from elf_fixtures import FREESTANDING_CFLAGS, LLD, tool  # noqa: E402

INCLUDE = HERE.parents[1] / "libpercpu" / "include"
CXX_FLAGS = ["-std=c++17", "-fno-exceptions", "-fno-rtti", f"-I{INCLUDE}"]


class Arch:
    def __init__(self, name, cxx, gnu_ld, linkers, phys):
        self.name, self.cxx, self.gnu_ld, self.linkers, self.phys = name, cxx, gnu_ld, linkers, phys


# phys: where an identity-mapped kernel of this architecture is loaded (QEMU's usual address).
# LoongArch: no GNU ld and no lld 14 backend here.
ARCHES = {
    "x86_64": Arch("x86_64", ["g++", "-mcmodel=large"], "ld", ("bfd", "lld14", "lld19"), 0x100000),
    "aarch64": Arch("aarch64", ["aarch64-linux-gnu-g++"], "aarch64-linux-gnu-ld", ("bfd", "lld14", "lld19"),
                    0x40080000),
    "riscv64": Arch("riscv64", ["riscv64-linux-gnu-g++", "-mcmodel=medany", "-mno-relax"], "riscv64-linux-gnu-ld",
                    ("bfd", "lld14", "lld19"), 0x80200000),
    "loongarch64": Arch("loongarch64", ["clang++-19", "--target=loongarch64-unknown-linux-gnu"], None, ("lld19",),
                        0x200000),
}

PERCPU = '#include <percpu/percpu.hpp>\n'
SOURCES = {
    # _start, ordinary data of every kind, a boot text section.
    "start": 'extern "C" __attribute__((section(".text.boot"))) void _start() { for (;;) {} }\n'
             'unsigned long long ordinary_data = 0x0123456789abcdefull;\n'
             'unsigned long long ordinary_bss[50];\n'
             'extern const char ro_message[] = "percpu-check";\n',
    # PERCPU_DEFINE: storage in namespace percpu_storage, section .percpu.
    "vars": PERCPU + "struct Pair { unsigned long a, b; };\n"
            "PERCPU_DEFINE(unsigned long, pa_ticks, 42);\nPERCPU_DEFINE(Pair, pa_pair, 3, 4);\n"
            "PERCPU_DEFINE(unsigned int, pa_id, 0xFFFFFFFFu);\n",
    "odd": PERCPU + "struct Odd { unsigned char b[200]; };\nPERCPU_DEFINE(Odd, pa_odd, {1, 2, 3});\n"
           "PERCPU_DEFINE(unsigned short, pa_short, 7);\n",
    "a128": PERCPU + "struct alignas(128) Line2 { unsigned long hits[3]; };\nPERCPU_DEFINE(Line2, pa_a128, {1, 2, 3});\n",
    "a4096": PERCPU + "struct alignas(4096) Page { unsigned char bytes[100]; };\nPERCPU_DEFINE(Page, pa_a4096, {9});\n",
    # A writable section no script names: the linker places it (orphan placement).
    "orphan": '__attribute__((section(".orphan_rw"), used)) unsigned long orphan_rw[4] = {1, 2, 3, 4};\n',
    # A section the overlap twin places over the last CPU's area.
    "intruder": '__attribute__((section(".intruder"), used)) unsigned long intruder = 1;\n',
    # 70000 bytes of per-CPU data: past AArch64's 64 KiB reach (the reach twin).
    "big": PERCPU + "struct Big { unsigned char b[70000]; };\nPERCPU_DEFINE(Big, pa_big, {1});\n",
}
VARIABLE_SETS = [("vars",), ("vars", "odd"), ("vars", "a128"), ("odd", "a128"), ("vars", "odd", "a4096"),
                 ("a4096",), ("vars", "a128", "a4096")]


def compile_all(root, arches, jobs=2):
    """{arch: {name: object path}}: every source compiled once per architecture."""
    root = Path(root)
    for name, text in SOURCES.items():
        (root / f"{name}.cpp").write_text(text)

    def compile_one(arch, name):
        obj = root / f"{arch}-{name}.o"
        cxx = ARCHES[arch].cxx
        subprocess.run([tool(cxx[0])] + cxx[1:] + FREESTANDING_CFLAGS + CXX_FLAGS
                       + ["-c", str(root / f"{name}.cpp"), "-o", str(obj)], check=True)
        return obj

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {(a, n): pool.submit(compile_one, a, n) for a in arches for n in SOURCES}
        out = {arch: {} for arch in arches}
        for (arch, name), future in futures.items():
            out[arch][name] = future.result()
    return out


def linker_command(arch, linker):
    if linker == "bfd":
        return [tool(ARCHES[arch].gnu_ld)]
    return [tool(LLD[linker])]
