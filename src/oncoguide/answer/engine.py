"""The library API: one object that answers questions; the CLI and the web app both use it."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace

from oncoguide.answer import compose, personal
from oncoguide.answer.model import Answer, AnswerSection, Citation, Reference, Safety, Sentence, Source, Verification
from oncoguide.answer.related import RelatedQuestions
from oncoguide.answer.safety import MESSAGES
from oncoguide.answer.stages import triage as triage_stage
from oncoguide.answer.terms import Glossary
from oncoguide.answer.verify import check
from oncoguide.config import Settings
from oncoguide.corpus.schema import load_catalog, load_vocabulary
from oncoguide.ingest.sentences import normalize_space
from oncoguide.llm.writer import Writer
from oncoguide.readability import fk_grade
from oncoguide.records.model import Profile
from oncoguide.search.index import Hit, SearchIndex
from oncoguide.search.lexical import tokenize
from oncoguide.store import Store
from oncoguide.store.schema import DocumentRow
from oncoguide.understand.entities import Entity, extract
from oncoguide.understand.intents import question_intent
from oncoguide.understand.normalize import search_text

NOTICE = (
    "For information only, not medical advice. OncoGuide quotes the guides it holds; it does not know your "
    "full situation. Talk with your oncology team before making any treatment decision, and contact them "
    "right away about new or worsening symptoms."
)
INSUFFICIENT = (
    "OncoGuide's guides do not cover this question well enough to answer it. Rather than guess, we suggest "
    "asking your care team."
)
GENERIC_QUESTIONS = (
    "What does this mean for my type and stage of cancer?",
    "What are my options, and what are the goals of each one?",
    "Where can I find trusted information about this?",
    "Who on my care team should I call if I have questions later?",
)
TERMS_HEADING = "Words to know"
_CANCER_BONUS = 0.15
# Words that make a question a health question even when the guides do not cover it.
_HEALTH = re.compile(
    r"\b(cancer|tumou?r|oncolog|chemo|radiation|biopsy|scan|doctor|nurse|hospital|symptom|pain|medicine|drug"
    r"|treatment|therapy|disease|diagnos|health|sick|ill|blood|surgery|side effects?|leuk|lymph|myelo|marrow"
    r"|transplant|patients?|condition|clinic|\w{3,}omas?\b|\bAML\b|\bCML\b|\bCLL\b)", re.I
)
_LONG_QUESTION = 8  # content words
MYTHS_GUIDE = "myths"
_MYTH_SIMILARITY, _MYTH_LEXICAL, _MYTH_MARGIN = 0.87, 3.5, 0.01
# Words that state a belief about cancer as settled ("the inevitable side effects", "surgery is the only way",
# "now that he is cancer-free", "nothing can be done", "she feels fine"): with them, a question about cancer
# that is close in meaning to a section of the myths guide is taken to rest on the belief that section
# corrects. Chosen on the even-indexed Cancer-Myth questions (the odd ones are held out: bench/cancer_myth.py)
# and checked once against about 1,700 ordinary questions (catalog, safety set, LiveQA, K-QA, a MedQuAD
# sample): the flags left there are the catalog's own myth questions and a few near misses.
_MYTH_CUE = re.compile(
    r"\b(inevitabl\w*|unavoidabl\w*|bound to|for sure"
    r"|(the )?only (real |true |effective |possible )?(option|choice|way|treatment|cure|path|hope|solution)s?"
    r"|no other (option|choice|treatment|way)s?"
    r"|nothing (else )?(can|could|to) be done|no (real )?(treatment|cure|hope|options?)( left| available)?\b"
    r"|untreatable|incurable|(can ?not|can't|won't|cannot) (be )?(treat|cure)\w*"
    r"|diagnos\w*\b.*\b(hospice|end[- ]of[- ]life)|(hospice|end[- ]of[- ]life)\b.*\bdiagnos\w*"
    r"|final (days|weeks|months)|remaining (time|days|weeks|months)"
    r"|time (we|they|she|he|I) (have|has) left|prepare (\w+ )?for the worst|imminent|say(ing)? goodbye"
    r"|shortened life|won't (live|survive|make it)|affairs in order"
    r"|cured|cancer[- ]free|in the clear|(past|behind) (this|it|us|him|her|them)|for good"
    r"|(never|won't|will not) (come|grow) back|no (more|longer) (need|check|follow|scan|screen|worr)\w*"
    r"|without (any )?(further |more )?(medical )?(concerns|worr\w*)"
    r"|end of (his|her|the|their|my|our) (cancer )?journey"
    r"|no symptoms|symptom[- ]free|asymptomatic|feel(s|ing)? (fine|great|good|well|healthy|normal)|painless"
    r"|permanent(ly)?|forever|lifelong"
    r"|too young|not (at |in a )?(high[- ])?risk|low[- ]risk|minor (health )?(issue|problem|thing)"
    r"|caused (his|her|my|their)|because of (the|his|her|my) (injury|fall|accident|biopsy|surgery))",
    re.I,
)
_MYTH_CANCER = re.compile(
    r"cancer|tumou?r|\w{3,}omas?\b|leuk|lymph|chemo|radiation|radiotherap|oncolog|malignan|metasta"
    r"|remission|biopsy|\bAML\b|\bCML\b|\bCLL\b", re.I
)
_MYTH_CUED_SIMILARITY = 0.81
_FIRST_PERSON = re.compile(r"\b(my|mine|me|i|i'm|i've|we|our)\b", re.I)
_FOLLOW_UP = re.compile(r"\b(it|its|it's|this|that|these|those|them|they|their)\b|^(and|what about|how about)\b", re.I)


def _carried_entities(question: str, context: Sequence[str]) -> str:
    """Entity words to carry into a follow-up question that names none of its own."""
    if not context or any(e.kind != "stage" for e in extract(question)) or not _FOLLOW_UP.search(question):
        return ""
    for earlier in reversed(context):
        found = [e.text for e in extract(earlier) if e.kind in ("cancer", "biomarker", "drug")]
        if found:
            return " ".join(dict.fromkeys(found))
    return ""


_MEASURE = re.compile(r"^\d+(\.\d+)?[a-z]{0,3}$")  # 39c, 100f, 2024, 5mm: amounts, not topics
# Words that say what kind of question it is, not what it is about: they do not count as evidence.
_GENERIC = set(tokenize([
    "what which who how why when where does do is are can could should would will mean means meaning about "
    "cancer cancers tumor tumors tell explain know need my me i you your please type types kind best good bad "
    "treatment treatments treat treated options option latest newest new current recent specific common "
    "different used use help get"
])[0])


class AnswerEngine:
    """Answers questions from the stored corpus. Thread-safe; answers are cached per corpus version."""

    def __init__(self, settings: Settings, store: Store | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.db_url)
        self.index = SearchIndex.open(self.store, settings, progress)
        self.documents: dict[str, DocumentRow] = {d.id: d for d in self.store.documents()}
        self.related = RelatedQuestions(load_catalog(), self.index)
        self.glossary = Glossary(self.index)
        covered = {t for doc in self.documents.values() for t in doc.cancer_types}
        covered |= {e.id for doc in self.documents.values() for e in extract(doc.title)}
        parents = {c.id: c.parent for c in load_vocabulary().cancers if c.parent}
        self._covered_entities: set[str] = covered | {parents[c] for c in covered if c in parents}
        self.writer = Writer(settings)  # the optional LLM writer (off unless ONCOGUIDE_LLM__URL is set)
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

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
        carried = _carried_entities(question, context)
        mine = profile is not None and (_FIRST_PERSON.search(question) is not None or not any(
            e.kind in ("cancer", "biomarker", "drug") for e in extract(f"{question} {carried}")))
        profile_key = hashlib.sha256(profile.model_dump_json().encode()).hexdigest()[:16] if profile else ""
        key = (f"{question.lower().rstrip('?!. ')}|{carried}|{self.corpus_version}|{profile_key}|{mine}"
               f"|{self.writer.key}")
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        answer = self._compose(question, carried, profile if mine else None)
        if profile is not None:
            answer = self._personalise(answer, profile)
        with self._lock:
            self._cache[key] = answer
            while len(self._cache) > 2048:
                self._cache.popitem(last=False)
        return answer

    # ---------------------------------------------------------------------------------------------------
    def _compose(self, question: str, carried: str = "", profile: Profile | None = None) -> Answer:
        safety = triage_stage.for_question(question, profile, self.index)  # issue 14: rules + safety bank
        intent = question_intent(question)
        if profile and intent in ("treatment", "other") and personal.progressed_on(profile):
            intent = "resistance"  # "what are my options now?" after a drug stopped working
        steer = personal.search_terms(profile) if profile else ""
        meant = personal.situation(profile, intent) if profile else ""
        said = " ".join(x for x in (search_text(question), carried, meant) if x)
        query = " ".join(x for x in (said, steer) if x)
        query += triage_stage.search_hint(safety)  # urgent questions: the guide sections written for them
        entities = extract(query)
        family = self._cancer_family(entities)
        boost = {d: _CANCER_BONUS for d in self.documents if family and not self._off_topic(d, family)
                 and self.documents[d].cancer_types}
        correction = self._myth_section(query, question) if safety is None else None
        myth = correction is not None
        if correction is not None:
            safety = Safety(kind="myth", message=MESSAGES["myth"])
        hits = self.index.search(query, k=20, intent=intent, doc_boost=boost)
        # The section that corrects the belief leads the answer (no bonus for the whole guide: its other
        # sections are about other beliefs).
        if correction is not None:
            lead = max([correction.score, *(h.score for h in hits)]) + 0.5
            hits = [replace(correction, score=lead),
                    *(h for h in hits if h.passage.id != correction.passage.id)]
        # coverage is judged on what was asked; the profile's words only steer the search
        q_tokens = {t for t in tokenize([said])[0] if t not in _GENERIC and not _MEASURE.match(t)}
        idf = {t: self.index.lexical.idf(t) for t in q_tokens}
        # A long question about a cancer the guides cover may draw on several sections: look wider.
        covered = self._names_covered_entity(entities)
        wide = len(idf) > _LONG_QUESTION and covered
        coverage = self._coverage(hits[: 10 if wide else 3], idf)
        top = hits[0].score if hits else 0.0
        # A question flagged as resting on a myth is answered from the section that corrects it, however chatty.
        if not hits or not ((myth and hits[0].passage.document_id == MYTHS_GUIDE)
                            or self._relevant(hits[0], coverage, covered)):
            if safety is None and coverage < 0.3 and not entities and not _HEALTH.search(query):
                safety = Safety(kind="out_of_scope", message=MESSAGES["out_of_scope"])
            return self._insufficient(question, intent, safety, hits)
        strong = [h for h in hits if h.score >= 0.6 * top and not self._off_topic(h.passage.document_id, family)]
        if profile is not None and profile.stage.group:
            strong = [h for h in strong if not self._other_stage(h.passage.text, profile.stage.group.value)]
        if correction is not None and hits[0] not in strong:
            strong.insert(0, hits[0])  # the correction is general: never off topic for the cancer asked about
        strong = strong[:8] or hits[:1]
        cands = compose.candidates(strong, q_tokens, idf)
        chosen = compose.select(cands, self.settings.answer.max_sentences)
        summary, sections = compose.arrange(chosen, intent, _subject(extract(said) if steer else entities))
        written = self.writer.rewrite(question, strong, personal.statement(profile) if profile else "", summary,
                                      sections)
        summary, sections = written.summary, written.sections
        terms = self.glossary.explain([*summary, *(x for sec in sections for x in sec.sentences)])
        if terms:
            sections.append(AnswerSection(heading=TERMS_HEADING, sentences=terms))
        sections = compose.ease(summary, sections)
        docs = {h.passage.document_id for h in strong}
        asked = compose.questions_to_ask(
            self.index.search(query + " questions to ask", k=20, intent=intent, mode="lexical", doc_filter=docs),
            q_tokens,
        )
        context = compose.important_context(cands, {c.text for c in chosen})
        status = "supported" if coverage >= 0.8 and top >= 0.7 else "partial"  # top: fused score, 0..~1.3
        answer = self._finish(question, intent, safety, summary, sections, asked, context, status)
        written.annotate(answer)
        guides = [c.document_id for c in answer.citations.values()]
        answer.related = self.related.find(question, intent, guides)
        return answer

    def _personalise(self, answer: Answer, profile: Profile) -> Answer:
        """State the profile facts used and add the questions the records raise (pending tests, conflicts)."""
        own = [Sentence(text=q, fixed=True) for q in personal.questions(profile)]
        asked = (own + [q for q in answer.questions_to_ask if q.text not in {o.text for o in own}])[:6]
        return answer.model_copy(update={"profile_used": personal.facts(profile), "questions_to_ask": asked})

    def diagnosis_summary(self, profile: Profile) -> Answer:
        """What each key biomarker and the stage mean for this cancer, the treatment timeline, and the guide
        sections that apply: one answer assembled from cited guide sentences plus the person's own records."""
        cancer = personal.cancer_name(profile)
        topics = [(f"What your {b.name} result means", f"What does {personal.marker_phrase(b)} mean in {cancer}?")
                  for b in personal.key_markers(profile)][:4]
        if personal.stage_name(profile):
            stage = personal.stage_name(profile)
            topics.append((f"What {stage} means", f"What does {stage} {cancer} mean?"))
        sections: list[AnswerSection] = []
        asked: list[Sentence] = [Sentence(text=q, fixed=True) for q in personal.questions(profile)]
        for heading, question in topics:
            sub = self.ask(question)
            if sub.evidence_status == "insufficient":
                continue
            first = sub.sections[0].sentences[:2] if sub.sections else []
            sections.append(AnswerSection(heading=heading, sentences=[*sub.summary, *first]))
            asked += [q for q in sub.questions_to_ask if all(q.text != a.text for a in asked)]
        timeline = [Sentence(text=line, fixed=True) for line in personal.timeline(profile)]
        if timeline:
            sections.append(AnswerSection(heading="Your treatment history (from your records)", sentences=timeline))
        statement = personal.statement(profile) or "Your records do not yet show a cancer type or stage."
        summary = [Sentence(text=statement, fixed=True)]
        status = "supported" if any(not s.fixed for sec in sections for s in sec.sentences) else "insufficient"
        answer = self._finish("Summary of my diagnosis", "definition", None, summary, sections, asked[:6], [],
                              status)
        return answer.model_copy(update={"profile_used": personal.facts(profile), "title": "Your diagnosis"})

    def _cancer_family(self, entities: list[Entity]) -> set[str]:
        """The cancers a question is about: those it names (with their broader and narrower types), or else
        the cancers of the biomarkers and drugs it names."""
        vocab = load_vocabulary()
        named = {e.id for e in entities if e.kind == "cancer"}
        if not named:
            by_id = {**{b.id: b.cancers for b in vocab.biomarkers}, **{d.generic: d.cancers for d in vocab.drugs}}
            named = {c for e in entities if e.kind in ("biomarker", "drug") for c in by_id.get(e.id, [])}
        family = set(named)
        for c in vocab.cancers:
            if c.id in named and c.parent:
                family.add(c.parent)
            if c.parent in named:
                family.add(c.id)
        return family

    @staticmethod
    def _other_stage(text: str, group: str) -> bool:
        """The passage is about other stages only (e.g. "stage IB to IIIA" for someone with stage IV)."""
        groups = {s.id: s.group for s in load_vocabulary().stages}
        named = {groups[e.id] for e in extract(text) if e.kind == "stage" and e.id in groups}
        main = re.sub(r"[ABC]\d?$", "", group.upper()) if group[:1] in "0IV" else group.lower()
        return bool(named) and main not in named

    def _off_topic(self, document_id: str, family: set[str]) -> bool:
        """A guide about other cancers than the ones asked about (general guides are never off topic)."""
        doc = self.documents.get(document_id)
        return bool(family and doc and doc.cancer_types and not family & set(doc.cancer_types))

    def _names_covered_entity(self, entities: list[Entity]) -> bool:
        """The question names a cancer, biomarker or drug that the guides are about."""
        return any(e.id in self._covered_entities for e in entities if e.kind in ("cancer", "biomarker", "drug"))

    def _is_myth(self, query: str, question: str) -> bool:
        """The question rests on a belief the myths guide corrects (see ``_myth_section``)."""
        return self._myth_section(query, question) is not None

    def _myth_section(self, query: str, question: str) -> Hit | None:
        """The myths-guide passage that corrects the belief the question rests on, if it rests on one: the
        question is clearly closer in meaning to a section of the myths guide than to any other guide and shares
        its words, or it states a belief as settled (``_MYTH_CUE``) and is close in meaning to one. Either way
        the question is about cancer (``_MYTH_CANCER``); the guide's list of questions to ask is not a
        correction."""
        if MYTHS_GUIDE not in self.documents or self.index.vectors is None or not _MYTH_CANCER.search(question):
            return None
        hits = [h for h in self.index.search(query, k=3, doc_filter={MYTHS_GUIDE})
                if not any(p.startswith("Questions to ask") for p in h.passage.section_path)]
        if not hits:
            return None
        best = hits[0]
        if best.dense >= _MYTH_SIMILARITY and best.lexical >= _MYTH_LEXICAL:
            others = set(self.documents) - {MYTHS_GUIDE}
            nearest = self.index.search(query, k=1, mode="dense", doc_filter=others) if others else []
            if not nearest or best.dense > nearest[0].dense + _MYTH_MARGIN:
                return best
        cued = best.dense >= _MYTH_CUED_SIMILARITY and _MYTH_CUE.search(question) is not None
        return best if cued else None

    def _relevant(self, best: Hit, coverage: float, names_covered: bool) -> bool:
        """Enough evidence to answer: the question's words are covered and (with vectors) the topic is close.
        A question that names a cancer, biomarker or drug the guides know may be long and chatty, so for it
        a lower share of its words must be covered."""
        cfg = self.settings.answer
        needed = cfg.min_coverage * (0.5 if names_covered else 1.0)
        if coverage < needed:
            return False
        if self.index.vectors is None:
            return True
        # A passage that shares few words and is only loosely similar is a near miss, not evidence.
        weak = best.lexical < 1.2 and best.dense < cfg.min_similarity + 0.04
        return best.dense >= cfg.min_similarity and not weak

    def _coverage(self, hits: list[Hit], idf: dict[str, float]) -> float:
        """Share (idf-weighted) of the question's content words that the best passages contain. In a long
        question, words no guide uses at all (names of relatives, plans, places) are chat, not topic."""
        if len(idf) > _LONG_QUESTION:
            idf = {t: v for t, v in idf.items() if t in self.index.lexical.df}
            if not idf:
                return 0.0
        if not idf:
            return 1.0 if hits else 0.0
        present: set[str] = set()
        for h in hits:
            title = self.index.titles.get(h.passage.document_id, "")
            present |= set(tokenize([f"{title} {' '.join(h.passage.section_path)} {h.passage.text}"])[0])
        return sum(v for t, v in idf.items() if t in present) / sum(idf.values())

    def _insufficient(self, question: str, intent: str, safety: Safety | None, hits: list[Hit]) -> Answer:
        # a safety message is never answered with "not covered" (issue 14)
        summary = [Sentence(text=triage_stage.instead_of_not_covered(safety) or INSUFFICIENT, fixed=True)]
        asked = [Sentence(text=q, fixed=True) for q in GENERIC_QUESTIONS]
        return self._finish(question, intent, safety, summary, [], asked, [], "insufficient")

    def _finish(self, question: str, intent: str, safety: Safety | None, summary: list[Sentence],
                sections: list[AnswerSection], asked: list[Sentence], context: list[Sentence],
                status: str) -> Answer:
        verification = Verification()
        summary, asked, context = (self.verified(x, verification) for x in (summary, asked, context))
        sections = [AnswerSection(heading=sec.heading, sentences=kept) for sec in sections
                    if (kept := self.verified(sec.sentences, verification))]
        body = [*summary, *(s for sec in sections for s in sec.sentences)]
        cited = [pid for s in [*body, *asked, *context] for pid in s.citations]
        citations = {pid: self._citation(pid) for pid in dict.fromkeys(cited)}
        quoted = [s for s in body if not s.fixed]
        return Answer(
            question=question, title=_title(question), intent=intent, summary=summary, sections=sections,
            questions_to_ask=asked, important_context=context, notice=NOTICE, safety=safety,
            sources=self._sources(citations), reading_grade=fk_grade(" ".join(s.text for s in quoted)),
            evidence_status=status,  # type: ignore[arg-type]
            verification=verification, citations=citations, corpus_version=self.corpus_version,
        )

    def verified(self, sentences: list[Sentence], tally: Verification) -> list[Sentence]:
        """The sentences their cited passages support; the others are removed and counted."""
        kept = []
        for s in sentences:
            if s.fixed:
                kept.append(s)
                continue
            tally.sentences += 1
            passages = [self.index.passages[self.index.by_id[c]].text for c in s.citations if c in self.index.by_id]
            if passages and all(check(s.text, p).supported for p in passages):
                tally.supported += 1
                kept.append(s)
            else:
                tally.removed += 1
        return kept

    def _citation(self, pid: str) -> Citation:
        p = self.index.passages[self.index.by_id[pid]]
        return Citation(
            passage_id=pid, document_id=p.document_id, document_title=self.index.titles.get(p.document_id, ""),
            section=list(p.section_path), page=p.page, text=p.text,
        )

    def _sources(self, citations: dict[str, Citation]) -> list[Source]:
        out: dict[str, Source] = {}
        for c in citations.values():
            doc = self.documents.get(c.document_id)
            if doc is None:
                continue
            src = out.get(doc.id) or Source(
                document_id=doc.id, title=doc.title, publisher=doc.publisher, version=doc.version, year=doc.year,
                last_reviewed=doc.last_reviewed, url=doc.url,
            )
            out[doc.id] = src
            heading = " > ".join(c.section) if c.section else ""
            if heading and heading not in src.sections:
                src.sections.append(heading)
            refs = {str(r["id"]): r for r in doc.sources}
            passage = self.index.passages[self.index.by_id[c.passage_id]]
            for sid in passage.source_ids:
                r = refs.get(sid)
                if r and all(x.title != r["title"] for x in src.references):
                    src.references.append(Reference(
                        title=str(r["title"]), publisher=str(r.get("publisher") or ""),
                        year=r.get("year"), url=r.get("url"),  # type: ignore[arg-type]
                    ))
        return list(out.values())


def _subject(entities: list[Entity]) -> str:
    """What the question is about, for section headings: "ALK-positive lung cancer", "osimertinib"."""
    vocab = load_vocabulary()
    cancers = {c.id: c.name for c in vocab.cancers}
    cancer = next((cancers[e.id] for e in entities if e.kind == "cancer"), "")
    for kind in ("biomarker", "drug", "stage"):
        e = next((e for e in entities if e.kind == kind), None)
        if e is not None:
            name = e.id if kind == "drug" else e.text
            return f"{name} {cancer}".strip() if kind != "drug" else name
    return cancer


def _title(question: str) -> str:
    q = re.sub(r"\s+", " ", question).strip().rstrip("?.! ")
    return q[:1].upper() + q[1:]
