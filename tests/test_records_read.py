"""Reading uploads: type from content, pages kept, every refusal a clear RecordError (never the content)."""

from __future__ import annotations

import codecs
import json

import pytest
from fpdf import FPDF

from oncoguide.config import Settings
from oncoguide.records.model import RecordError
from oncoguide.records.read import read_record, safe_name


def pdf(pages: list[str], encrypt: bool = False, image_only: bool = False) -> bytes:
    doc = FPDF()
    doc.set_font("Helvetica", size=11)
    for text in pages:
        doc.add_page()
        if not image_only:
            doc.multi_cell(0, 6, text)
        else:
            doc.rect(10, 10, 50, 50, style="F")
    if encrypt:
        doc.set_encryption(owner_password="owner", user_password="secret")
    return bytes(doc.output())


def test_multi_page_pdf_keeps_page_offsets() -> None:
    doc = read_record("scan.txt", pdf(["Page one: adenocarcinoma.", "Page two: ALK rearrangement detected."]))
    assert doc.kind == "pdf" and [p.number for p in doc.pages] == [1, 2]
    at = doc.text.index("ALK rearrangement")
    assert doc.page_of(at) == 2 and doc.page_of(doc.text.index("adenocarcinoma")) == 1


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("report.pdf", b"Plain text report: EGFR negative.", "text"),
    ("bundle.pdf", json.dumps({"resourceType": "Bundle", "entry": []}).encode(), "fhir"),
    ("oru.txt", b"MSH|^~\\&|LAB|||||ORU^R01|1|P|2.5.1\rOBX|1|ST|x||y", "hl7v2"),
    ("bom.txt", codecs.BOM_UTF8 + b"ER positive", "text"),
    ("utf16.txt", "ER positive, 95%".encode("utf-16"), "text"),
])
def test_type_comes_from_the_content(name: str, data: bytes, kind: str) -> None:
    doc = read_record(name, data)
    assert doc.kind == kind and doc.text.strip()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"   \n\t ", "the file is empty"),
    (b"caf\xe9 ALK", "not UTF-8 text"),
    (b"\x00\x01\x02binary", "a binary file"),
    (b"%PDF-1.4 broken", "not a readable PDF"),
    (b'{"name": "not fhir"}', "JSON but not FHIR"),
    (b'{"resourceType": "Bundle", ', "not valid JSON"),
    (b"[" * 100 + b"]" * 100, "nested 100 levels deep"),
])
def test_bad_files_get_a_specific_error(data: bytes, message: str) -> None:
    with pytest.raises(RecordError, match=message) as info:
        read_record("upload.bin", data)
    assert str(info.value).startswith("upload.bin:")


def test_scanned_and_encrypted_pdfs() -> None:
    with pytest.raises(RecordError, match="no text layer"):
        read_record("scan.pdf", pdf(["x"], image_only=True))
    with pytest.raises(RecordError, match="password-protected"):
        read_record("locked.pdf", pdf(["secret"], encrypt=True))


def test_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONCOGUIDE_RECORDS__MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("ONCOGUIDE_RECORDS__MAX_PAGES", "2")
    settings = Settings()
    with pytest.raises(RecordError, match="larger than the 1 MiB limit"):
        read_record("big.txt", b"a" * (1024 * 1024 + 1), settings=settings)
    with pytest.raises(RecordError, match="3 pages; the limit is 2"):
        read_record("long.pdf", pdf(["a", "b", "c"]), settings=settings)


def test_error_messages_never_quote_the_content() -> None:
    with pytest.raises(RecordError) as info:
        read_record("x.json", b'{"patient": "Jane Doe SSN 123-45-6789"}')
    assert "Jane" not in str(info.value) and "123" not in str(info.value)


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\report.pdf", "report.pdf"), ("..", "record"),
    ("a\x00b.txt", "ab.txt"), (".hidden.txt", "hidden.txt"), ("x" * 300, "x" * 120),
])
def test_file_names_lose_their_folders(name: str, safe: str) -> None:
    assert safe_name(name) == safe
