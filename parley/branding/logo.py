"""Which uploads may become the logo: a PNG or an SVG no larger than MAX_LOGO_BYTES, known by
its content, never by its file name.

An SVG is a document that can carry scripts, event handlers and links; a logo needs none.
It is parsed with defusedxml (no DTDs, entities or external references) and refused, with
the reason, when it holds anything beyond shapes, text, gradients and styles. It is also
only ever shown through <img> (which runs nothing) and served with a sandboxing CSP
(parley.branding.views), so a file that slipped past this check still could not run."""

import hashlib
import re
import struct
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from parley.errors import ValidationFailed, shown

MAX_LOGO_BYTES = 256 * 1024
MAX_PNG_SIDE = 4096
PNG = "image/png"
SVG = "image/svg+xml"
EXTENSIONS = {PNG: "png", SVG: "svg"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_ELEMENTS = frozenset(
    """svg g path rect circle ellipse line polyline polygon text tspan textPath defs use
    symbol title desc metadata linearGradient radialGradient stop clipPath mask pattern
    filter feGaussianBlur feOffset feBlend feColorMatrix feComposite feFlood feMerge
    feMergeNode feDropShadow style""".split()
)
# Allowed namespaces besides SVG's: editors' metadata, which never renders.
_FOREIGN_OK = (
    "{http://www.inkscape.org/namespaces/inkscape}",
    "{http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd}",
    "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}",
    "{http://purl.org/dc/elements/1.1/}",
    "{http://creativecommons.org/ns#}",
)
# Anything that could fetch, navigate or run: a url() not pointing inside the file, @import,
# a javascript:/data: URL, an expression.
_UNSAFE_TEXT = re.compile(
    r"url\s*\(\s*(?!['\"]?\s*#)|@import|javascript:|data:|expression\s*\(", re.IGNORECASE
)


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


def _refuse(reason: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"logo {reason}", user_message=message)


def clean_logo(data: bytes) -> Logo:
    """A Logo from uploaded bytes, or ValidationFailed saying what is wrong with it."""
    if not data:
        raise _refuse("empty", "The logo file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise _refuse(
            f"has {len(data)} bytes or more, more than {MAX_LOGO_BYTES}",
            f"The logo file is larger than {MAX_LOGO_BYTES // 1024} KiB; "
            "please use a smaller image.",
        )
    if data.startswith(_PNG_SIGNATURE):
        return _clean_png(data)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        return _clean_svg(data)
    raise _refuse(
        "is neither PNG nor SVG",
        "The logo must be a PNG or SVG image; this file is neither (its content was checked, "
        "not its name).",
    )


def _clean_png(data: bytes) -> Logo:
    # Signature, then the IHDR chunk: length 13, type, width, height (RFC 2083).
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise _refuse("PNG without IHDR", "The logo is not a valid PNG image.")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE):
        raise _refuse(
            f"PNG is {width}×{height}",
            f"The logo is {width}×{height} pixels; each side may be at most {MAX_PNG_SIDE}.",
        )
    return Logo(data=data, content_type=PNG)


def _clean_svg(data: bytes) -> Logo:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse(
            "SVG with a DTD or entities",
            "The SVG logo declares a DOCTYPE or entities, which are not accepted. "
            "Export it again as plain SVG.",
        ) from None
    except (ParseError, ValueError) as error:
        raise _refuse(f"SVG does not parse: {error}", "The logo is not a valid SVG file.") from None
    if root.tag != f"{_SVG_NS}svg":
        raise _refuse(
            f"root element is {shown(root.tag)}", "The logo is not an SVG image (no <svg> root)."
        )
    for element in root.iter():
        _check_element(element)
    return Logo(data=data, content_type=SVG)


def _check_element(element) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if any(tag.startswith(ns) for ns in _FOREIGN_OK):
        return
    name = tag.removeprefix(_SVG_NS)
    if not tag.startswith(_SVG_NS) or name not in _ELEMENTS:
        raise _refuse(
            f"SVG has element {shown(tag)}",
            f"The SVG logo contains <{name.rsplit('}', 1)[-1]}>, which a logo may not have "
            "(scripts, links, embedded pages and external images are refused).",
        )
    if element.text and name == "style" and _UNSAFE_TEXT.search(element.text):
        raise _refuse(
            "SVG style loads something",
            "The SVG logo's styles load an external resource, which is not allowed.",
        )
    for attribute, value in element.attrib.items():
        local = attribute.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):
            raise _refuse(
                f"SVG has event handler {shown(attribute)}",
                f"The SVG logo has an event handler ({local}), which runs code: not allowed.",
            )
        if local == "href" or attribute == _XLINK_HREF:
            if not value.strip().startswith("#"):
                raise _refuse(
                    f"SVG links to {shown(value)}",
                    "The SVG logo links to something outside itself, which is not allowed.",
                )
        elif _UNSAFE_TEXT.search(value):
            raise _refuse(
                f"SVG attribute {shown(attribute)} loads {shown(value)}",
                "The SVG logo refers to an external resource or script, which is not allowed.",
            )
