"""HTML: headings h1-h6 make the section path; paragraphs and list items give the text."""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from oncoguide.domain.corpus import Document, IngestError, Section
from oncoguide.text.segment import normalize_space

_SKIP = "script, style, nav, footer, header, noscript, form, aside, svg"
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dd, dt, td, th, blockquote, pre"


def load_html(path: Path, text: str, content_hash: str) -> Document:
    tree = HTMLParser(text)
    for node in tree.css(_SKIP):
        node.decompose()
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = normalize_space(title_node.text()) if title_node else ""
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    buf: list[str] = []

    def flush() -> None:
        body = "\n\n".join(buf).strip()
        if body:
            sections.append(Section(path=tuple(h for _, h in stack), text=body))
        buf.clear()

    root = tree.body or tree.root
    if root is None:
        raise IngestError(str(path), "HTML has no body")
    for node in root.css(_BLOCKS):
        if node.tag in {"li", "p", "td", "th", "dd", "dt"} and _inside_block(node):
            continue
        content = normalize_space(node.text(separator=" "))
        if not content:
            continue
        tag = node.tag or ""
        if tag[:1] == "h" and tag[1:].isdigit():
            flush()
            level = int(tag[1:])
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, content))
        else:
            buf.append(("- " if node.tag == "li" else "") + content)
    flush()
    if not sections:
        raise IngestError(str(path), "HTML has no readable text")
    return Document(
        id=path.stem, title=title or path.stem, kind="html", source_path=str(path),
        content_hash=content_hash, sections=sections,
    )


def _inside_block(node: object) -> bool:
    """True when an enclosing p/li already carries this node's text."""
    parent = getattr(node, "parent", None)
    while parent is not None:
        if parent.tag in {"li", "p", "blockquote"}:
            return True
        parent = parent.parent
    return False
