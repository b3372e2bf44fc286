"""percpu.inspect on ELF files built here, cross-checked against pyelftools (an independent reader)."""

import pytest
from elftools.elf.elffile import ELFFile

import percpu
from conftest import HIGHER_HALF_LD, PLAIN_LD

VARIABLES = {"counter": 8, "cpu_id": 4, "runqueue": 200, "nesting": 2, "name": 13}

# (target, linker, base script): GNU ld and both lld versions, three architectures.
BUILDS = [
    ("x86_64", "gnu", PLAIN_LD),
    ("x86_64", "ld.lld", PLAIN_LD),
    ("x86_64", "ld.lld-19", PLAIN_LD),
    ("x86_64", "gnu", HIGHER_HALF_LD),
    ("x86_64", "ld.lld-19", HIGHER_HALF_LD),
    ("aarch64", "gnu", PLAIN_LD),
    ("aarch64", "ld.lld-19", PLAIN_LD),
    ("riscv64", "gnu", PLAIN_LD),
]


def build_id(build):
    target, linker, base = build
    return f"{target}-{linker}-{'higher' if base is HIGHER_HALF_LD else 'plain'}"


@pytest.fixture(scope="module", params=BUILDS, ids=build_id)
def kernel(request, builder):
    target, linker, base = request.param
    return builder.kernel(target, linker, base, cpus=4)


def elf_truth(path, section_name=".percpu"):
    """What pyelftools reads: the template section and every symbol defined in it."""
    with open(path, "rb") as stream:
        elf = ELFFile(stream)
        section = elf.get_section_by_name(section_name)
        assert section is not None, f"{path} has no {section_name}"
        index = next(i for i, s in enumerate(elf.iter_sections()) if s.name == section_name)
        symtab = elf.get_section_by_name(".symtab")
        in_template = {}
        absolute = {}
        for sym in symtab.iter_symbols():
            if sym["st_shndx"] == index and sym["st_info"]["type"] == "STT_OBJECT":
                in_template[sym.name] = (sym["st_value"] - section["sh_addr"], sym["st_size"])
            if sym.name:
                absolute[sym.name] = sym["st_value"]
        return {
            "type": section["sh_type"],
            "addr": section["sh_addr"],
            "size": section["sh_size"],
            "align": section["sh_addralign"],
            "data": section.data(),
            "variables": in_template,
            "symbols": absolute,
        }


def test_every_percpu_symbol_matches_pyelftools(kernel):
    truth = elf_truth(kernel.elf)
    layout = percpu.inspect(kernel.elf)
    by_symbol = {v.symbol: v for v in layout.variables}
    assert set(truth["variables"]) == set(VARIABLES)
    for symbol, (offset, size) in truth["variables"].items():
        assert symbol in by_symbol, f"inspect() lacks {symbol}"
        assert (by_symbol[symbol].offset, by_symbol[symbol].size) == (offset, size), symbol
    for variable in layout.variables:  # and nothing inspect() reports is missing from the ELF
        if variable.symbol in truth["variables"]:
            continue
        assert variable.symbol in truth["symbols"], variable.symbol
    assert {name: by_symbol[name].size for name in VARIABLES} == VARIABLES
    assert {v.name for v in layout.variables} >= set(VARIABLES)


def test_template_stride_and_areas_match_the_symbols(kernel):
    truth = elf_truth(kernel.elf)
    symbols = truth["symbols"]
    layout = percpu.inspect(kernel.elf)
    assert truth["type"] == "SHT_PROGBITS"
    assert layout.template_size == truth["size"] == symbols["_percpu_load_end"] - symbols["_percpu_load_start"]
    assert layout.template_align == truth["align"] == 128
    assert layout.stride == symbols["_percpu_stride"]
    assert layout.stride % 128 == 0 and layout.stride >= layout.template_size
    assert layout.cpu_count == kernel.cpus
    assert layout.areas_start == symbols["_percpu_start"]
    assert layout.areas_end == symbols["_percpu_end"] == layout.areas_start + layout.stride * kernel.cpus
    assert layout.areas == [layout.areas_start + cpu * layout.stride for cpu in range(kernel.cpus)]
    assert layout.model == "zero" and layout.template_vma == truth["addr"] == 0
    assert layout.kind == "percpu"  # percpu-ldgen's block, not the Rust crate's or the ROM layout
    assert layout.arch  # named, whatever the spelling


def test_address_on_each_cpu_keeps_alignment(kernel):
    layout = percpu.inspect(kernel.elf)
    runqueue = next(v for v in layout.variables if v.name == "runqueue")
    assert runqueue.align >= 128
    for cpu in range(layout.cpu_count):
        assert runqueue.address(cpu) == layout.areas[cpu] + runqueue.offset
        assert runqueue.address(cpu) % 128 == 0


def test_initial_values_are_in_the_template(kernel):
    truth = elf_truth(kernel.elf)
    layout = percpu.inspect(kernel.elf)
    counter = next(v for v in layout.variables if v.name == "counter")
    raw = truth["data"][counter.offset:counter.offset + counter.size]
    byteorder = "little"
    assert int.from_bytes(raw, byteorder) == 0x1122334455667788


def test_to_dict_holds_the_attributes(plain_kernel):
    layout = percpu.inspect(plain_kernel.elf)
    d = layout.to_dict()
    for key in ("cpu_count", "stride", "template_size", "areas", "kind"):
        assert d[key] == getattr(layout, key)
    assert [v["name"] for v in d["variables"]] == [v.name for v in layout.variables]
    assert [v["offset"] for v in d["variables"]] == [v.offset for v in layout.variables]


def test_path_like_arguments(plain_kernel):
    by_path = percpu.inspect(plain_kernel.elf)
    by_str = percpu.inspect(str(plain_kernel.elf))
    by_bytes = percpu.inspect(bytes(plain_kernel.elf))
    assert by_path.to_dict() == by_str.to_dict() == by_bytes.to_dict()
