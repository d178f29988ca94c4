"""Ingestion through the real loaders into a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from oncoguide.config import Settings
from oncoguide.ingest.load import load_file
from oncoguide.ingest.model import IngestError
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store

GUIDE = """---
id: test-guide
title: "ALK guide"
cancer_types: [nsclc]
version: "1.0"
last_reviewed: 2026-11-01
sources:
  - id: fda
    title: "A label"
    publisher: FDA
    year: 2024
---
## ALK-positive lung cancer
### What ALK-positive means
<!-- sources: fda -->
ALK-positive lung cancer has a gene change called an ALK fusion. The fusion makes a protein that drives growth.

- Alectinib (Alecensa) blocks the ALK protein.
- Lorlatinib (Lorbrena) is another ALK drug.

### Questions to ask
<!-- sources: fda -->
- Which ALK drug fits my situation?
"""


def make_pdf(path: Path, pages: list[str], title: str = "Test PDF") -> Path:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
        else:
            pdf.rect(20, 20, 50, 50)
    pdf.output(str(path))
    return path


def run(paths: list[Path], settings: Settings) -> tuple[Store, object]:
    store = Store(settings.db_url)
    return store, ingest(paths, store, settings)


def test_markdown_sections_sources_and_passages(tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "guide.md"
    f.write_text(GUIDE)
    store, report = run([f], settings)
    assert report.added == ["test-guide"] and not report.errors
    doc = store.document("test-guide")
    assert doc is not None and doc.title == "ALK guide" and doc.version == "1.0" and doc.year == 2026
    assert doc.sources[0]["title"] == "A label"
    passages = store.passages()
    assert passages[0].section_path == ("ALK-positive lung cancer", "What ALK-positive means")
    assert passages[0].source_ids == ("fda",)
    text = " ".join(p.text for p in passages)
    assert "Alectinib (Alecensa) blocks the ALK protein." in text
    assert "sources:" not in text and "<!--" not in text
    assert passages[-1].section_path[-1] == "Questions to ask"


def test_passages_never_cut_a_sentence(tmp_path: Path, settings: Settings) -> None:
    sentences = [f"Sentence number {i} talks about lung cancer and biomarker testing today." for i in range(60)]
    f = tmp_path / "long.md"
    f.write_text("## Long section\n\n" + " ".join(sentences))
    store, _ = run([f], settings)
    passages = store.passages()
    assert len(passages) > 3
    for p in passages:
        assert p.text.endswith(".") and p.text.startswith("Sentence number")
        assert len(p.text.split()) <= settings.ingest.passage_words + 12
    assert " ".join(p.text for p in passages) == " ".join(sentences)


def test_reingest_unchanged_is_a_noop_and_edit_replaces(tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "guide.md"
    f.write_text(GUIDE)
    store, _ = run([f], settings)
    before = store.passages()
    _, again = run([f], settings)
    assert again.unchanged == ["test-guide"] and again.passages == 0 and not again.changed  # type: ignore[attr-defined]
    f.write_text(GUIDE.replace("Lorlatinib (Lorbrena) is another ALK drug.", "Brigatinib (Alunbrig) is an ALK drug."))
    _, edited = run([f], settings)
    assert edited.updated == ["test-guide"]  # type: ignore[attr-defined]
    after = store.passages()
    text = " ".join(p.text for p in after)
    assert "Brigatinib" in text and "Lorlatinib" not in text
    assert len(after) == len(before)


def test_pdf_keeps_page_numbers(tmp_path: Path, settings: Settings) -> None:
    f = make_pdf(tmp_path / "leaflet.pdf", [
        "Biomarker testing looks for gene changes in the tumor. It helps pick treatment.",
        "PD-L1 is a protein. A high PD-L1 score can mean immunotherapy may work well.",
    ], title="Lung leaflet")
    store, report = run([f], settings)
    assert not report.errors  # type: ignore[attr-defined]
    doc = store.document("leaflet")
    assert doc is not None and doc.title == "Lung leaflet" and doc.kind == "pdf"
    pages = {p.page: p.text for p in store.passages()}
    assert set(pages) == {1, 2}
    assert "PD-L1 is a protein." in pages[2]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "file is empty"),
        ("blank.txt", b"   \n\n", "file is empty"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "not a readable PDF"),
        ("fake.pdf", b"just some text, not a pdf", "not a PDF"),
        ("junk.txt", bytes(range(256)) * 8, "binary data"),
        ("notes.docx", b"PK\x03\x04 word file", "unsupported file type"),
        ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>',
         "refused for safety"),
        ("odd.xml", b"<root><child>text</child></root>", "unsupported XML"),
        ("bad.md", b"---\nid: [unclosed\n---\n## H\ntext.", "front matter is not valid YAML"),
    ],
)
def test_bad_files_get_one_clear_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load_file(f, 2**20)
    message = str(info.value)
    assert message.startswith(str(f)) and reason in message and "\n" not in message


def test_encrypted_and_image_only_pdfs(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", ["Secret text about lung cancer."])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt("pw", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError, match="encrypted"):
        load_file(locked, 2**20)
    scanned = make_pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(IngestError, match="no text layer"):
        load_file(scanned, 2**20)


def test_unknown_source_id_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "g.md"
    f.write_text(GUIDE.replace("<!-- sources: fda -->", "<!-- sources: fda, nowhere -->", 1))
    with pytest.raises(IngestError, match="unknown source id 'nowhere'"):
        load_file(f, 2**20)


def test_bad_files_do_not_stop_the_batch(tmp_path: Path, settings: Settings) -> None:
    good = tmp_path / "guide.md"
    good.write_text(GUIDE)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    (tmp_path / "empty.txt").write_bytes(b"")
    store, report = run([tmp_path], settings)
    assert report.added == ["test-guide"]  # type: ignore[attr-defined]
    assert sorted(Path(e.path).name for e in report.errors) == ["broken.pdf", "empty.txt"]  # type: ignore[attr-defined]
    assert store.passages()


def test_html_and_text_and_xml_loaders(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>EGFR page</title><script>alert(1)</script></head><body><nav>Menu</nav>"
        "<h1>EGFR</h1><p>EGFR is a gene.</p><h2>Drugs</h2><ul><li>Osimertinib blocks EGFR.</li></ul></body></html>"
    )
    (tmp_path / "note.txt").write_text("Caregiver notes\n\nCaregivers need rest too. Ask for help.\n")
    (tmp_path / "qa.xml").write_text(
        '<?xml version="1.0"?><Document id="X1" source="CancerGov" url="https://example.org/x">'
        "<Focus>Colon Cancer</Focus><QAPairs><QAPair pid='1'><Question qid='X1-1' qtype='information'>"
        "What is colon cancer ?</Question><Answer>Colon cancer forms in the colon. It is common.</Answer>"
        "</QAPair></QAPairs></Document>"
    )
    (tmp_path / "pdq.xml").write_text(
        '<Summary id="CDR1"><SummaryTitle>Melanoma Treatment (PDQ)</SummaryTitle><SummarySection>'
        "<Title>General Information</Title><Para>Melanoma is a disease of the skin.</Para>"
        "<ItemizedList><ListItem>Sun exposure raises risk.</ListItem></ItemizedList></SummarySection></Summary>"
    )
    store, report = run([tmp_path], settings)
    assert not report.errors, report.errors  # type: ignore[attr-defined]
    docs = {d.id: d for d in store.documents()}
    assert docs["page"].title == "EGFR page" and docs["note"].title == "Caregiver notes"
    assert docs["X1"].title == "Colon Cancer" and docs["CDR1"].title == "Melanoma Treatment (PDQ)"
    by_doc: dict[str, object] = {}
    for p in store.passages():
        by_doc.setdefault(p.document_id, p)
    assert by_doc["page"].section_path == ("EGFR",)  # type: ignore[attr-defined]
    assert [p.section_path for p in store.passages() if p.document_id == "page"][-1] == ("EGFR", "Drugs")
    all_text = " ".join(p.text for p in store.passages())
    assert "alert" not in all_text and "Menu" not in all_text
    assert by_doc["X1"].section_path == ("What is colon cancer ?",)  # type: ignore[attr-defined]
    assert by_doc["CDR1"].section_path == ("General Information",)  # type: ignore[attr-defined]
    assert "Sun exposure raises risk." in by_doc["CDR1"].text  # type: ignore[attr-defined]


def test_markdown_is_read_as_commonmark(tmp_path: Path) -> None:
    """Setext headings, fenced code (left out), escapes and links as markdown-it-py reads them."""
    path = tmp_path / "guide.md"
    path.write_text(
        "What ALK means\n==============\n\nALK is a *gene*, see [the guide](x.md) \\*not a drug\\*.\n\n"
        "```\n# not a heading\n```\n\nTests\n-----\n\n| test | sample |\n|---|---|\n| FISH | tissue |\n"
    )
    doc = load_file(path, 10**6)
    assert [(s.path, s.text) for s in doc.sections] == [
        (("What ALK means",), "ALK is a gene, see the guide *not a drug*."),
        (("What ALK means", "Tests"), "test; sample.\n\nFISH; tissue."),
    ]
