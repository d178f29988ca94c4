"""The answer pipeline's seams: the Writer protocol, the language's knowledge, the package boundaries."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.writer import Extractive, Written, writer_for
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.domain.answer import AnswerSection, Sentence
from oncoguide.ingest.pipeline import ingest
from oncoguide.knowledge import KnowledgeError
from oncoguide.search.index import Hit
from oncoguide.store import Store

SRC = Path(__file__).resolve().parents[1] / "src" / "oncoguide"


class FirstSentenceOnly:
    """A writer that keeps only the summary's first sentence."""

    key = "first-sentence"

    def __init__(self) -> None:
        self.questions: list[str] = []

    def rewrite(self, question: str, hits: Sequence[Hit], records: str, summary: list[Sentence],
                sections: list[AnswerSection]) -> Written:
        self.questions.append(question)
        return Written(summary[:1], [])


@pytest.fixture
def corpus(settings: Settings) -> Settings:
    report = ingest([CORPUS_DIR], Store(settings.db_url), settings)
    assert not report.errors
    return settings


def test_the_engine_uses_the_writer_it_is_given(corpus: Settings) -> None:
    writer = FirstSentenceOnly()
    engine = AnswerEngine(corpus, writer=writer)
    answer = engine.ask("What does ALK positive mean in lung cancer?")
    assert writer.questions == ["What does ALK positive mean in lung cancer?"]
    assert len(answer.summary) == 1 and answer.summary[0].citations
    assert [s.heading for s in answer.sections] in ([], ["Words to know"])


def test_without_an_llm_the_writer_is_extractive(settings: Settings) -> None:
    assert isinstance(writer_for(settings), Extractive)


def test_a_language_without_answer_wording_is_refused(corpus: Settings) -> None:
    with pytest.raises(KnowledgeError, match=r"'es' has no answer_(text|rules) knowledge"):
        AnswerEngine(corpus.model_copy(update={"language": "es"}))


def _imports(package: str) -> set[str]:
    found = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("answer", "oncoguide.llm"),  # llm implements answer's Writer protocol, not the other way round
    ("domain", "oncoguide."),  # plain models: nothing else of ours
    ("knowledge", "oncoguide.text"),  # text reads knowledge
])
def test_package_boundaries(package: str, forbidden: str) -> None:
    allowed = {"oncoguide.domain"} if package != "domain" else set()
    bad = {m for m in _imports(package) if m.startswith(forbidden) and not m.startswith(tuple(allowed))
           and not m.startswith(f"oncoguide.{package}")}
    assert not bad, f"{package}/ imports {sorted(bad)}"
