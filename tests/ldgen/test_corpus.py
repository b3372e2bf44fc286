"""The corpus: linker scripts in the shapes real projects ship (tests/ldgen/corpus/, written for
this project). Each is linked as it is with every linker for its architecture; the injected
script must then link with every linker that accepted the original, a re-run must give the same
bytes, and percpu-check must pass on every linked result.
Environment: PERCPU_LDGEN, PERCPU_CHECK."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from elf_fixtures import FREESTANDING_CFLAGS, tool  # noqa: E402

CORPUS = HERE / "corpus"
LDGEN = os.environ.get("PERCPU_LDGEN")
CHECK = os.environ.get("PERCPU_CHECK")
CPUS = 4

# arch -> (compiler command, linkers)
ARCHES = {
    "x86_64": (["gcc", "-mcmodel=large"], ["ld", "ld.lld", "ld.lld-19"]),
    "aarch64": (["aarch64-linux-gnu-gcc"], ["aarch64-linux-gnu-ld", "ld.lld", "ld.lld-19"]),
    "riscv64": (["riscv64-linux-gnu-gcc", "-mcmodel=medany", "-mno-relax"], ["riscv64-linux-gnu-ld", "ld.lld", "ld.lld-19"]),
    # No GNU ld for bare-metal ARM in Debian 12: lld only.
    "thumbv7m": (["clang-19", "--target=thumbv7m-none-eabi"], ["ld.lld", "ld.lld-19"]),
}
# script -> (arch, extra linker flags)
SCRIPTS = {
    "x86_64-higher-half-phdrs.ld": ("x86_64", []),
    "arm64-at-align.ld": ("aarch64", []),
    "riscv64-sbi-payload.ld": ("riscv64", []),
    "cortex-m-flash-ram.ld": ("thumbv7m", []),
    "kernel-template.lds.S": ("x86_64", []),
    "insert-after-data.ld": ("x86_64", ["-static"]),
    "overlay-discard.ld": ("x86_64", []),
}


@pytest.fixture(scope="module")
def objects(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus-obj")
    objs = {}
    for arch, (cc, _) in ARCHES.items():
        objs[arch] = out / f"{arch}.o"
        subprocess.run([tool(cc[0]), *cc[1:], *FREESTANDING_CFLAGS, "-c", str(HERE / "percpu_vars.c"), "-o",
                        str(objs[arch])], check=True)
    return objs


def ldgen(script, out, model):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    r = subprocess.run([LDGEN, str(script), "--cpus", str(CPUS), "--vma", model, "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


def preprocess(template, out):
    """What a kernel build does with a .lds.S (docs/ldgen.md, cpp templates)."""
    subprocess.run([tool("cpp"), "-P", "-undef", "-D__ASSEMBLY__", "-DCONFIG_X86_64", "-I", str(CORPUS / "include"),
                    str(template), "-o", str(out)], check=True)
    return out


def link(linker, script, obj, out, extra):
    return subprocess.run([tool(linker), *extra, "-T", str(script), str(obj), "-o", str(out)],
                          capture_output=True, text=True)


def test_the_corpus_has_every_shape():
    assert sorted(SCRIPTS) == sorted(p.name for p in CORPUS.iterdir() if p.is_file())


# Flash at address 0 leaves no room for the template at VMA 0: ldgen refuses and says what to pass.
REFUSED = {("cortex-m-flash-ram.ld", "zero"): "pass --vma delta"}


@pytest.mark.parametrize("model", ["zero", "delta"])
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_corpus_script(tmp_path, objects, name, model):
    arch, extra = SCRIPTS[name]
    source = CORPUS / name
    if (name, model) in REFUSED:
        r = subprocess.run([LDGEN, str(source), "--cpus", str(CPUS), "--vma", model], capture_output=True, text=True)
        assert r.returncode == 2 and REFUSED[name, model] in r.stderr and r.stdout == ""
        return
    template = name.endswith(".lds.S")
    injected = tmp_path / ("injected" + source.suffix)
    first = ldgen(source, injected, model)
    # A re-run, on the original and on ldgen's own output, gives the same bytes.
    assert ldgen(source, tmp_path / "again", model) == first
    assert ldgen(injected, tmp_path / "rerun", model) == first
    original, result = source, injected
    if template:
        original = preprocess(source, tmp_path / "original.ld")
        result = preprocess(injected, tmp_path / "result.ld")
    accepted = []
    for linker in ARCHES[arch][1]:
        if link(linker, original, objects[arch], tmp_path / "original.elf", extra).returncode == 0:
            accepted.append(linker)
    assert accepted, "no linker accepts the corpus script as it is"
    print(name, model, "accepted by", accepted)
    for linker in accepted:
        elf = tmp_path / f"{linker}.elf"
        r = link(linker, result, objects[arch], elf, extra)
        assert r.returncode == 0, (linker, r.stderr)
        assert CHECK and Path(CHECK).is_file(), "set PERCPU_CHECK to the built percpu-check"
        check = subprocess.run([CHECK, str(elf), "--cpus", str(CPUS), "-q"], capture_output=True, text=True)
        assert check.returncode == 0, (linker, check.stdout + check.stderr)
