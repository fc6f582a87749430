"""Markdown to safe HTML: markdown-it with raw HTML off, then nh3 as the last word."""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)

_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}}
_ALIGN_CLASSES = {"text-align:left": "align-left", "text-align:center": "align-center",
                  "text-align:right": "align-right"}  # fmt: skip


# Built once: nh3.clean() converts these allow-lists to the sanitiser's own on every call,
# five times the cost of the cleaning itself for a short answer (issue 16).
_cleaner = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    allowed_classes={tag: set(_ALIGN_CLASSES.values()) for tag in ("th", "td")},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def render(text: str) -> str:
    """Sanitised HTML for a model's answer. No script, handler or style survives."""
    tokens = _md.parse(text)
    for token in tokens:
        # A table column's alignment as a class: the pages' CSP allows no style attribute.
        style = token.attrs.pop("style", None) if token.type in ("th_open", "td_open") else None
        if style in _ALIGN_CLASSES:
            token.attrs["class"] = _ALIGN_CLASSES[style]
    html = _md.renderer.render(tokens, _md.options, {})
    return _cleaner.clean(html)
