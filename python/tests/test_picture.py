"""Layout.to_svg() and Report.to_html(): the same picture as `percpu-check --format svg|html`
(one C++ function behind both), parsed as XML; the picture itself is tested in
tests/checker/fixtures/test_picture.py."""
import xml.etree.ElementTree as ET

import percpu
from conftest import run_ok

SVG = "{http://www.w3.org/2000/svg}"


def test_to_svg_is_the_clis_svg(cli, plain_kernel):
    svg = percpu.inspect(plain_kernel.elf).to_svg()
    assert svg == run_ok([cli.check, str(plain_kernel.elf), "--format", "svg"]).stdout.decode()
    root = ET.fromstring(svg)
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g") if g.get("class", "").startswith("var")]
    names = [v.name for v in percpu.inspect(plain_kernel.elf).variables]
    assert sorted(t.split(": offset ")[0] for t in titles) == sorted(names)


def test_to_html_is_the_clis_html(cli, plain_kernel):
    page = percpu.check(plain_kernel.elf, cpus=4).to_html()
    assert page == run_ok([cli.check, str(plain_kernel.elf), "--cpus", "4", "--format", "html"]).stdout.decode()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
