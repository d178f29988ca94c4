"""Quality checks of the shipped corpus (run by the test suite; `scripts/check_guide.py` shows grades)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from oncoguide.corpus import CORPUS_DIR, GUIDES_DIR
from oncoguide.domain.corpus import Document
from oncoguide.ingest.load import load_file
from oncoguide.text.readability import fk_grade
from oncoguide.text.segment import split_sentences

REQUIRED = ("id", "title", "cancer_types", "audience", "version", "last_reviewed", "date_basis", "sources")
MAX_GRADE = 8.0
# Amounts and schedules of medicines: the corpus never gives them.
DOSE = re.compile(
    r"\b\d+(\.\d+)?\s?(mg|mcg|µg|milligrams?|micrograms?|units?/m2|mg/m2|mg/kg)\b"
    r"|\b(once|twice|three times) (a|per|every) (day|week)\b|\b(once|twice) daily\b"
    r"|\bevery \d+ (hours|days|weeks)\b|\b\d+ (tablets|pills|capsules) (a|per) day\b",
    re.I,
)


@dataclass(frozen=True)
class SectionReport:
    guide: str
    heading: str
    words: int
    grade: float
    sources: int


def guide_paths(folder: Path = GUIDES_DIR) -> list[Path]:
    return sorted(folder.glob("*.md"))


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    return (yaml.safe_load(m.group(1)) or {}) if m else {}


def load_guide(path: Path) -> Document:
    return load_file(path, 10 * 2**20)


def section_reports(doc: Document) -> list[SectionReport]:
    return [
        SectionReport(doc.id, " > ".join(s.path), len(s.text.split()), fk_grade(s.text), len(s.source_ids))
        for s in doc.sections
    ]


def problems(path: Path) -> list[str]:
    """Everything wrong with one guide, as readable lines (empty when it is fine)."""
    out: list[str] = []
    meta = front_matter(path)
    out += [f"{path.name}: front matter lacks {key!r}" for key in REQUIRED if not meta.get(key)]
    if meta.get("id") != path.stem:
        out.append(f"{path.name}: id {meta.get('id')!r} differs from the file name")
    doc = load_guide(path)
    cited = set()
    for section, rep in zip(doc.sections, section_reports(doc), strict=True):
        cited |= set(section.source_ids)
        if not section.source_ids:
            out.append(f"{path.name}: section {rep.heading!r} lists no sources")
        if rep.grade > MAX_GRADE:
            out.append(f"{path.name}: section {rep.heading!r} reads at grade {rep.grade} (> {MAX_GRADE})")
        for m in DOSE.finditer(section.text):
            out.append(f"{path.name}: section {rep.heading!r} gives an amount or schedule: {m.group(0)!r}")
    unused = {s.id for s in doc.sources} - cited
    if unused:
        out.append(f"{path.name}: sources listed but never cited: {sorted(unused)}")
    return out


# Endings of generic drug names (INN stems): a word with one of them in a guide must be in the drug vocabulary.
DRUG_STEM = re.compile(
    r"\b[a-z]{3,}(?:mab|tinib|rafenib|metinib|lisib|parib|ciclib|platin|taxel|rubicin|lutamide|trectinib|sertib"
    r"|zumab|ximab|tecan|vedotin|strant|rozole|trozole|tamide|ertinib|lintinib|cabtagene|leucel|rasib|citabine)\b",
    re.I,
)


def drug_words(text: str) -> set[str]:
    """Generic drug names written in ``text`` (by their INN stems), lower-cased."""
    return {m.group(0).lower() for m in DRUG_STEM.finditer(text)}


def guide_text() -> str:
    """All section text of all guides (front matter excluded)."""
    return "\n".join(s.text for p in guide_paths() for s in load_guide(p).sections)


# Stand-alone sentences: the rules are data (knowledge/en/standalone.yaml); reviewed exceptions are listed, each with
# a reason, in corpus/standalone-allow.yaml.
ALLOW_FILE = CORPUS_DIR / "standalone-allow.yaml"


@dataclass(frozen=True)
class StandaloneFailure:
    guide: str
    heading: str
    rule: str
    sentence: str

    def line(self) -> str:
        return f"{self.guide}.md: section {self.heading!r}: [{self.rule}] {self.sentence}"


def standalone_allow(path: Path = ALLOW_FILE) -> list[dict[str, str]]:
    """The reviewed exceptions: ``guide``, ``sentence``, ``rule`` and ``reason`` of each."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for i, e in enumerate(entries, 1):
        missing = [k for k in ("guide", "sentence", "rule", "reason") if not str(e.get(k) or "").strip()]
        if missing:
            raise ValueError(f"{path}: entry {i} lacks {missing}")
    return entries


def standalone_failures(path: Path, allow: list[dict[str, str]] | None = None) -> list[StandaloneFailure]:
    """Sentences of one guide that do not stand alone (allowed exceptions left out)."""
    from oncoguide.knowledge import load
    from oncoguide.knowledge.topics.standalone import checker

    check = _standalone_checker(load("en").get("standalone"), checker)
    allowed = {(e["guide"], e["sentence"], e["rule"]) for e in (standalone_allow() if allow is None else allow)}
    doc = load_guide(path)
    out = []
    for section in doc.sections:
        heading = " > ".join(section.path)
        for sentence in split_sentences(section.text):
            for rule in check.problems(sentence):
                if (doc.id, sentence, rule) not in allowed:
                    out.append(StandaloneFailure(doc.id, heading, rule, sentence))
    return out


_CHECKERS: dict[int, object] = {}


def _standalone_checker(model, make):  # type: ignore[no-untyped-def]
    key = id(model)
    if key not in _CHECKERS:
        _CHECKERS[key] = make(model)
    return _CHECKERS[key]
