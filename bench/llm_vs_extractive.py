"""Extractive vs LLM-written answers on the same questions: how many of the LLM's sentences survive the verifier,
what it drops and why, how often the answer falls back to the extractive one, reading grade and latency. The LLM is
SmolLM2-135M-Instruct on a local llama.cpp server (`bash scripts/install_llm_test_model.sh`); skipped without it.
Details and the sentences the verifier removed go to ``bench/results/llm_vs_extractive.md``."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.common import RESULTS, ROOT, bench_store, console, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.answer.verify import check
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import LLMSettings, Settings
from oncoguide.corpus.schema import load_catalog
from oncoguide.ingest.pipeline import ingest
from oncoguide.llm import local
from oncoguide.llm.writer import parse

SEED_QUESTIONS = (
    "What does ALK positive mean in lung cancer?",
    "What are the common chemotherapy drugs and treatments for lung cancer?",
    "What is immunotherapy?",
    "What does stage 4 lung cancer mean?",
)
CATALOG_QUESTIONS = 16
_GIVEN = re.compile(r'^<passage id="([^"]+)"', re.M)


@dataclass
class Run:
    """One mode's answers and timings."""

    answers: list[Answer] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def questions() -> list[str]:
    """The seed questions and catalog questions spread over the catalog (every k-th, so several guides)."""
    catalog = [q.question for q in load_catalog()]
    step = max(1, len(catalog) // CATALOG_QUESTIONS)
    return [*SEED_QUESTIONS, *catalog[::step][:CATALOG_QUESTIONS]]


def main() -> None:
    reason = local.missing()
    if reason:
        console.print(f"[yellow]llm_vs_extractive skipped: {reason}[/yellow]")
        return
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    ingest([CORPUS_DIR], bench_store(settings.db_url), settings)
    asked = questions()
    extractive, llm = Run(), Run()
    replies: dict[str, tuple[str, set[str]]] = {}
    with local.local_server() as url:
        # What a 135M model on two shared cores can do: few passages, short replies, a patient timeout.
        cfg = LLMSettings(url=url, model=local.MODEL_NAME, max_passages=4, max_tokens=200, timeout_s=300)
        engines = (AnswerEngine(settings), AnswerEngine(settings.model_copy(update={"llm": cfg})))
        client = engines[1].writer.client
        assert client is not None
        complete = client.complete

        def keep(messages: list[dict[str, str]]) -> str:  # keep the raw replies for the report
            data = messages[-1]["content"]
            out = complete(messages)
            replies[data.split("\n")[1]] = (out, set(_GIVEN.findall(data)))
            return out

        client.complete = keep  # type: ignore[method-assign]
        for engine in engines:
            engine.ask("warm up the embedder")
        for q in asked:
            for engine, run in zip(engines, (extractive, llm), strict=True):
                t = time.perf_counter()
                run.answers.append(engine.ask(q))
                run.seconds.append(time.perf_counter() - t)
                console.print(f"{run.seconds[-1]:6.1f}s {q[:70]}", highlight=False)
    rows = [_row("extractive", extractive), _row(f"LLM ({local.MODEL_NAME})", llm)]
    writers = [a.writer for a in llm.answers if a.writer]
    fallbacks = Counter(_kind(w.fallback_reason) for w in writers if w.fallback_reason)
    drops: Counter[str] = Counter()
    for w in writers:
        drops.update(w.drop_reasons)
    used = [i for i, a in enumerate(llm.answers) if a.writer and a.writer.mode == "llm"]
    report(
        "llm_vs_extractive", f"Extractive vs LLM-written answers ({len(asked)} questions)",
        ["mode", "answers", "LLM text used", "fallbacks", "sentences written", "supported rate", "dropped",
         "body sentences (mean)", "reading grade (mean)", "latency p50 s", "latency p95 s"], rows,
        {"llm_settings": cfg.model_dump(exclude={"url", "api_key"}), "fallback_reasons": dict(fallbacks),
         "drop_reasons": dict(drops),
         "grade_where_llm_used": {"extractive": _mean([extractive.answers[i].reading_grade for i in used]),
                                  "llm": _mean([llm.answers[i].reading_grade for i in used])},
         "questions": [_detail(q, e, a, te, ta) for q, e, a, te, ta in
                       zip(asked, extractive.answers, llm.answers, extractive.seconds, llm.seconds, strict=True)]},
    )
    index = engines[1].index
    texts = {p.id: p.text for p in index.passages}
    (RESULTS / "llm_vs_extractive.md").write_text(_markdown(asked, extractive, llm, replies, texts))


def _row(name: str, run: Run) -> list[object]:
    ws = [a.writer for a in run.answers if a.writer]
    if ws:
        written, kept = sum(w.written for w in ws), sum(w.kept for w in ws)
        dropped = sum(w.dropped for w in ws)
        used = sum(w.mode == "llm" for w in ws)
        fallbacks = sum(w.fallback_reason is not None for w in ws)
    else:
        written, kept = (sum(a.verification.sentences for a in run.answers),
                         sum(a.verification.supported for a in run.answers))
        dropped, used, fallbacks = sum(a.verification.removed for a in run.answers), 0, 0
    answered = [a for a in run.answers if a.evidence_status != "insufficient"]
    return [name, len(run.answers), used, fallbacks, written, kept / written if written else 0.0, dropped,
            _mean([len(a.body_sentences()) for a in answered]), _mean([a.reading_grade for a in answered]),
            statistics.median(run.seconds), _p95(run.seconds)]


def _kind(reason: str) -> str:
    return "too few supported sentences" if reason.startswith("too few") else reason


def _detail(q: str, e: Answer, a: Answer, te: float, ta: float) -> dict[str, object]:
    w = a.writer
    return {"question": q, "mode": w.mode if w else "extractive", "fallback_reason": w.fallback_reason if w else None,
            "written": w.written if w else 0, "kept": w.kept if w else 0, "dropped": w.dropped if w else 0,
            "grade_extractive": e.reading_grade, "grade_llm": a.reading_grade,
            "seconds_extractive": round(te, 3), "seconds_llm": round(ta, 3)}


def _markdown(asked: list[str], extractive: Run, llm: Run, replies: dict[str, tuple[str, set[str]]],
              texts: dict[str, str]) -> str:
    """Per question: what the writer did, the LLM answer's body, and each sentence the verifier removed."""
    out = ["# Extractive vs LLM-written answers", ""]
    for q, e, a in zip(asked, extractive.answers, llm.answers, strict=True):
        w = a.writer
        out += [f"## {q}", "", f"*{w.model_dump() if w else 'no LLM call (insufficient evidence)'}; grade "
                f"{e.reading_grade} extractive, {a.reading_grade} with the writer*", ""]
        out += [f"- {s.text} [{', '.join(s.citations)}]" for s in a.body_sentences()] + [""]
        if q not in replies:
            continue
        reply, given = replies[q]
        shown = {i: texts[i] for i in given}
        removed = [f"- ~~{d.text}~~ [{', '.join(d.citations)}]: {_why(d.text, d.citations, shown)}"
                   for d in parse(reply) if not any(d.text == s.text for s in a.body_sentences())]
        if removed:
            out += ["Removed or not used:", "", *dict.fromkeys(removed), ""]
    return "\n".join(out)


def _why(text: str, citations: tuple[str, ...], passages: dict[str, str]) -> str:
    if not citations:
        return "cites nothing"
    if any(c not in passages for c in citations):
        return "cites a passage it was not given"
    checks = [check(text, passages[c]) for c in citations]
    if any(c.supported for c in checks):
        return "supported, but not used (the answer fell back, or the sentence was cut for reading grade)"
    return "; ".join(c.reason for c in checks)


def _mean(xs: list[float] | list[int]) -> float:
    return statistics.fmean(xs) if xs else 0.0


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100)[94] if len(xs) > 1 else (xs[0] if xs else 0.0)


if __name__ == "__main__":
    main()
