"""Clinical sections of a record (history of present illness, family history, physical exam, pathology, plan...)
from the header lines in ``knowledge/<lang>/sections.yaml``; each finding is weighed by the section it sits in."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from oncoguide import knowledge


@dataclass(frozen=True)
class Section:
    """``text[start:end]`` is one section; ``header_end`` is where its header line's label ends."""

    kind: str
    start: int
    end: int
    header_end: int
    owner: str = "patient"
    site: bool = True
    treatment: str = "received"
    weight: float = 0.8
    assertion: str | None = None  # "possible": a finding in a question here is a question ("Malignancy?")


@dataclass(frozen=True)
class _Rules:
    pattern: re.Pattern[str]
    kinds: dict[str, object]  # normalised header -> knowledge Section (None for a subheader)


def _norm(header: str) -> str:
    return re.sub(r"[\s,]+", " ", header.strip().lower()).strip(" ,")


@lru_cache(maxsize=4)
def _rules(lang: str = "en") -> _Rules:
    model = knowledge.load(lang).get("sections")
    kinds: dict[str, object] = {}
    for s in model.sections:
        for h in s.headers:
            kinds.setdefault(_norm(h), s)
        for h in s.subheaders:
            kinds.setdefault(_norm(h), None)
    names = sorted(kinds, key=len, reverse=True)
    alternation = "|".join(re.escape(n).replace(r"\ ", r"[ \t,]+") for n in names)
    # "HEADER:" at a line start (any case), or a whole line in capitals naming a header
    # a short parenthetical may stand between the header and its colon ("FAMILY HISTORY (three-generation pedigree
    # obtained):", "IMMUNOHISTOCHEMISTRY (Part A):")
    pattern = re.compile(rf"^[ \t]*(?P<h>{alternation})[ \t]*(,[ \t]*)?(\([^()\n]{{1,80}}\)[ \t]*)?(:|[ \t]*$)",
                         re.I | re.M)
    return _Rules(pattern, kinds)


def find_sections(text: str, lang: str = "en") -> list[Section]:
    """The sections of ``text`` in order; text before the first header is in no section. A capitals-only line
    counts as a header only when it is written in capitals; organ subheaders ("LUNGS:") do not open one."""
    rules = _rules(lang)
    out: list[Section] = []
    for m in rules.pattern.finditer(text):
        label = m.group("h")
        no_colon = not m.group(0).rstrip().endswith(":")
        if no_colon and not label.isupper():
            continue
        rule = rules.kinds.get(_norm(label))
        if rule is None:
            continue
        if out:
            out[-1] = _close(out[-1], m.start())
        out.append(Section(kind=rule.kind, start=m.start(), end=len(text), header_end=m.end(),  # type: ignore[attr-defined]
                           owner=rule.owner, site=rule.site, treatment=rule.treatment,  # type: ignore[attr-defined]
                           weight=rule.weight, assertion=rule.assertion))  # type: ignore[attr-defined]
    return [_family_end(s, text) if s.owner == "family" else s for s in out]


# a header the knowledge does not list: a line that is only "Title:" ("Genetic test results (panel, 30 genes):"),
# or a blank line then "Title: ...", unless it names relatives ("Maternal side:")
_NEXT_HEADER = re.compile(
    r"\n(?![ \t]*(?i:maternal|paternal|mother|father|sister|brother|sibling|aunt|uncle|grand|cousin|daughter|son|niece"
    r"|nephew|parent|relative|family|other relatives)\b)(?:[ \t]*\n(?=[ \t]*[A-Z][A-Za-z0-9 /&,()'.-]{2,100}:)"
    r"|(?=[ \t]*[A-Z][A-Za-z0-9 /&,()'.-]{2,100}:[ \t]*\n))")


def _family_end(s: Section, text: str) -> Section:
    """A relative's section ends where a blank line leads to another header, even one no rule names: what follows
    is the patient's again."""
    m = _NEXT_HEADER.search(text, s.header_end, s.end)
    return _close(s, m.start() + 1) if m else s


def _close(s: Section, end: int) -> Section:
    return Section(s.kind, s.start, end, s.header_end, s.owner, s.site, s.treatment, s.weight, s.assertion)


class SectionMap:
    """The section of any offset in one text, found by binary search (linear overall for many lookups)."""

    def __init__(self, text: str, lang: str = "en") -> None:
        self.sections = find_sections(text, lang)
        self._starts = [s.start for s in self.sections]

    def at(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        s = self.sections[i]
        return s if s.start <= offset < s.end or offset == s.end else None
