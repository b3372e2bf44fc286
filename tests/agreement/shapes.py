"""Linker scripts in the shapes real kernels use, drawn from a seeded random.Random: identity-mapped
and higher-half, AT() and AT>, MEMORY with a separate flash/load region or RAM only, PHDRS with
explicit :phdr lists (.bss names :data after the block, or a header of its own; FILEHDR PHDRS in
the first segment),
/DISCARD/, INSERT AFTER, orphan sections, several CPU counts and variable alignments, both address
models. A Case is plain data: its text() is the script before percpu-ldgen."""
from dataclasses import dataclass, field

from objects import ARCHES, VARIABLE_SETS

HIGHER_HALF = 0xffffffff80000000
CPU_COUNTS = (1, 2, 3, 4, 5, 8, 16, 64)
DATA_ALIGNS = ("16", "64", "4K")
# The data statement's patterns: the defect twin "swallowed" makes this one greedy.
DATA_PATTERNS = "*(.data .data.*) *(.sdata .sdata.*)"


@dataclass
class Case:
    index: int
    arch: str
    cpus: int
    vma: str                 # zero | delta
    mapping: str             # identity | higher-half
    memory: str              # none | flash (text in FLASH, data > RAM AT> FLASH) | ram (all > RAM) | load (> VRAM AT> LOAD)
    phdrs: str               # none | plain | filehdr (FILEHDR PHDRS in the first segment) | split (.bss :bss)
    discard: bool
    orphan: bool
    insert: bool             # SECTIONS { .data.extra ... } INSERT AFTER .data (the default script around it)
    data_align: str
    variables: tuple = field(default_factory=tuple)

    def name(self):
        if self.insert:
            shape = "insert"
        else:
            shape = "-".join(p for p in (self.mapping, f"mem-{self.memory}" if self.memory != "none" else "",
                                         f"phdrs-{self.phdrs}" if self.phdrs != "none" else "",
                                         "discard" if self.discard else "") if p)
        return (f"{self.index:05d}-{self.arch}-{shape}-{self.vma}-cpus{self.cpus}-align{self.data_align}"
                f"-{'+'.join(self.variables)}{'-orphan' if self.orphan else ''}")

    def objects(self):
        return ["start"] + list(self.variables) + (["orphan"] if self.orphan else [])

    def text(self):
        return insert_script() if self.insert else kernel_script(self)


def draw(rng, index, arches):
    arch = rng.choice(arches)
    mapping = rng.choice(("identity", "higher-half"))
    memory = rng.choice(("none", "none", "flash", "ram") + (("load",) if mapping == "higher-half" else ()))
    case = Case(index=index, arch=arch, cpus=rng.choice(CPU_COUNTS), vma=rng.choice(("zero", "delta")),
                mapping=mapping, memory=memory, phdrs=rng.choice(("none", "none", "plain", "filehdr")),
                discard=rng.random() < 0.5, orphan=rng.random() < 0.25, insert=rng.random() < 0.06,
                data_align=rng.choice(DATA_ALIGNS), variables=rng.choice(VARIABLE_SETS))
    # Every other plain PHDRS case gives .bss a header of its own (the way out of percpu-ldgen's
    # refusal of a MEMORY block after an unloaded .bss), without another draw: a seed keeps its cases.
    if case.phdrs == "plain" and index % 2:
        case.phdrs = "split"
    return case


def insert_script():
    # An INSERT script augments the linker's default script (a host-style executable).
    return ("SECTIONS\n{\n  .data.extra : { *(.data.extra) }\n}\nINSERT AFTER .data;\n")


def kernel_script(c):
    phys = ARCHES[c.arch].phys
    virt = HIGHER_HALF if c.mapping == "higher-half" else 0
    out = ["ENTRY(_start)\n"]
    if c.memory != "none":
        out.append(memory_block(c, phys, virt))
    if c.phdrs != "none":
        headers = " FILEHDR PHDRS" if c.phdrs == "filehdr" else ""
        bss = "  bss PT_LOAD;\n" if c.phdrs == "split" else ""
        out.append(f"PHDRS\n{{\n  text PT_LOAD{headers};\n  data PT_LOAD;\n{bss}}}\n")
    out.append("SECTIONS\n{\n")
    if c.memory == "none":
        headers = " + SIZEOF_HEADERS" if c.phdrs == "filehdr" else ""
        out.append(f"  . = {virt + phys:#x}{headers};\n")
    statements = [
        (".text", "", "*(.text.boot) *(.text .text.*)", "text", False),
        (".rodata", "ALIGN(4K)", "*(.rodata .rodata.*) *(.srodata .srodata.*)", "text", False),
        (".data", f"ALIGN({c.data_align})", DATA_PATTERNS, "data", False),
        (".bss", "ALIGN(4K)", "*(.sbss .sbss.*) *(.bss .bss.*) *(COMMON)", "data", True),
    ]
    for name, align, patterns, header, zeroed in statements:
        out.append(statement(c, name, align, patterns, header, zeroed, virt))
    out.append("  _end = .;\n")
    if c.discard:
        out.append("  /DISCARD/ : { *(.comment) *(.eh_frame*) *(.note.GNU-stack) }\n")
    out.append("}\n")
    return "".join(out)


def memory_block(c, phys, virt):
    if c.memory == "flash":
        return (f"MEMORY\n{{\n  FLASH (rx) : ORIGIN = {virt + phys:#x}, LENGTH = 16M\n"
                f"  RAM (rwx) : ORIGIN = {virt + phys + 0x4000000:#x}, LENGTH = 64M\n}}\n")
    if c.memory == "ram":
        return f"MEMORY\n{{\n  RAM (rwx) : ORIGIN = {virt + phys:#x}, LENGTH = 128M\n}}\n"
    # load: linked in the higher half, loaded at the physical address (> VRAM AT> LOAD).
    return (f"MEMORY\n{{\n  VRAM (rwx) : ORIGIN = {virt + phys:#x}, LENGTH = 128M\n"
            f"  LOAD (rwx) : ORIGIN = {phys:#x}, LENGTH = 128M\n}}\n")


def statement(c, name, align, patterns, header, zeroed, virt):
    kind = " (NOLOAD)" if zeroed and c.memory != "none" else ""
    at = f" AT(ADDR({name}) - {virt:#x})" if virt and c.memory == "none" else ""
    head = f"  {name}{' ' + align if align else ''}{kind} :{at}"
    region = ""
    if c.memory == "flash":
        region = " > FLASH" if header == "text" else (" > RAM" if zeroed else " > RAM AT> FLASH")
    elif c.memory == "ram":
        region = " > RAM"
    elif c.memory == "load":
        region = " > VRAM" if zeroed else " > VRAM AT> LOAD"
    phdr = f" :{'bss' if zeroed and c.phdrs == 'split' else header}" if c.phdrs != "none" else ""
    return f"{head}\n  {{\n    {patterns}\n  }}{region}{phdr}\n"
