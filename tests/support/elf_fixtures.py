"""Builds fixture ELFs with real compilers and linkers and reads them with pyelftools.

Shared by the ldgen link tests and the percpu-check fixture tests, so that both describe the
toolchains, the freestanding compile flags and an ELF's load addresses the same way. A missing
tool is an assertion failure (tests fail loudly, never skip)."""
import shutil
import subprocess
from pathlib import Path

# Flags for kernel-like objects: no PIC, no unwind tables or stack protector that would add
# sections the fixture scripts do not place.
FREESTANDING_CFLAGS = ["-O2", "-ffreestanding", "-fno-pic", "-fno-asynchronous-unwind-tables",
                       "-fno-stack-protector"]

# The ld.lld versions installed: lld 14 (Debian 12's default) and lld 19.
LLD = {"lld14": "ld.lld", "lld19": "ld.lld-19"}


def tool(name):
    path = shutil.which(name)
    assert path, f"required tool {name} is missing (run scripts/install-deps)"
    return path


def compile_object(cc, source, obj, extra=()):
    """cc: the compiler command as a list (driver and target flags); C or C++ by the driver."""
    subprocess.run([tool(cc[0])] + list(cc[1:]) + FREESTANDING_CFLAGS + list(extra)
                   + ["-c", str(source), "-o", str(obj)], check=True)
    return obj


def ldgen_inject(ldgen, script, out, cpus, model="zero", extra=()):
    subprocess.run([ldgen, str(script), "--cpus", str(cpus), "--vma", model, "-o", str(out)] + list(extra),
                   check=True)
    return out


def symbols(elf):
    """name -> pyelftools Symbol for every named symbol of .symtab."""
    symtab = elf.get_section_by_name(".symtab")
    assert symtab is not None, "the fixture has no .symtab"
    return {s.name: s for s in symtab.iter_symbols() if s.name}


def load_address(elf, sec):
    """The section's LMA: from the PT_LOAD that holds its file bytes (NOBITS: by address)."""
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD" or seg["p_filesz"] == 0:
            continue
        if seg["p_offset"] <= sec["sh_offset"] < seg["p_offset"] + seg["p_filesz"]:
            return seg["p_paddr"] + (sec["sh_offset"] - seg["p_offset"])
    for seg in elf.iter_segments():
        if seg["p_type"] == "PT_LOAD" and seg["p_vaddr"] <= sec["sh_addr"] < seg["p_vaddr"] + seg["p_memsz"]:
            return seg["p_paddr"] + (sec["sh_addr"] - seg["p_vaddr"])
    return None


def replace_once(text, old, new):
    """Edits a linker script; the edit must apply exactly once, so a changed ldgen output cannot
    turn a deliberately broken fixture into a good one unnoticed."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the script"
    return text.replace(old, new)
