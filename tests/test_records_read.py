"""Reading uploads: type from content, pages kept, every refusal a clear RecordError (never the content)."""

from __future__ import annotations

import codecs
import hashlib
import json

import pytest
from fpdf import FPDF

from oncoguide.config import Settings
from oncoguide.records.model import RecordError
from oncoguide.records.profile import build_profile
from oncoguide.records.read import read_record, safe_name


def pdf(pages: list[str], encrypt: str | None = None, image_only: bool = False) -> bytes:
    """A PDF with one page per text; ``encrypt`` 'user' needs a password to open, 'owner' only restricts; an empty
    text is a page with a picture only (a scanned page)."""
    doc = FPDF()
    doc.set_font("Helvetica", size=11)
    for text in pages:
        doc.add_page()
        if not image_only and text:
            doc.multi_cell(0, 6, text)
        else:
            doc.rect(10, 10, 50, 50, style="F")
    if encrypt == "user":
        doc.set_encryption(owner_password="owner", user_password="secret")
    elif encrypt == "owner":
        doc.set_encryption(owner_password="owner")
    return bytes(doc.output())


def test_multi_page_pdf_keeps_page_offsets() -> None:
    doc = read_record("scan.txt", pdf(["Page one: adenocarcinoma.", "Page two: ALK rearrangement detected.",
                                       "Page three: ECOG 1."]))
    assert doc.kind == "pdf" and [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.text == "Page one: adenocarcinoma.\n\nPage two: ALK rearrangement detected.\n\nPage three: ECOG 1."
    for page in doc.pages:  # each page's span is exactly its text; pages are joined by a blank line
        assert doc.text[page.start:page.end].startswith(f"Page {['one', 'two', 'three'][page.number - 1]}")
    assert [doc.text[p.end:p.end + 2] for p in doc.pages[:-1]] == ["\n\n", "\n\n"]
    assert doc.page_of(doc.text.index("ALK rearrangement")) == 2
    assert doc.page_of(doc.text.index("adenocarcinoma")) == 1 and doc.page_of(len(doc.text)) == 3


def test_a_scanned_page_among_text_pages_shifts_no_page_number() -> None:
    doc = read_record("mixed.pdf", pdf(["Page one: adenocarcinoma.", "", "Page three: ALK rearrangement detected."]))
    assert [p.number for p in doc.pages] == [1, 2, 3] and doc.pages[1].start == doc.pages[1].end
    assert doc.page_of(doc.text.index("ALK rearrangement")) == 3
    p = build_profile([doc])
    assert [(b.name, b.result, b.evidence.page) for b in p.biomarkers] == [("ALK", "positive", 3)]


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("report.pdf", b"Plain text report: EGFR negative.", "text"),
    ("bundle.pdf", json.dumps({"resourceType": "Bundle", "entry": []}).encode(), "fhir"),
    ("patient.txt", b'  {"resourceType": "Patient", "id": "p1"}', "fhir"),
    ("oru.txt", b"MSH|^~\\&|LAB|||||ORU^R01|1|P|2.5.1\rOBX|1|ST|x||y", "hl7v2"),
    ("oru.pdf", codecs.BOM_UTF8 + b"MSH|^~\\&|LAB|||||ORU^R01|1|P|2.5.1\r", "hl7v2"),
    ("bom.txt", codecs.BOM_UTF8 + b"ER positive", "text"),
    ("utf16.txt", "ER positive, 95%".encode("utf-16"), "text"),
    ("utf16be.txt", codecs.BOM_UTF16_BE + "PR 40%".encode("utf-16-be"), "text"),
    ("notes.json", pdf(["EGFR L858R"]), "pdf"),
])
def test_type_comes_from_the_content(name: str, data: bytes, kind: str) -> None:
    doc = read_record(name, data)
    assert doc.kind == kind and doc.text.strip()
    assert doc.pages and doc.pages[0].start == 0


def test_text_kinds_keep_their_text() -> None:
    fhir = json.dumps({"resourceType": "Observation", "id": "o1"})
    doc = read_record("o.json", fhir.encode())
    assert doc.text == fhir and doc.fhir == {"resourceType": "Observation", "id": "o1"}
    assert read_record("b.txt", codecs.BOM_UTF8 + b"ER positive").text == "ER positive"  # BOM dropped
    assert read_record("u.txt", "Ki-67 20%".encode("utf-16")).text == "Ki-67 20%"
    hl7 = b"MSH|^~\\&|LAB\rPID|1\r"
    assert read_record("m.hl7", hl7).text == hl7.decode()  # segment separators kept as they are


@pytest.mark.parametrize("sep", ["\n", "\r\n", "\r"])
def test_every_line_ending_keeps_sections_and_findings(sep: str) -> None:
    text = sep.join(["FAMILY HISTORY:", "Mother had breast cancer, ER positive.", "DIAGNOSIS:",
                     "Lung adenocarcinoma. ALK negative."])
    doc = read_record("note.txt", text.encode())
    assert "\r" not in doc.text
    p = build_profile([doc])
    assert p.cancer.cancer_id == "lung-adenocarcinoma"
    assert [(b.name, b.result) for b in p.biomarkers] == [("ALK", "negative")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text(codec: str) -> None:
    doc = read_record("note.txt", "Lung adenocarcinoma.\r\nALK negative.".encode(codec))
    assert doc.kind == "text" and doc.text == "Lung adenocarcinoma.\nALK negative."


def test_document_id_defaults_to_a_short_hash_of_the_bytes() -> None:
    data = b"EGFR negative."
    assert read_record("a.txt", data).id == hashlib.sha256(data).hexdigest()[:16]
    assert read_record("a.txt", data, document_id="doc-1").id == "doc-1"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "upload.bin: the file is empty"),
    (b"   \n\t ", "upload.bin: the file is empty"),
    (b"caf\xe9 ALK", "upload.bin: not UTF-8 text (byte 3); save it as UTF-8 or PDF"),
    (b"\x00\x01\x02binary", "upload.bin: a binary file, not a PDF, text, FHIR JSON or HL7 record"),
    (b"%PDF-1.4 broken", "upload.bin: not a readable PDF (damaged, incomplete or an unsupported variant)"),
    (b'{"name": "not fhir"}', "upload.bin: JSON but not FHIR (no resourceType); upload a FHIR R4 resource or Bundle"),
    (b'[{"resourceType": "Patient"}]',
     "upload.bin: JSON but not FHIR (no resourceType); upload a FHIR R4 resource or Bundle"),
    (b'{"resourceType": "Bundle", ',
     "upload.bin: not valid JSON (Expecting property name enclosed in double quotes at line 1, column 28)"),
    (b"[" * 100 + b"]" * 100, "upload.bin: JSON nested 100 levels deep; the limit is 64"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
     "upload.bin: an XML or HTML file; records are read from PDF, text, FHIR JSON or HL7 v2 (save the page as PDF "
     "or text)"),
    (b"<!doctype html><html><body>ALK positive</body></html>",
     "upload.bin: an XML or HTML file; records are read from PDF, text, FHIR JSON or HL7 v2 (save the page as PDF "
     "or text)"),
])
def test_bad_files_get_a_specific_error(data: bytes, message: str) -> None:
    with pytest.raises(RecordError) as info:
        read_record("upload.bin", data)
    assert str(info.value) == message


def test_scanned_and_encrypted_pdfs() -> None:
    with pytest.raises(RecordError) as scanned:
        read_record("scan.pdf", pdf(["x", "y"], image_only=True))
    assert str(scanned.value) == ("scan.pdf: the PDF has no text layer (a scan?); OCR is not installed, so upload a "
                                  "text PDF or type the report into a text file")
    with pytest.raises(RecordError) as locked:
        read_record("locked.pdf", pdf(["secret"], encrypt="user"))
    assert str(locked.value) == "locked.pdf: the PDF is password-protected; save an unprotected copy"
    # restrictions without an open password: the PDF opens like any other
    assert "ALK negative" in read_record("restricted.pdf", pdf(["ALK negative."], encrypt="owner")).text


def test_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONCOGUIDE_RECORDS__MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("ONCOGUIDE_RECORDS__MAX_PAGES", "2")
    monkeypatch.setenv("ONCOGUIDE_RECORDS__MAX_JSON_DEPTH", "5")
    settings = Settings()
    with pytest.raises(RecordError) as big:
        read_record("big.txt", b"a" * (1024 * 1024 + 1), settings=settings)
    assert str(big.value) == "big.txt: larger than the 1 MiB limit"
    huge = b'{"resourceType": "Bundle", "entry": [' + b'{"x": 1},' * 120_000 + b'{"x": 1}]}'
    with pytest.raises(RecordError) as big_json:
        read_record("bundle.json", huge, settings=settings)
    assert str(big_json.value) == "bundle.json: larger than the 1 MiB limit"
    with pytest.raises(RecordError) as long:
        read_record("long.pdf", pdf(["a", "b", "c"]), settings=settings)
    assert str(long.value) == "long.pdf: 3 pages; the limit is 2"
    deep = b'{"resourceType": "Bundle", "a": {"b": {"c": {"d": {"e": {}}}}}}'
    with pytest.raises(RecordError) as nested:
        read_record("deep.json", deep, settings=settings)
    assert str(nested.value) == "deep.json: JSON nested 6 levels deep; the limit is 5"
    # brackets inside strings are not nesting
    flat = json.dumps({"resourceType": "Bundle", "note": "[[[[[[[[{{{{{{"}).encode()
    assert read_record("flat.json", flat, settings=settings).kind == "fhir"
    assert read_record("ok.pdf", pdf(["a", "b"]), settings=settings).kind == "pdf"


def test_error_messages_never_quote_the_content() -> None:
    secret = b'{"patient": "Jane Doe SSN 123-45-6789"}'
    for data in (secret, secret + b"\xff", b"Jane Doe \xff\xfe 123-45-6789"):
        with pytest.raises(RecordError) as info:
            read_record("x.json", data)
        assert "Jane" not in str(info.value) and "123" not in str(info.value)


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\report.pdf", "report.pdf"), ("..", "record"),
    ("a\x00b.txt", "ab.txt"), (".hidden.txt", "hidden.txt"), ("x" * 300, "x" * 120), ("", "record"),
    ("/var/tmp/../../report.txt", "report.txt"), ("..\\..\\windows\\system.ini", "system.ini"),
])
def test_file_names_lose_their_folders(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_read_record_keeps_only_the_base_name() -> None:
    doc = read_record("../../../etc/cron.d/report.txt", b"EGFR negative.")
    assert doc.name == "report.txt"
    with pytest.raises(RecordError) as info:
        read_record("../secret/../empty.txt", b"")
    assert str(info.value) == "empty.txt: the file is empty"


def test_an_extractors_record_error_reaches_the_user(monkeypatch: pytest.MonkeyPatch) -> None:
    from oncoguide.records import service
    from oncoguide.text.pdf import CpuBudget

    def refuse(doc):  # type: ignore[no-untyped-def]
        raise RecordError(f"{doc.name} is not an HL7 v2 message: bad MSH delimiters")

    monkeypatch.setattr(service, "extract_document", refuse)
    doc, profile, why = service.read_one("x.hl7", b"MSH|^~\\&|A|B\rOBX|1|TX|x||y", "r1", Settings(), CpuBudget(10))
    assert (doc, profile, why) == (None, None, "x.hl7 is not an HL7 v2 message: bad MSH delimiters")
