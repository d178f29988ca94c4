"""LiveQA cancer questions and the seed's questions: every answer in a Markdown report, with verification,
reading grade and evidence figures (``bench/results/liveqa_answers.md`` + a summary table)."""

from __future__ import annotations

import json
import statistics

from bench.common import RESULTS, ROOT, bench_store, console, eval_path, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest

SEED_QUESTIONS = (  # the example page's question and its related questions
    "What does ALK positive mean in lung cancer",
    "What are the latest chemotherapy treatments for lung cancer in 2026",
    "What specific chemotherapy drugs are used for lung cancer and how do they work",
    "What are the common chemotherapy drugs and treatments for lung cancer",
)


def render(source: str, question: str, a: Answer) -> str:
    lines = [f"## {source}: {question[:160]}", ""]
    if a.safety:
        lines += [f"> **{a.safety.kind}**: {a.safety.message}", ""]
    lines += [f"*evidence {a.evidence_status}, grade {a.reading_grade}, sentences supported "
              f"{a.verification.supported}/{a.verification.sentences}*", ""]
    lines += [" ".join(s.text for s in a.summary), ""]
    for sec in a.sections:
        lines += [f"**{sec.heading}**", *[f"- {s.text} [{', '.join(s.citations)}]" for s in sec.sentences], ""]
    if a.sources:
        lines += ["Sources: " + "; ".join(f"{s.title} ({s.version})" for s in a.sources), ""]
    return "\n".join(lines)


def main() -> None:
    path = eval_path("liveqa-med-cancer", "liveqa_cancer_questions.json")
    items = json.loads(path.read_text()) if path else []
    if path is None:
        console.print("[yellow]LiveQA data absent: reporting the seed questions only")
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    engine = AnswerEngine(settings, store)
    asked = [("seed", q) for q in SEED_QUESTIONS]
    asked += [(f"LiveQA {i['qid']}", f"{i['subject']}. {i['message']}"[:500]) for i in items]
    parts, answers = [], []
    for source, q in asked:
        a = engine.ask(q)
        answers.append(a)
        parts.append(render(source, q, a))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "liveqa_answers.md").write_text("# OncoGuide answers: seed and LiveQA cancer questions\n\n"
                                                + "\n\n".join(parts) + "\n")
    answered = [a for a in answers if a.evidence_status != "insufficient"]
    grades = [a.reading_grade for a in answered if a.reading_grade is not None]
    supported = sum(a.verification.supported for a in answers)
    total = sum(a.verification.sentences for a in answers)
    rows = [
        ["questions", len(answers)], ["answered (not insufficient)", len(answered)],
        ["safety message", sum(1 for a in answers if a.safety)],
        ["quoted sentences supported", f"{supported}/{total}"],
        ["reading grade median", statistics.median(grades) if grades else 0.0],
        ["reading grade max", max(grades) if grades else 0.0],
    ]
    report("liveqa", "Seed + LiveQA cancer questions", ["what", "value"], rows, {})


if __name__ == "__main__":
    main()
