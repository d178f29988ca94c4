"""Question-first answers: one short section per catalog question, in ``guides/<guide>-answers.md``.

Each section's heading is the catalog question word for word, followed by
``<!-- question: <slug> -->``, ``<!-- based_on: <heading>; <other-guide>#<heading> -->``, the usual ``sources`` and
``last_reviewed`` comments, and three to eight sentences that answer that question first. The files are ordinary
guides to the ingest (same writing rules, same stand-alone lint); this module only knows how to pair their sections
with catalog questions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oncoguide.corpus import GUIDES_DIR
from oncoguide.corpus.schema import CatalogQuestion, load_catalog
from oncoguide.domain.corpus import Passage

SUFFIX = "-answers"
_HEADING = re.compile(r"^## (.+?)\s*$", re.M)
_QUESTION = re.compile(r"<!--\s*question:\s*([a-z0-9-]+)\s*-->")
_BASED_ON = re.compile(r"<!--\s*based_on:\s*(.*?)\s*-->", re.S)


@dataclass(frozen=True)
class AnswerSection:
    """One catalog question's written answer: where it lives and what it rests on."""

    slug: str
    question: str
    document_id: str
    heading: str
    based_on: tuple[str, ...]


def answer_paths(folder: Path = GUIDES_DIR) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}.md"))


def guide_of(document_id: str) -> str:
    """``cml-answers`` -> ``cml``."""
    return document_id.removesuffix(SUFFIX)


def read_sections(path: Path) -> list[AnswerSection]:
    """The answer sections of one file, in order (sections without a question comment are skipped)."""
    text = path.read_text(encoding="utf-8")
    heads = list(_HEADING.finditer(text))
    out = []
    for i, head in enumerate(heads):
        body = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        slug = _QUESTION.search(body)
        if not slug:
            continue
        based = _BASED_ON.search(body)
        parts = tuple(p.strip() for p in based.group(1).split(";") if p.strip()) if based else ()
        out.append(AnswerSection(slug.group(1), head.group(1), path.stem, head.group(1), parts))
    return out


@lru_cache(maxsize=2)
def answer_index(folder: Path = GUIDES_DIR) -> dict[str, AnswerSection]:
    """Catalog slug -> its answer section, over every answers file."""
    return {a.slug: a for path in answer_paths(folder) for a in read_sections(path)}


def written_passages(passages: Iterable[Passage], folder: Path = GUIDES_DIR) -> dict[str, tuple[Passage, ...]]:
    """Catalog slug -> the passages of its written answer among ``passages`` (an index's), in order."""
    slugs = {(a.document_id, a.heading): a.slug for a in answer_index(folder).values()}
    found: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        slug = slugs.get((p.document_id, p.section_path[0])) if p.section_path else None
        if slug is not None:
            found[slug].append(p)
    return {slug: tuple(sorted(ps, key=lambda p: p.order)) for slug, ps in found.items()}


def answer_problems(path: Path, catalog: list[CatalogQuestion] | None = None) -> list[str]:
    """What is wrong with one answers file beyond the guide writing rules."""
    questions = {q.slug: q for q in (catalog if catalog is not None else load_catalog())}
    guide = guide_of(path.stem)
    out: list[str] = []
    if not path.stem.endswith(SUFFIX):
        return [f"{path.name}: an answers file is named <guide>{SUFFIX}.md"]
    guide_file = path.parent / f"{guide}.md"
    if not guide_file.exists():
        out.append(f"{path.name}: no guide {guide_file.name} beside it")
    text = path.read_text(encoding="utf-8")
    n_heads = len(_HEADING.findall(text))
    sections = read_sections(path)
    if n_heads != len(sections):
        out.append(f"{path.name}: {n_heads - len(sections)} section(s) lack a <!-- question: slug --> comment")
    seen: set[str] = set()
    for sec in sections:
        q = questions.get(sec.slug)
        if q is None:
            out.append(f"{path.name}: {sec.slug!r} is not a catalog question")
            continue
        if sec.slug in seen:
            out.append(f"{path.name}: {sec.slug!r} is answered twice")
        seen.add(sec.slug)
        if sec.heading != q.question:
            out.append(f"{path.name}: heading {sec.heading!r} differs from the catalog question {q.question!r}")
        if not sec.based_on:
            out.append(f"{path.name}: {sec.slug!r} lacks <!-- based_on: guide section; ... -->")
        for part in sec.based_on:
            other, _, heading = part.rpartition("#")
            if heading not in _headings(path.parent / f"{other or guide}.md"):
                out.append(f"{path.name}: {sec.slug!r} is based on {part!r}, not a section heading of "
                           f"{other or guide}.md")
    missing = [q.slug for q in questions.values() if q.guide == guide and q.slug not in seen]
    if missing:
        out.append(f"{path.name}: {len(missing)} catalog question(s) of {guide} not answered yet: {missing[:5]}...")
    return out


@lru_cache(maxsize=128)
def _headings(guide_file: Path) -> frozenset[str]:
    if not guide_file.exists():
        return frozenset()
    return frozenset(h.strip() for h in re.findall(r"^#{2,3} (.+?)\s*$", guide_file.read_text(encoding="utf-8"), re.M))
