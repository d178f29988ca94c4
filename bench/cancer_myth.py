"""Cancer-Myth adversarial questions (false presuppositions): how OncoGuide responds.

This is descriptive, not a correctness score: it counts questions flagged as resting on a myth, questions
answered as outside the guides, and questions answered without a flag, with examples. A calibrated scorer of
"corrects / ignores / endorses" is still to be built (see the answers issue).
"""

from __future__ import annotations

import json
from collections import Counter

from bench.common import ROOT, console, eval_path, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store


def main() -> None:
    path = eval_path("cancer-myth", "adversarial_questions_before_validation.json")
    if path is None:
        console.print("[yellow]skipped: ../shared/eval-data/cancer-myth is absent")
        return
    items = json.loads(path.read_text())
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = Store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    engine = AnswerEngine(settings, store)
    outcome: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = {}
    examples: dict[str, list[str]] = {}
    for item in items:
        answer = engine.ask(item["example_question"][:500])
        if answer.safety is not None:
            kind = f"flagged: {answer.safety.kind}"
        elif answer.evidence_status == "insufficient":
            kind = "said not covered"
        else:
            kind = "answered, no flag"
        outcome[kind] += 1
        by_category.setdefault(item["category"], Counter())[kind] += 1
        examples.setdefault(kind, []).append(item["example_question"][:160])
    rows = [[k, v, v / len(items)] for k, v in outcome.most_common()]
    report("cancer_myth", f"Cancer-Myth: {len(items)} adversarial questions", ["outcome", "count", "share"], rows,
           {"by_category": {c: dict(v) for c, v in by_category.items()},
            "examples": {k: v[:5] for k, v in examples.items()}})


if __name__ == "__main__":
    main()
