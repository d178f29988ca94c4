"""The library API: one object that answers questions; the CLI and the web app both use it.

``ask`` normalises the question, carries entities into follow-ups and caches answers; ``_compose`` runs the
stages of ``answer/stages/`` in order over the typed state of ``answer/state.py``. Safety triage
(``answer/stages/triage.py``) is called here, in ``_compose``, and nowhere else.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from oncoguide.answer import scope
from oncoguide.answer.related import RelatedQuestions
from oncoguide.answer.stages import cite, compose, gate, match, personalise, retrieve, select, triage, verify, write
from oncoguide.answer.state import Resources
from oncoguide.answer.terms import Glossary
from oncoguide.answer.writer import Writer, writer_for
from oncoguide.config import Settings
from oncoguide.corpus.schema import load_catalog
from oncoguide.domain.answer import Answer, Sentence, Verification
from oncoguide.knowledge.schema import required, topic
from oncoguide.knowledge.topics import answer_rules, answer_text, myths
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records.model import Profile
from oncoguide.search.index import SearchIndex
from oncoguide.store import Store
from oncoguide.store.schema import DocumentRow
from oncoguide.text.segment import normalize_space
from oncoguide.understand.entities import extract

MYTHS_GUIDE = required("en", "myths", myths.Model).guide  # kept for bench/cancer_myth.py
TERMS_HEADING = required("en", "answer_text", answer_text.Model).terms_heading  # kept for bench/cancer_myth.py
INSUFFICIENT = required("en", "answer_text", answer_text.Model).insufficient  # kept for tests/test_safety.py
CACHE_SIZE = 2048


class AnswerEngine:
    """Answers questions from the stored corpus. Thread-safe; answers are cached per corpus version."""

    def __init__(self, settings: Settings, store: Store | None = None,
                 progress: Callable[[int, int], None] | None = None, writer: Writer | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.db_url)
        self.index = SearchIndex.open(self.store, settings, progress)
        self.documents: dict[str, DocumentRow] = {d.id: d for d in self.store.documents()}
        self.related = RelatedQuestions(load_catalog(), self.index)
        self.glossary = Glossary(self.index, lang=settings.language)
        self.catalog_answers = match.CatalogAnswers(self.index)  # question-first answers
        self.writer = writer or writer_for(settings)  # the optional LLM writer (off unless ONCOGUIDE_LLM__URL is set)
        lang = settings.language
        self.resources = Resources(
            settings=settings, index=self.index, documents=self.documents, covered_entities=self._covered(),
            glossary=self.glossary, related=self.related, writer=self.writer, lang=lang,
            text=required(lang, "answer_text", answer_text.Model),
            rules=required(lang, "answer_rules", answer_rules.Model), myths=topic(lang, "myths", myths.Model),
        )
        triage.warm(lang)  # the safety rules and bank load at start, not in the first requests
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def _covered(self) -> frozenset[str]:
        """The cancers the guides are about (with their broader and narrower types: a guide on NSCLC covers lung
        adenocarcinoma), and the biomarkers and drugs of those cancers or named in a guide's title."""
        named = {t for doc in self.documents.values() for t in doc.cancer_types}
        titled = {e.id for doc in self.documents.values() for e in extract(doc.title)}
        cancers = scope.widen(named | titled)
        vocab = load_vocabulary()
        markers = {b.id for b in vocab.biomarkers if cancers & set(b.cancers)}
        drugs = {d.generic for d in vocab.drugs if cancers & set(d.cancers)}
        return frozenset(cancers | titled | markers | drugs)

    @property
    def corpus_version(self) -> str:
        return self.index.version

    def ask(self, question: str, context: Sequence[str] = (), profile: Profile | None = None) -> Answer:
        """Answer ``question``; ``context`` holds the earlier questions of a conversation, oldest first, so a
        follow-up like "what about its side effects?" keeps the cancer, biomarker or drug asked about before.
        With a ``profile`` the answer is steered to the person's situation and says which facts shaped it."""
        question = normalize_space(question)
        if not question:
            raise ValueError("the question is empty")
        limit = self.settings.server.max_question_chars
        if len(question) > limit:
            raise ValueError(f"the question is {len(question)} characters long; the limit is {limit}")
        carried = self._carried_entities(question, context)
        mine = personalise.applies(self.resources, question, carried, profile)
        profile_key = hashlib.sha256(profile.model_dump_json().encode()).hexdigest()[:16] if profile else ""
        key = (f"{question.lower().rstrip('?!. ')}|{carried}|{self.corpus_version}|{profile_key}|{mine}"
               f"|{self.writer.key}")
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        answer = self._compose(question, carried, profile if mine else None)
        if profile is not None:
            answer = personalise.personalise(answer, profile)
        with self._lock:
            self._cache[key] = answer
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return answer

    def _compose(self, question: str, carried: str = "", profile: Profile | None = None) -> Answer:
        res = self.resources
        safety = triage.for_question(question, profile, self.index, res.lang)  # rules + the labelled bank
        ask = retrieve.understand(res, question, carried, profile, safety=safety)
        evidence = retrieve.retrieve(res, ask)
        if evidence.correction is not None and not triage.corrects_belief(ask.safety):
            ask.safety = triage.message("myth", res.lang)
        # question-first: a question meaning a catalog question starts from its written answer
        parts = tuple(p.text for p in ask.asked.parts)
        found = [] if (profile or carried or evidence.correction) else self.catalog_answers.match_all(question, parts)
        def share() -> float:
            return triage.out_of_scope_share(question, self.index, res.lang)

        if not found and gate.not_health(res, ask, evidence, share):
            ask.safety = triage.message("out_of_scope", res.lang)
            return cite.declined(res, question, ask.intent, ask.safety)
        if not found and not gate.answerable(res, evidence):
            if gate.out_of_scope(res, ask, evidence, share):
                ask.safety = triage.message("out_of_scope", res.lang)
            return cite.declined(res, question, ask.intent, ask.safety)
        if found:
            strong, candidates, chosen = select.from_match(res, ask, evidence, found)
        else:
            strong = select.strong_hits(res, ask, evidence)
            candidates, chosen = select.sentences(res, ask, evidence, strong)
        summary, sections = compose.arrange(res, ask, chosen)
        written = write.write(res, ask, strong, summary, sections)
        draft = compose.complete(res, ask, evidence, strong, candidates, chosen, written)
        answer = cite.finish(res, question, ask.intent, ask.safety, draft.summary, draft.sections, draft.asked,
                             draft.context, "supported" if found else gate.status(evidence))
        answer.catalog_match = found[0].question.slug if found else None
        written.annotate(answer)
        answer.related = self.related.find(question, ask.intent, [c.document_id for c in answer.citations.values()])
        return answer

    def diagnosis_summary(self, profile: Profile) -> Answer:
        """What each key biomarker and the stage mean for this cancer, the treatment timeline, and the guide
        sections that apply (``stages/personalise.py``)."""
        return personalise.diagnosis_summary(self.resources, profile, self.ask)

    def verified(self, sentences: list[Sentence], tally: Verification) -> list[Sentence]:
        """The sentences their cited passages support; the others are removed and counted."""
        return verify.verified(self.resources, sentences, tally)

    def _carried_entities(self, question: str, context: Sequence[str]) -> str:
        """Entity words to carry into a follow-up question that names none of its own."""
        if (not context or any(e.kind != "stage" for e in extract(question))
                or not self.resources.rules.follow_up.search(question)):
            return ""
        for earlier in reversed(context):
            found = [e.text for e in extract(earlier) if e.kind in ("cancer", "biomarker", "drug")]
            if found:
                return " ".join(dict.fromkeys(found))
        return ""
