"""Disagreements the property test knows of, each owned by a fix in flight (issue 11). A known
disagreement is printed with its owner and does not fail the run unless --strict; an entry that
no disagreement matched any more is printed too, so it is removed when its fix lands. Keep this
list short and true: every entry names who fixes it and why it happens."""
import re

# (owner, what the disagreement line matches, why)
KNOWN = [
    ("models", r"-mem-(flash|ram|load)-.*percpu-check exit 1: .*(areas\.start_is_load_address|segments\.)",
     "MEMORY scripts with a flash/load region or RAM only: percpu-check's load-address model is the "
     "plain one (issue 11, the ROM/flash model)"),
    ("models", r"-mem-(flash|ram|load)-.*ldgen's script fails to link.*(not within region|output file too large)",
     "MEMORY scripts: percpu-ldgen's areas or the next section leave the region (issue 11, the ROM/flash model)"),
    ("ldgen", r"ldgen's script fails to link.*could not allocate headers",
     "FILEHDR PHDRS in the first segment with a VMA-0 template: lld cannot place the ELF headers below "
     "address 0 (docs/ldgen.md, surprises); percpu-ldgen should refuse --vma zero there or use delta"),
    ("ldgen", r"phdrs-filehdr-.*\[bfd\]: ldgen's script fails to link.*overlaps section \.percpu",
     "higher-half FILEHDR PHDRS with a VMA-0 template: GNU ld puts .text in the headers' segment at VMA 0"),
    ("ldgen", r"-insert-.*\[lld14\]: ldgen's script fails to link.*unable to move location counter backward for: \.percpu\.areas",
     "INSERT scripts with ld.lld 14: the areas' '. +=' is evaluated backwards (the lld 19 convergence fix)"),
    ("ldgen", r"-insert-.*-cpus1-.*\[bfd\]: percpu-check exit 1: segments\.next_load_address",
     "INSERT scripts, 1 CPU, GNU ld: the empty .percpu.areas is dropped, so its AT() no longer restates the "
     "load address of the default script's .bss, which inherits the VMA-0 template's"),
    ("ldgen", r"-insert-.*areas\.no_overlap: .*\(\.percpu\.pad",
     "INSERT scripts: the empty .percpu.pad starts the areas' segment at CPU 0's area, whose "
     "zero-fill covers the template's image"),
]


def owner_of(line):
    for owner, pattern, why in KNOWN:
        if re.search(pattern, line):
            return owner, why
    return None


def unmatched(lines):
    return [(owner, why) for owner, pattern, why in KNOWN if not any(re.search(pattern, line) for line in lines)]
