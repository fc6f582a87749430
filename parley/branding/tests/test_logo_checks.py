"""A logo is a PNG or an SVG of at most 256 KiB, known by its content; an SVG that could run
code, fetch something or expand entities is refused with the reason."""

import struct
import zlib

import pytest

from parley.branding.logo import MAX_LOGO_BYTES, clean_logo
from parley.errors import ValidationFailed


def png(width=2, height=2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#f60"/></linearGradient></defs>'
    b'<rect width="10" height="10" fill="url(#g)"/><text x="1" y="8">A</text></svg>'
)


def refused(data: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        clean_logo(data)
    return caught.value.user_message


def test_a_plain_svg_and_a_png_are_accepted_with_their_type():
    assert clean_logo(SVG).content_type == "image/svg+xml"
    assert clean_logo(png()).content_type == "image/png"
    assert clean_logo(b'<?xml version="1.0"?>\n' + SVG).content_type == "image/svg+xml"


def test_the_digest_names_the_content():
    assert clean_logo(SVG).digest != clean_logo(png()).digest
    assert len(clean_logo(SVG).digest) == 16


@pytest.mark.parametrize(
    ("svg", "said"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>', "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns='
            b'"http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject></svg>',
            "<foreignObject>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<a x:href="javascript:alert(1)"><rect/></a></svg>',
            "<a>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="https://evil.example/x.svg#a"/></svg>',
            "links to something outside",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/t.png"/>'
            b"</svg>",
            "<image>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/'
            b"x.css);</style></svg>",
            "external resource",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url( \'https://evil.example/'
            b"#a')\"/></svg>",
            "external resource",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" '
            b'to="javascript:alert(1)"/></svg>',
            "<set>",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            "DOCTYPE",
        ),
        (b"<svg><script>alert(1)</script></svg>", "no <svg> root"),
        (b"<html><body><svg/></body></html>", "neither"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not a valid SVG"),
    ],
)
def test_an_svg_that_could_run_or_fetch_something_is_refused(svg, said):
    assert said in refused(svg)


def test_a_logo_over_256_kib_is_refused_whatever_it_is():
    padding = b"<!--" + b"x" * MAX_LOGO_BYTES + b"-->"
    big_svg = SVG.replace(b"</svg>", padding + b"</svg>")
    assert "larger than 256 KiB" in refused(big_svg)
    assert "larger than 256 KiB" in refused(png() + b"\x00" * MAX_LOGO_BYTES)


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00",
        b"\xff\xd8\xff\xe0JFIF",
        b"MZ\x90\x00 this is an executable",
        b"%PDF-1.7",
        b'{"svg": true}',
    ],
)
def test_anything_but_png_or_svg_is_refused_by_its_content(data):
    assert "PNG or SVG" in refused(data)


def test_an_empty_file_and_a_broken_or_huge_png_are_refused():
    assert "empty" in refused(b"")
    assert "not a valid PNG" in refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert "at most 4096" in refused(png(width=100_000, height=1))
