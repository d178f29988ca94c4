"""Builders of hostile files for the tests: PDF bombs, zip bombs, billion laughs, deeply nested JSON."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from bench.hostile_upload import assemble_pdf
from fastapi.routing import APIRoute
from fpdf import FPDF

from oncoguide.config import Settings
from oncoguide.web.app import create_app


def raw_pdf(content: bytes, pages: int = 1) -> bytes:
    """A minimal PDF whose ``pages`` pages all draw the same Flate-compressed ``content`` stream."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{6 + i} 0 R" for i in range(pages)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            b"<< >>", b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
             b"/Resources << /Font << /F1 5 0 R >> >> >>"] * pages
    return assemble_pdf(objs)


def pdf_bomb(unpacked_mb: int = 300) -> bytes:
    """A ~300 KB PDF whose one page unpacks to ``unpacked_mb`` MiB of drawing instructions."""
    return raw_pdf(b"BT /F1 12 Tf 72 712 Td (ALK positive) Tj ET\n" + b" " * (unpacked_mb * 2**20))


def shared_stream_bomb(pages: int = 150, mb: int = 1) -> bytes:
    """Many pages drawing one shared stream of ``mb`` MiB: small file, huge total work."""
    return raw_pdf(b"BT /F1 12 Tf 72 712 Td (ALK positive) Tj ET\n" + b" " * (mb * 2**20), pages=pages)


def many_pages(n: int) -> bytes:
    doc = FPDF()
    doc.set_font("Helvetica", size=8)
    for i in range(n):
        doc.add_page()
        doc.cell(0, 5, f"page {i + 1}")
    return bytes(doc.output())


def zip_bomb(mb: int = 200) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.txt", b"0" * (mb * 2**20))
    return buf.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<lolz>&lol9;</lolz>
"""


def nested_json(depth: int) -> bytes:
    return b'{"resourceType": "Bundle", "entry": ' + b"[" * depth + b"]" * depth + b"}"


def app_routes(settings: Settings) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (routers included), from the app itself."""

    def walk(routes: list[object], prefix: str = "") -> Iterator[tuple[str, str]]:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI's included router
                yield from walk(r.original_router.routes, prefix + (getattr(r.include_context, "prefix", "") or ""))
            elif isinstance(r, APIRoute):
                yield from ((m, prefix + r.path) for m in r.methods)

    return set(walk(create_app(settings).routes))
