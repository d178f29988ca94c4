"""Stand-alone sentences of the guides (``en/standalone.yaml``): openers that point back, drug uses without a cancer.

The answer engine quotes single sentences, so each guide sentence must make sense alone. ``Checker`` applies the
rules of the file with the shared vocabulary (drug, biomarker and cancer names); ``oncoguide.corpus.checks`` runs it
over every guide sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field

from oncoguide.corpus.schema import Vocabulary, load_vocabulary
from oncoguide.knowledge.schema import ExampleCase, Examples, Strict, cases

FILE = "standalone.yaml"


class Opener(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    why: str
    starts: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    named_within: int = Field(default=0, ge=0, le=8)
    examples: Examples | None = None


class DrugUse(Strict):
    why: str
    triggers: list[str] = Field(min_length=1)
    extra_cancer_words: list[str] = Field(default_factory=list)
    examples: Examples | None = None


class Model(Strict):
    openers: list[Opener]
    drug_use: DrugUse


def _alternation(terms: Iterable[str]) -> str:
    uniq = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    return "|".join(re.escape(t) for t in uniq)


_LEAD = re.compile(r"^[\"'“‘(\[]+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+(?:[-/][A-Za-z0-9]+)*\b")


class Checker:
    """The rules of one ``standalone.yaml`` with the names of one vocabulary."""

    def __init__(self, model: Model, vocab: Vocabulary) -> None:
        self.model = model
        cancer_terms = [t for c in vocab.cancers for t in (c.name, *c.synonyms)] + list(model.drug_use.extra_cancer_words)
        abbrevs = [a for c in vocab.cancers for a in c.abbreviations]
        self._cancer = re.compile(
            rf"(?<![\w-])(?:{_alternation(cancer_terms)})s?(?![\w])", re.I
        )
        self._cancer_abbr = re.compile(rf"(?<![\w-])(?:{_alternation(abbrevs)})s?(?![\w])") if abbrevs else None
        drug_terms = [t for d in vocab.drugs if d.cancers for t in (d.generic, *d.brands)]
        self._drug = re.compile(rf"(?<![\w-])(?:{_alternation(drug_terms)})(?![\w])", re.I)
        named = (drug_terms + cancer_terms
                 + [t for b in vocab.biomarkers for t in (b.gene, *b.aliases)])
        self._named = re.compile(rf"(?<![\w-])(?:{_alternation(named)})(?![\w])", re.I)
        self._openers = [
            (o, re.compile(rf"^(?:{_alternation(o.starts)})(?![\w'’-])"), [re.compile(u) for u in o.unless])
            for o in model.openers
        ]
        self._triggers = [re.compile(t, re.I) for t in model.drug_use.triggers]

    # -- rules ---------------------------------------------------------------------------------------------------
    def opener(self, sentence: str) -> str | None:
        """Id of the opener rule the sentence breaks, or ``None``."""
        text = _LEAD.sub("", sentence.strip())
        for rule, start, unless in self._openers:
            m = start.match(text)
            if not m or any(u.search(text) for u in unless):
                continue
            if rule.named_within and self._names_something(text[m.end():], rule.named_within):
                continue
            return rule.id
        return None

    def _names_something(self, rest: str, n: int) -> bool:
        spans = [m.span() for m in re.finditer(r"[\w'’/+.-]+", rest)][:n]
        if not spans:
            return False
        if any(_ACRONYM.match(rest[a:b]) for a, b in spans):
            return True
        m = self._named.search(rest)  # a name that starts within the first n words (it may run on past them)
        return bool(m and m.start() < spans[-1][1])

    def names_cancer(self, sentence: str) -> bool:
        return bool(self._cancer.search(sentence) or (self._cancer_abbr and self._cancer_abbr.search(sentence)))

    def drug_use_without_cancer(self, sentence: str) -> bool:
        """True when the sentence says what a cancer drug is for (approved, used for...) but names no cancer."""
        if not self._drug.search(sentence) or not any(t.search(sentence) for t in self._triggers):
            return False
        return not self.names_cancer(sentence)

    def problems(self, sentence: str) -> list[str]:
        out = []
        rule = self.opener(sentence)
        if rule:
            out.append(rule)
        if self.drug_use_without_cancer(sentence):
            out.append("drug-use")
        return out


def checker(model: Model) -> Checker:
    """A ``Checker`` of ``model`` with the shared vocabulary."""
    return Checker(model, load_vocabulary())


def examples(model: Model) -> Iterable[ExampleCase]:
    check = checker(model)
    for rule in model.openers:  # a match breaks this very rule; a no-match breaks no opener rule at all
        ex = rule.examples or Examples()
        yield from cases(f"standalone.{rule.id}", Examples(match=ex.match),
                         lambda s, r=rule.id: check.opener(s) == r)
        yield from cases(f"standalone.{rule.id}", Examples(no_match=ex.no_match),
                         lambda s: check.opener(s) is not None)
    yield from cases("standalone.drug_use", model.drug_use.examples, check.drug_use_without_cancer)
