"""MedQuAD (Document/QAPairs) and PDQ (Summary/SummarySection) XML, parsed with defusedxml."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from oncoguide.domain.corpus import Document, IngestError, Section
from oncoguide.text.segment import normalize_space


def load_xml(path: Path, text: str, content_hash: str) -> Document:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise IngestError(str(path), f"XML refused for safety ({exc.__class__.__name__})") from exc
    except ElementTree.ParseError as exc:
        raise IngestError(str(path), f"not well-formed XML ({exc})") from exc
    if root.tag == "Document" and root.find("QAPairs") is not None:
        return _medquad(path, root, content_hash)
    if root.tag == "Summary":
        return _pdq(path, root, content_hash)
    raise IngestError(str(path), f"unsupported XML (root <{root.tag}>; expected MedQuAD <Document> or PDQ <Summary>)")


def _medquad(path: Path, root: Element, content_hash: str) -> Document:
    focus = normalize_space(root.findtext("Focus") or "") or path.stem
    sections = []
    for pair in root.iter("QAPair"):
        question = normalize_space(pair.findtext("Question") or "")
        answer = (pair.findtext("Answer") or "").strip()
        if answer:
            sections.append(Section(path=(question,) if question else (), text=answer))
    if not sections:
        raise IngestError(str(path), "MedQuAD XML has no answers")
    return Document(
        id=root.get("id") or path.stem, title=focus, kind="medquad-xml", source_path=str(path),
        content_hash=content_hash, sections=sections, publisher=root.get("source") or "", url=root.get("url"),
    )


def _pdq(path: Path, root: Element, content_hash: str) -> Document:
    title = normalize_space(root.findtext("SummaryTitle") or "") or path.stem
    sections: list[Section] = []

    def walk(node: Element, trail: tuple[str, ...]) -> None:
        heading = normalize_space(node.findtext("Title") or "")
        here = (*trail, heading) if heading else trail
        paras = []
        for child in node:
            if child.tag in {"Para", "ItemizedList", "OrderedList"}:
                if child.tag == "Para":
                    paras.append(normalize_space("".join(child.itertext())))
                else:
                    paras.extend("- " + normalize_space("".join(i.itertext())) for i in child.iter("ListItem"))
        if any(paras):
            sections.append(Section(path=here, text="\n".join(p for p in paras if p)))
        for child in node:
            if child.tag == "SummarySection":
                walk(child, here)

    for top in root.iter("SummarySection"):
        if top in list(root):
            walk(top, ())
    if not sections:
        raise IngestError(str(path), "PDQ XML has no text")
    date = root.findtext("DateLastModified") or ""
    return Document(
        id=root.get("id") or path.stem, title=title, kind="pdq-xml", source_path=str(path),
        content_hash=content_hash, sections=sections, publisher="National Cancer Institute (PDQ)",
        year=int(date[:4]) if date[:4].isdigit() else None, last_reviewed=date or None,
    )
