"""The guideline library: guides grouped by cancer type, and one guide's table of contents and sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from oncoguide.corpus.schema import load_vocabulary
from oncoguide.ingest.model import Passage
from oncoguide.search.index import SearchIndex
from oncoguide.store.schema import DocumentRow
from oncoguide.web.slugs import slugify

GENERAL = "About cancer care in general"


class GuideSummary(BaseModel):
    id: str
    title: str
    version: str
    year: int | None
    last_reviewed: str | None
    cancer_types: list[str]
    sections: int


class SectionView(BaseModel):
    path: list[str]
    anchor: str
    depth: int
    passages: list[dict[str, object]]  # {id, anchor, text, page}
    sources: list[str]


class GuideView(BaseModel):
    guide: GuideSummary
    publisher: str
    url: str | None
    date_basis: str | None
    sources: list[dict[str, object]]
    sections: list[SectionView]


def section_anchor(path: tuple[str, ...] | list[str]) -> str:
    return "s-" + (slugify(" ".join(path[-2:])) or "section")


def passage_anchor(passage_id: str) -> str:
    return "p-" + passage_id.replace(":", "-")


@dataclass
class Library:
    index: SearchIndex
    documents: dict[str, DocumentRow]
    _by_doc: dict[str, list[Passage]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.index.passages:
            self._by_doc.setdefault(p.document_id, []).append(p)
        for ps in self._by_doc.values():
            ps.sort(key=lambda p: p.order)

    def summary(self, doc: DocumentRow) -> GuideSummary:
        paths = {p.section_path for p in self._by_doc.get(doc.id, [])}
        return GuideSummary(id=doc.id, title=doc.title, version=doc.version, year=doc.year,
                            last_reviewed=doc.last_reviewed, cancer_types=list(doc.cancer_types), sections=len(paths))

    def groups(self) -> list[tuple[str, list[GuideSummary]]]:
        """Guides grouped by the cancer types they cover (general guides last)."""
        names = {c.id: c.name for c in load_vocabulary().cancers}
        out: dict[str, list[GuideSummary]] = {}
        for doc in sorted(self.documents.values(), key=lambda d: d.title.lower()):
            keys = [names.get(t, t).capitalize() for t in doc.cancer_types] or [GENERAL]
            for key in dict.fromkeys(keys):
                out.setdefault(key, []).append(self.summary(doc))
        return sorted(out.items(), key=lambda kv: (kv[0] == GENERAL, kv[0]))

    def view(self, doc_id: str) -> GuideView | None:
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        refs = {str(r["id"]): r for r in doc.sources}
        sections: list[SectionView] = []
        for p in self._by_doc.get(doc_id, []):
            if not sections or sections[-1].path != list(p.section_path):
                sections.append(SectionView(path=list(p.section_path), anchor=section_anchor(p.section_path),
                                            depth=max(0, len(p.section_path) - 1), passages=[], sources=[]))
            sec = sections[-1]
            sec.passages.append({"id": p.id, "anchor": passage_anchor(p.id), "text": p.text, "page": p.page})
            for sid in p.source_ids:
                title = str(refs[sid]["title"]) if sid in refs else sid
                if title not in sec.sources:
                    sec.sources.append(title)
        return GuideView(guide=self.summary(doc), publisher=doc.publisher, url=doc.url, date_basis=doc.date_basis,
                         sources=list(doc.sources), sections=sections)

    def search(self, query: str, k: int = 20) -> list[dict[str, object]]:
        """Sections whose words match ``query`` (BM25), best first, one hit per section."""
        seen: set[tuple[str, tuple[str, ...]]] = set()
        out: list[dict[str, object]] = []
        for hit in self.index.search(query, k=k * 2, mode="lexical"):
            p = hit.passage
            key = (p.document_id, p.section_path)
            if key in seen or p.document_id not in self.documents:
                continue
            seen.add(key)
            out.append({"guide_id": p.document_id, "guide_title": self.documents[p.document_id].title,
                        "section": list(p.section_path), "anchor": section_anchor(p.section_path),
                        "snippet": p.text[:220] + ("..." if len(p.text) > 220 else "")})
            if len(out) >= k:
                break
        return out
