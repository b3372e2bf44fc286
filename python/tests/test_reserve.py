"""The dynamic per-CPU reserve from Python (docs/dynamic.md): inject(..., reserve=) writes the same
bytes as percpu-ldgen --reserve, bad sizes raise ValueError, and Layout/Report carry the reserve
percpu-check reports (to_dict() follows the JSON)."""
import pytest

import percpu
from conftest import PLAIN_LD


def test_inject_reserve_equals_cli(cli, tmp_path):
    script = tmp_path / "kernel.ld"
    script.write_text(PLAIN_LD)
    done = cli.inject(script, 4, "--reserve", "8K")
    assert done.returncode == 0, done.stderr
    api = percpu.inject(PLAIN_LD, 4, reserve=8192)
    assert api.encode() == done.stdout
    assert percpu.inject_file(script, 4, reserve=8192) == api
    assert "reserve=8192" in api and "_percpu_reserve_size = ABSOLUTE(8192);" in api
    assert "_percpu_reserve" not in percpu.inject(PLAIN_LD, 4)
    assert "_percpu_reserve_size = ABSOLUTE(1024);" in percpu.emit_fragment(2, reserve=1024)


@pytest.mark.parametrize("bad", [(1 << 30) + 1, 1 << 40])
def test_too_big_reserve_is_a_value_error(bad):
    # A usage error (a ValueError) naming the argument as Python spells it, not the CLI's flag.
    with pytest.raises(percpu.UsageError, match=r"^reserve must be between 0 and 1073741824 bytes, not \d+$"):
        percpu.inject(PLAIN_LD, 4, reserve=bad)


@pytest.mark.parametrize("bad", [-1, True, 4.0, "4096", None])
def test_a_reserve_that_is_not_a_byte_count_is_a_usage_error(bad):
    with pytest.raises(percpu.UsageError, match=r"^reserve must be "):
        percpu.inject(PLAIN_LD, 4, reserve=bad)


def test_layout_reports_the_reserve(builder):
    kernel = builder.kernel("x86_64", "gnu", PLAIN_LD, cpus=4, ldgen_args=("--reserve", "4096"))
    report = percpu.check(kernel.elf, cpus=4)
    assert report.ok, [f.message for f in report.findings]
    layout = report.layout
    assert layout.has_reserve and layout.reserve_size == 4096
    assert layout.reserve_offset % 128 == 0 and layout.reserve_offset >= layout.template_size
    assert layout.stride >= layout.reserve_offset + layout.reserve_size
    assert [layout.reserve_address(cpu) for cpu in range(4)] == [a + layout.reserve_offset for a in layout.areas]
    reserve = report.to_dict()["layout"]["reserve"]
    assert reserve == {"offset": layout.reserve_offset, "size": 4096,
                       "addresses": [layout.reserve_address(cpu) for cpu in range(4)]}
    assert percpu.inspect(kernel.elf).reserve_size == 4096


def test_no_reserve_in_layout(plain_kernel):
    layout = percpu.inspect(plain_kernel.elf)
    assert not layout.has_reserve and layout.reserve_size == 0
    assert percpu.check(plain_kernel.elf).to_dict()["layout"]["reserve"] is None
