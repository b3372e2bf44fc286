"""The other direction: each class of silent failure as a defective twin of a case that passed.
The twin edits percpu-ldgen's output (or the inputs, or --cpus) the way a person or a stale script
would, links with exit 0 and must fail EXACTLY its rule. A twin whose edit does not apply to the
case's shape is not generated; one whose defect the file does not carry is counted as skipped."""
import re
from dataclasses import dataclass, field

from shapes import DATA_PATTERNS


@dataclass
class Twin:
    kind: str
    rules: set
    text: str
    objects: list = field(default_factory=list)  # extra object names
    link_flags: list = field(default_factory=list)
    cpus: int = 0                                # the --cpus to check with (0: the case's)


GREEDY = "*(.data .data.* .p*) *(.sdata .sdata.*)"
STRIDE = "MAX(64, ALIGNOF(.percpu))))"
END_MARKER = "/* percpu-ldgen: end */"


def noload(case, text):
    edited, n = re.subn(r"(?m)^(\s*\.percpu(?:\s+[^\s:(][^:\n]*?)?)\s*:", r"\1 (NOLOAD) :", text, count=1)
    return Twin("noload-template", {"template.progbits"}, edited) if n == 1 else None


def swallowed(case, text):
    if case.insert or text.count(DATA_PATTERNS) != 1:
        return None
    return Twin("greedy-pattern", {"variables.swallowed"}, text.replace(DATA_PATTERNS, GREEDY))


def wrong_cpus(case, text):
    return Twin("wrong-cpu-count", {"cpus.count"}, text, cpus=case.cpus + 1)


def stride_64(case, text):
    # Over-aligned variables with the stride rounded to 64 only (the Rust crate's rule): a CPU above
    # 0 gets a misaligned copy. Whether this template's stride is then a wrong multiple is read
    # from the linked file (runner: carries_defect).
    if not {"a128", "a4096"} & set(case.variables) or case.cpus < 2 or text.count(STRIDE) != 1:
        return None
    extra = [] if "odd" in case.variables else ["odd"]  # an odd size, so that 64-rounding misaligns
    twin = text.replace(STRIDE, "64))")
    # ldgen's INSERT form spells the stride out in the areas' size too: round it to 64 there as
    # well, so that the areas stay a whole number of (wrong) strides and only the alignment fails.
    twin = twin.replace("MAX(64, ALIGNOF(.percpu))", "64")
    return Twin("stride-64-overaligned", {"stride.alignment"}, twin, objects=extra)


def missing_symbol(case, text):
    if text.count("_percpu_end = .;") != 1:
        return None
    return Twin("missing-end-symbol", {"symbols.present"}, text.replace("_percpu_end = .;", ""))


def overlap(case, text):
    # A section over the last CPU's area; both linkers refuse that unless --no-check-sections.
    if case.insert or case.memory != "none" or case.phdrs != "none" or text.count(END_MARKER) != 1:
        return None
    virt = 0xffffffff80000000 if case.mapping == "higher-half" else 0
    intruder = f"\n  .intruder (_percpu_end - 64) : AT(_percpu_end - 64 - {virt:#x}) {{ KEEP(*(.intruder)) }}"
    return Twin("section-over-areas", {"areas.no_overlap"}, text.replace(END_MARKER, END_MARKER + intruder),
                objects=["intruder"], link_flags=["--no-check-sections"])


def reach(case, text):
    # 70000 bytes of per-CPU data: past the 64 KiB AArch64's movz #:abs_g0: reaches (today's
    # per-architecture default; the rule id is asserted, not the message).
    if case.arch != "aarch64" or case.vma != "zero":
        return None
    return Twin("past-reach", {"reach.arch"}, text, objects=["big"])


TWINS = (noload, swallowed, wrong_cpus, stride_64, missing_symbol, overlap, reach)


def twin_for(case, text):
    """The case's twin: the kind rotates with the case index; when it does not apply to the case's
    shape, the next kind that does."""
    for step in range(len(TWINS)):
        twin = TWINS[(case.index + step) % len(TWINS)](case, text)
        if twin:
            return twin
    return None
