"""What a question asks for: the kinds of answer (drug names, a number, timing, a procedure, a comparison, what
happens next, a definition) and its sub-questions. A sentence that carries the asked kind beats a generic one
("alectinib, brigatinib or lorlatinib" beats "six pills are approved"); background nobody asked for (years of
discovery, partner genes) is left out; every sub-question gets a sentence when the evidence has one.
A sentence about a rare subset nobody asked about (uncommon EGFR mutations for an EGFR question) or about another
extent of the cancer than the one asked (an early cancer's surgery for a cancer that has spread) falls behind.
Cues live in ``knowledge/<lang>/answer_rules.yaml`` (``answer_types``, ``trivia``, ``uncommon``, ``extents``,
``drug_kinds``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from oncoguide import knowledge
from oncoguide.answer.compose import Candidate
from oncoguide.knowledge.schema import required
from oncoguide.knowledge.topics import answer_rules
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.search.lexical import tokenize

CARRIES_BONUS = 0.25  # a sentence carrying what was asked (once per kind, at most two kinds)
WRONG_KIND = 0.2  # a "which immunotherapy drugs" sentence that names only drugs of another kind
TRIVIA = 0.45  # background nobody asked for
UNCOMMON = 0.3  # a rare subset nobody asked about
OTHER_EXTENT = 0.3  # a sentence only about another extent (early, advanced) than the one asked
DEFINES_ALONE = frozenset({"definition", "side_effects", "yes_no"})  # kinds a definition goes with
_PART_SPLIT = re.compile(
    r"\?\s+|[,;]\s*(?=(?:and\s+)?(?:is|are|can|could|does|do|will|would|should|how|what|which|when|why)\b)"
    r"|\s+and\s+(?=(?:is|are|can|could|does|do|will|would|should|how|what|which|when|why)\b)", re.I)


@dataclass(frozen=True)
class Asked:
    """The kinds of answer a question (or one of its parts) asks for."""

    text: str
    kinds: frozenset[str]
    drug_kinds: frozenset[str]  # vocabulary drug kinds it names ("immunotherapy"): the drugs must be of them
    trivia: bool  # it asks for background (history, studies, partner genes)
    uncommon: bool = False  # it asks about a rare subset (uncommon mutations)
    extents: frozenset[str] = frozenset()  # how far the cancer asked about has gone (early, advanced)
    parts: tuple[Asked, ...] = ()  # its sub-questions, when it has more than one


def _rules(lang: str) -> answer_rules.Model:
    return required(lang, "answer_rules", answer_rules.Model)


@lru_cache(maxsize=1)
def _drugs() -> dict[str, frozenset[str]]:
    """Every drug name of the vocabulary (lower case, one or two words) and its kind; every regimen acronym that
    is not also a common word (R-CHOP, FOLFOX) and the kinds of its drugs."""
    kinds: dict[str, frozenset[str]] = {}
    for d in load_vocabulary().drugs:
        for name in (d.generic, *d.brands):
            kinds.setdefault(name.lower(), frozenset({d.kind}))
    regimens = knowledge.load("en").get("regimens")
    for r in regimens.regimens if regimens is not None else ():
        of = frozenset(next(iter(kinds.get(x, frozenset())), "") for x in r.drugs) - {""}
        if not r.ambiguous and of and len(r.acronym) >= 4:
            for name in (r.acronym, *r.aliases):
                kinds.setdefault(name.lower(), of)
    return kinds


_WORD = re.compile(r"[\w-]+")


def drug_kinds(names: Iterable[str]) -> set[str]:
    """The kinds of the vocabulary drugs and regimens named (lower case: generic, brand or acronym)."""
    kinds = _drugs()
    return {k for name in names for k in kinds.get(name, ())}


def drug_kinds_named(text: str) -> set[str]:
    """The kinds of the vocabulary drugs a text names (empty: it names none)."""
    words = _WORD.findall(text.lower())
    return drug_kinds([*words, *map(" ".join, pairwise(words))])


def names_of_drugs(text: str) -> set[str]:
    """The vocabulary drug and regimen names a text holds (lower case)."""
    kinds = _drugs()
    words = _WORD.findall(text.lower())
    return {w for w in words if w in kinds} | {b for b in map(" ".join, pairwise(words)) if b in kinds}


def analyse(question: str, lang: str = "en", biomarker: bool = False) -> Asked:
    """The kinds of answer the question asks for, and (for a multi-part question) those of each part. What a
    ``biomarker`` means includes how common it is and the drugs that target it."""
    whole = _one(question, lang)
    if biomarker and "definition" in whole.kinds:  # what it is, how common, the drugs that target it
        whole = replace(whole, kinds=whole.kinds | {"drugs", "number"})
    pieces = [p.strip(" ,;?") for p in _PART_SPLIT.split(question) if len(p.split()) >= 2]
    if len(pieces) < 2:
        return whole
    return replace(whole, parts=tuple(_one(p, lang) for p in pieces))


def _one(text: str, lang: str) -> Asked:
    rules = _rules(lang)
    kinds = frozenset(k for k, t in rules.answer_types.items() if t.asks.search(text))
    drug_kinds = frozenset(k for k, cue in rules.drug_kinds.items() if re.search(cue, text, re.I))
    if drug_kinds and "drugs" not in kinds and re.search(r"\b(drugs?|medicines?|latest|newest|new)\b", text, re.I):
        kinds |= {"drugs"}
    if kinds - DEFINES_ALONE:
        kinds -= {"definition"}  # "what are the drugs...": the drugs, not a definition
    trivia = rules.trivia is not None and rules.trivia.asks.search(text)
    uncommon = rules.uncommon is not None and rules.uncommon.asks.search(text)
    extents = frozenset(k for k, rule in rules.extents.items() if rule.search(text))
    return Asked(text=text, kinds=kinds, drug_kinds=drug_kinds, trivia=bool(trivia), uncommon=bool(uncommon),
                 extents=extents)


def carries_drugs_or_number(asked: Asked, sentence: str, lang: str = "en") -> bool:
    """The sentence holds the names or the number the question asks for (kept when the answer is eased)."""
    return bool({"drugs", "number"} & carried(asked, sentence, lang))


def carried(asked: Asked, sentence: str, lang: str = "en") -> set[str]:
    """The asked kinds the sentence carries."""
    rules = _rules(lang)
    out = {k for k in asked.kinds if k in rules.answer_types and rules.answer_types[k].carries.search(sentence)}
    if "drugs" in asked.kinds:
        named = drug_kinds_named(sentence)
        if named and (not asked.drug_kinds or named & asked.drug_kinds):
            out.add("drugs")
        elif asked.drug_kinds:
            out.discard("drugs")  # no vocabulary drug of the kind asked for
    return out


def wrong_kind(asked: Asked, sentence: str) -> bool:
    """A sentence naming drugs only of other kinds than the ones asked for."""
    if "drugs" not in asked.kinds or not asked.drug_kinds:
        return False
    named = drug_kinds_named(sentence)
    return bool(named) and not named & asked.drug_kinds


def is_trivia(asked: Asked, sentence: str, lang: str = "en") -> bool:
    rules = _rules(lang)
    return not asked.trivia and rules.trivia is not None and rules.trivia.carries.search(sentence)


def beside_the_question(asked: Asked, sentence: str, lang: str = "en") -> float:
    """How far a sentence falls behind for being about what the question did not ask: a rare subset, or only
    another extent of the cancer (0: neither)."""
    rules = _rules(lang)
    down = 0.0
    if rules.uncommon is not None and not asked.uncommon and rules.uncommon.carries.search(sentence):
        down += UNCOMMON
    if asked.extents:
        named = {k for k, rule in rules.extents.items() if rule.search(sentence)}
        if named and not named & asked.extents:
            down += OTHER_EXTENT
    return down


_KIND_WORDS = "side effect effects adverse toxicity reaction reactions watch"  # words asking for side effects


def fit(cands: list[Candidate], asked: Asked, lang: str = "en") -> list[Candidate]:
    """The candidates rescored for what was asked: carrying it up; other drug kinds, trivia, rare subsets and
    other extents down."""
    out: list[Candidate] = []
    subject = set(tokenize([asked.text], lang)[0]) - _not_evidence(lang)
    of_what = subject - set(tokenize([" ".join(_rules(lang).not_evidence) + " " + _KIND_WORDS], lang)[0])
    for c in cands:
        kinds = carried(asked, c.text, lang)
        if "definition" in kinds and not subject & set(tokenize([" ".join(c.text.split()[:6])], lang)[0]):
            kinds.discard("definition")  # it defines something, but not what was asked about
        if "side_effects" in kinds and not (of_what and of_what & set(tokenize([c.text], lang)[0])):
            kinds.discard("side_effects")  # side effects, but of another treatment than the one asked about
        score = c.score + CARRIES_BONUS * min(2, len(kinds))
        if wrong_kind(asked, c.text):
            score -= WRONG_KIND
        if is_trivia(asked, c.text, lang):  # the drugs asked for, with their year, are less beside the point
            score -= TRIVIA / 2 if "drugs" in kinds else TRIVIA
        score -= beside_the_question(asked, c.text, lang)
        out.append(replace(c, score=score) if score != c.score else c)
    return out


def uncovered(asked: Asked, chosen: list[Candidate], cands: list[Candidate], lang: str = "en",
              respell: Callable[[str], str] | None = None) -> tuple[list[Candidate], list[str]]:
    """Every sub-question answered: for a part no chosen sentence speaks to, the best candidate that does takes
    the place of the weakest chosen one. Returns the chosen sentences and the parts nothing answers. ``respell``
    gives the guide words a part's misspelt words stand for ("tamoxafin" -> tamoxifen)."""
    if not asked.parts:
        return chosen, []
    chosen = list(chosen)
    missing: list[str] = []
    texts = [f"{p.text} {respell(p.text)}" if respell else p.text for p in asked.parts]
    others = [set(t) for t in tokenize(texts, lang)]
    pool = sorted({c.text: c for c in [*chosen, *cands]}.values(), key=lambda c: -c.score)
    words = {c.text: set(t) for c, t in zip(pool, tokenize([c.text for c in pool], lang), strict=True)}
    for i, part in enumerate(asked.parts):
        own = others[i] - set().union(*(o for j, o in enumerate(others) if j != i)) - _not_evidence(lang)
        if not own and not part.kinds:
            continue

        def speaks(c: Candidate, part: Asked = part, own: set[str] = own) -> bool:
            return bool(own & words[c.text]) if own else bool(carried(part, c.text, lang))

        if any(speaks(c) for c in chosen):
            continue
        best = next((c for c in pool if speaks(c) and c not in chosen), None)
        if best is None:
            missing.append(part.text)
            continue
        if len(chosen) >= 2:
            chosen.remove(min(chosen[1:], key=lambda c: c.score))
        chosen.append(best)
    return chosen, missing


@lru_cache(maxsize=4)
def _not_evidence_cached(lang: str) -> frozenset[str]:
    return frozenset(tokenize([" ".join(_rules(lang).not_evidence)], lang)[0])


def _not_evidence(lang: str) -> frozenset[str]:
    return _not_evidence_cached(lang)
