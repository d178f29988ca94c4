"""Stand-alone sentences of the guides (``en/standalone.yaml``): openers that point back, drug uses without a cancer.

The answer engine quotes single sentences, so each guide sentence must make sense alone. ``Checker`` applies the
rules of the file with the shared vocabulary (drug, biomarker and cancer names); ``oncoguide.corpus.checks`` runs it
over every guide sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pydantic import Field

from oncoguide.knowledge.schema import ExampleCase, Examples, Strict, cases
from oncoguide.knowledge.vocab_models import Vocabulary, load_vocabulary

FILE = "standalone.yaml"


class Opener(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    why: str
    starts: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    named_within: int = Field(default=0, ge=0, le=8)
    examples: Examples | None = None


class Inside(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    why: str
    pattern: str
    unless: list[str] = Field(default_factory=list)
    examples: Examples | None = None


class DrugUse(Strict):
    why: str
    triggers: list[str] = Field(min_length=1)
    extra_cancer_words: list[str] = Field(default_factory=list)
    examples: Examples | None = None


class Model(Strict):
    openers: list[Opener]
    inside: list[Inside] = Field(default_factory=list)
    drug_use: DrugUse


def _alternation(terms: Iterable[str]) -> str:
    uniq = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    return "|".join(re.escape(t) for t in uniq)


_LEAD = re.compile(r"^[\"'“‘(\[]+")
_ACRONYM = re.compile(r"^[a-z]?[A-Z][A-Z0-9]+(?:[-/][A-Za-z0-9]+)*\b")
_NAMED_TRIAL = re.compile(r"\b[A-Z][A-Za-z0-9-]*[A-Z0-9][A-Za-z0-9-]*\s+(?:trial|study|studies|trials)\b")
# Words that end the subject noun phrase ("The two drugs ARE ..."): auxiliaries and common verbs of the guides.
_VERB = re.compile(
    r"(?:is|are|was|were|be|been|can|could|may|might|will|would|must|should|has|have|had|do|does|did|got|gets|"
    r"lets|let|keeps|keep|helps|help|makes|make|includes|include|came|comes|come|led|leads|showed|shows|found|"
    r"finds|works|work|often|also|then|still|usually|now)", re.I)


class Checker:
    """The rules of one ``standalone.yaml`` with the names of one vocabulary."""

    def __init__(self, model: Model, vocab: Vocabulary) -> None:
        self.model = model
        cancer_terms = [t for c in vocab.cancers for t in (c.name, *c.synonyms)]
        cancer_terms += list(model.drug_use.extra_cancer_words)
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
        self._inside = [(r, re.compile(r.pattern, re.I), [re.compile(u, re.I) for u in r.unless]) for r in model.inside]

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
        """True when the noun phrase after the opener names its subject: a drug, biomarker or cancer of the
        vocabulary, an acronym (FLAURA, PD-L1, mFOLFIRINOX) or a named trial ("the OlympiA trial"). The phrase runs
        to the first verb or comma, and at least ``n`` words."""
        words = list(re.finditer(r"[\w'’/+.-]+", rest))
        if not words:
            return False
        end = words[min(n, len(words)) - 1].end()
        for w in words[:n + 8]:
            if w.start() > 0 and re.search(r"[,;:]", rest[words[0].start():w.start()]):
                break
            if _VERB.fullmatch(w.group(0)):
                break
            end = max(end, w.end())
        span = rest[:end]
        if any(_ACRONYM.match(w.group(0)) for w in words if w.end() <= end):
            return True
        if _NAMED_TRIAL.search(span):
            return True
        m = self._named.search(rest)
        return bool(m and m.start() < end)

    def inside(self, sentence: str) -> str | None:
        """Id of the inside rule (a demonstrative within the sentence) the sentence breaks, or ``None``."""
        text = sentence.strip()
        for rule, pattern, unless in self._inside:
            if pattern.search(text) and not any(u.search(text) for u in unless):
                return rule.id
        return None

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
        inner = self.inside(sentence)
        if inner:
            out.append(inner)
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
        yield from cases(f"standalone.{rule.id}", Examples(match=ex.match), _equals(check.opener, rule.id))
        yield from cases(f"standalone.{rule.id}", Examples(no_match=ex.no_match),
                         lambda s: check.opener(s) is not None)
    for inner in model.inside:
        yield from cases(f"standalone.{inner.id}", inner.examples, _equals(check.inside, inner.id))
    yield from cases("standalone.drug_use", model.drug_use.examples, check.drug_use_without_cancer)


def _equals(find: Callable[[str], str | None], rule_id: str) -> Callable[[str], bool]:
    """A check that ``find`` names exactly ``rule_id`` for a sentence."""
    return lambda sentence: find(sentence) == rule_id
