"""What the answer stages share and hand each other: the corpus resources, then Ask -> Evidence -> Draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from oncoguide.answer.asked import Asked
from oncoguide.answer.compose import Candidate
from oncoguide.answer.related import RelatedQuestions
from oncoguide.answer.terms import Glossary
from oncoguide.answer.writer import Writer, Written
from oncoguide.config import Settings
from oncoguide.domain.answer import AnswerSection, Safety, Sentence
from oncoguide.knowledge.topics import answer_rules, answer_text, myths
from oncoguide.records.model import Profile
from oncoguide.search.index import Hit, SearchIndex
from oncoguide.store.schema import DocumentRow
from oncoguide.understand.entities import Entity


@dataclass(frozen=True)
class Resources:
    """Everything the stages read and nothing they change: the index of one corpus version, its documents, the
    knowledge of the answer language."""

    settings: Settings
    index: SearchIndex
    documents: dict[str, DocumentRow]
    covered_entities: frozenset[str]  # cancers, biomarkers and drugs the guides are about
    glossary: Glossary
    related: RelatedQuestions
    writer: Writer
    lang: str
    text: answer_text.Model
    rules: answer_rules.Model
    myths: myths.Model | None  # None: the language has no myths knowledge (feature off)


@dataclass
class Ask:
    """The question as understood: its intent, safety flag, and what to search for."""

    question: str
    intent: str
    safety: Safety | None
    said: str  # what was asked (+ carried entities, + the profile's situation): coverage is judged on it
    query: str  # ``said`` + the profile's search terms + safety hints: what is searched
    steered: bool  # the profile added search terms
    entities: list[Entity]
    family: set[str]  # the cancers the question is about (with broader and narrower ones)
    profile: Profile | None = None
    carried: str = ""
    asked: Asked = field(default_factory=lambda: Asked(text="", kinds=frozenset(), drug_kinds=frozenset(),
                                                        trivia=False))  # what kinds of answer it asks for
    uncovered: list[str] = field(default_factory=list)  # sub-questions no guide sentence answers


@dataclass
class Evidence:
    """The ranked passages for an ``Ask`` and how well they cover it."""

    hits: list[Hit]
    correction: Hit | None  # the myths-guide passage correcting the belief the question rests on
    tokens: set[str]  # the question's content words (stemmed)
    idf: dict[str, float]
    coverage: float
    names_covered: bool  # the question names a cancer, biomarker or drug the guides are about
    widened: float = 0.0  # coverage of the words some guide uses, over the ten best passages

    @property
    def top(self) -> float:
        return self.hits[0].score if self.hits else 0.0


@dataclass
class Draft:
    """The chosen sentences of an answer, arranged and written, before verification."""

    strong: list[Hit]
    candidates: list[Candidate]
    chosen: list[Candidate]
    written: Written
    summary: list[Sentence] = field(default_factory=list)
    sections: list[AnswerSection] = field(default_factory=list)
    asked: list[Sentence] = field(default_factory=list)
    context: list[Sentence] = field(default_factory=list)
