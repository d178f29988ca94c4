"""Understand the question (intent, profile steering, entities, the cancers it is about) and rank the passages."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from oncoguide.answer import asked, personal, scope
from oncoguide.answer.stages import gate, myths, triage
from oncoguide.answer.state import Ask, Evidence, Resources
from oncoguide.domain.answer import Safety
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records.model import Profile
from oncoguide.search.lexical import tokenize
from oncoguide.understand.entities import Entity, extract
from oncoguide.understand.intents import question_intent
from oncoguide.understand.normalize import search_text

CANCER_BONUS = 0.15  # score bonus for the guides about the cancers asked about
LONG_QUESTION = gate.LONG_QUESTION  # a longer question about a covered cancer may draw on several sections
CORRECTION_LEAD = 0.5  # how far the correcting myths section is put ahead of the best hit
SPELL_MIN, SPELL_SCORE = 4, 80  # a misspelt word: at least this long, this close (rapidfuzz ratio) to a guide word
RESPELL_MIN, RESPELL_SCORE = 6, 75  # a looser match for searching, on longer words: "tamoxafin" -> tamoxifen (a
# short word no guide uses is more often a real word than a misspelling: "focal" is not "fecal")
_MEASURE = re.compile(r"^\d+(\.\d+)?[a-z]{0,3}$")  # 39c, 100f, 2024, 5mm: amounts, not topics


def understand(res: Resources, question: str, carried: str, profile: Profile | None,
               safety: Safety | None) -> Ask:
    """The question's intent and search text; with a profile, steered to the person's situation."""
    intent = question_intent(question, res.lang)
    if profile and intent in ("treatment", "other") and personal.progressed_on(profile):
        intent = "resistance"  # "what are my options now?" after a drug stopped working
    steer = personal.search_terms(profile) if profile else ""
    meant = personal.situation(profile, intent) if profile else ""
    if profile and not meant and not any(e.kind == "cancer" for e in extract(question)):
        meant = personal.cancer_name(profile)  # "What is my prognosis?" is about the person's cancer
    said = " ".join(x for x in (search_text(question, res.lang), carried, meant) if x)
    query = " ".join(x for x in (said, respelled(res, said), steer) if x)
    query += triage.search_hint(safety, res.lang)  # urgent questions: the sections written for them
    entities = extract(query)
    return Ask(question=question, intent=intent, safety=safety, said=said, query=query, steered=bool(steer),
               entities=entities, family=cancer_family(entities), profile=profile, carried=carried,
               asked=asked.analyse(question, res.lang, any(e.kind == "biomarker" for e in extract(question))))


def retrieve(res: Resources, ask: Ask) -> Evidence:
    """The ranked passages (a correcting myths section first) and how well they cover the question's words."""
    documents = res.documents
    boost = {d: CANCER_BONUS for d in documents
             if ask.family and not scope.is_general(documents[d]) and not off_topic(res, d, ask.family)}
    # a belief the triage named as a myth, or one the myths guide recognises, is corrected from that guide
    flagged = triage.corrects_belief(ask.safety)  # a myth, or stopping treatment for an alternative
    correction = myths.correction(res, ask.query, ask.question, flagged) if ask.safety is None or flagged else None
    hits = res.index.search(ask.query, k=20, intent=ask.intent, doc_boost=boost)
    # The section that corrects the belief leads the answer (no bonus for the whole guide: its other
    # sections are about other beliefs).
    if correction is not None:
        lead = max([correction.score, *(h.score for h in hits)]) + CORRECTION_LEAD
        hits = [replace(correction, score=lead), *(h for h in hits if h.passage.id != correction.passage.id)]
    # coverage is judged on what was asked; the profile's words only steer the search
    tokens = _content(res, ask.said)
    idf = {t: res.index.lexical.idf(t) for t in tokens}
    parts = [{t: res.index.lexical.idf(t) for t in _content(res, p.text)} for p in ask.asked.parts]
    covered = names_covered_entity(res, ask.entities)
    wide = len(idf) > LONG_QUESTION and covered
    coverage = gate.coverage(res, hits[: 10 if wide else 3], idf)
    return Evidence(hits=hits, correction=correction, tokens=tokens, idf=idf, coverage=coverage,
                    names_covered=covered, widened=max(gate.widened(res, hits, x) for x in [idf, *parts]))


def _content(res: Resources, text: str) -> set[str]:
    """The content words of a question (stemmed, misspellings read as guide words) that count as evidence."""
    not_evidence = _not_evidence(res)
    spelled = (_spelled(res, t) for t in tokenize([text], res.lang)[0] if not _MEASURE.match(t))
    return {t for t in spelled if t not in not_evidence}


def respelled(res: Resources, text: str) -> str:
    """The guide words that the misspelt words of a question stand for ("tamoxafin" -> tamoxifen, "side efects"
    -> effect), to search with; empty when every word is one the guides use."""
    tokens = tokenize([text], res.lang)[0]
    fixed = (_spelled(res, t, RESPELL_SCORE) for t in tokens if len(t) >= RESPELL_MIN and not _MEASURE.match(t))
    return " ".join(dict.fromkeys(f for f in fixed if f not in tokens))


def _spelled(res: Resources, token: str, cutoff: int = SPELL_SCORE) -> str:
    """A question word no guide uses, read as the guide word it is a misspelling of ("cancr" -> "cancer")."""
    df = res.index.lexical.df
    if token in df or len(token) < SPELL_MIN:
        return token
    near = [w for w in df if w[:1] == token[:1] and abs(len(w) - len(token)) <= 2]
    found = process.extractOne(token, near, scorer=fuzz.ratio, score_cutoff=cutoff)
    return str(found[0]) if found else token


def _not_evidence(res: Resources) -> frozenset[str]:
    """The question words that do not count as evidence, stemmed as search stems them."""
    return _stems(res.lang, tuple(res.rules.not_evidence))


@lru_cache(maxsize=8)
def _stems(lang: str, words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(tokenize([" ".join(words)], lang)[0])


def cancer_family(entities: list[Entity]) -> set[str]:
    """The cancers a question is about: those it names (with their broader and narrower types), narrowed to the
    cancers of the biomarkers and drugs it names when they agree ("lymphoma ... after R-CHOP" is about the
    lymphomas R-CHOP treats, not Hodgkin lymphoma); or else the cancers of the biomarkers and drugs it names. A
    cancer named alone means its usual type ("lung cancer": non-small cell lung cancer, vocabulary ``usual``)."""
    named = {e.id for e in entities if e.kind == "cancer"}
    by_id, usual = _cancers_of(), _usual()
    implied = {c for e in entities if e.kind in ("biomarker", "drug") for c in by_id.get(e.id, ())}
    if not named:
        return scope.widen(implied)
    narrowed = scope.widen(named) & scope.widen(implied) if implied else set()
    if narrowed:
        return narrowed
    return scope.widen({usual[c] if c in usual and not (scope.widen([c]) - {c}) & named else c for c in named})


@lru_cache(maxsize=1)
def _cancers_of() -> dict[str, tuple[str, ...]]:
    """Biomarker id or drug generic -> the cancers it is about (vocabulary)."""
    vocab = load_vocabulary()
    return {**{b.id: tuple(b.cancers) for b in vocab.biomarkers}, **{d.generic: tuple(d.cancers) for d in vocab.drugs}}


@lru_cache(maxsize=1)
def _usual() -> dict[str, str]:
    """Cancer id -> the type a question naming only it means (vocabulary ``usual``: lung -> nsclc)."""
    return {c.id: c.usual for c in load_vocabulary().cancers if c.usual}


def off_topic(res: Resources, document_id: str, family: set[str]) -> bool:
    """A guide about other cancers than the ones asked about (general guides are never off topic)."""
    return not scope.allows(res.documents, document_id, family)


def names_covered_entity(res: Resources, entities: list[Entity]) -> bool:
    """The question names a cancer, biomarker or drug that the guides are about."""
    return any(e.id in res.covered_entities for e in entities if e.kind in ("cancer", "biomarker", "drug"))
