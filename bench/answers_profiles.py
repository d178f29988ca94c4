"""Personal answers that fit the profile (issue 18 item 5): profiles x personal questions, each with the facts a
right answer for that person holds (``must``) and statements about another situation that must never be quoted as
the person's (``must_not``: another stage, histology or marker result). Data: ``bench/data/answers/profiles.yaml``,
written apart from the composer. Goal: 0 wrong-situation sentences. Results: ``bench/results/answers_profiles.json``
and per question ``bench/results/answers_profiles.md``.
"""

from __future__ import annotations

import re
import statistics
from datetime import date
from typing import Any

import yaml

from bench.common import RESULTS, ROOT, bench_store, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.domain.profile import Biomarker, Cancer, Evidence, Profile, Stage, Treatment, Value
from oncoguide.ingest.pipeline import ingest
from oncoguide.knowledge.vocab_models import load_vocabulary

DATA = ROOT / "bench" / "data" / "answers" / "profiles.yaml"


def _evidence(quote: str) -> Evidence:
    return Evidence(document_id="bench", document_name="bench.txt", char_start=0, char_end=len(quote), quote=quote)


def _value(text: str | None) -> Value | None:
    return Value(value=text, evidence=_evidence(text), confidence=0.9) if text else None


RESULTS_AS = {"wild-type": ("negative", "wild-type"), "mutated": ("positive", None), "high": ("positive", "high"),
              "low": ("negative", "low")}  # result words of the data -> (profile result, detail)
CLASSES_AS = {"hormone": "hormonal"}


def _marker(raw: dict[str, Any]) -> Biomarker:
    """A biomarker named as the records engine names it (the vocabulary's report name) with its result."""
    entry = next((b for b in load_vocabulary().biomarkers if b.id == raw["name"].lower()), None)
    name = (entry.report_name or entry.gene) if entry else raw["name"]
    result, detail = RESULTS_AS.get(raw["result"], (raw["result"], None))
    return Biomarker(name=name, result=result, detail=raw.get("detail") or detail,
                     evidence=_evidence(f"{name} {raw['result']}"), confidence=0.9)


def profile(item: dict[str, Any]) -> Profile:
    """A profile as the records engine would build it from the item's fields."""
    stage = item.get("stage") or {}
    return Profile(
        cancer=Cancer(cancer_id=item["cancer_id"], histology=_value(item.get("histology"))),
        stage=Stage(t=_value(stage.get("t")), n=_value(stage.get("n")), m=_value(stage.get("m")),
                    group=_value(stage.get("group")), as_of=date(2026, 11, 1)),
        biomarkers=[_marker(b) for b in item.get("biomarkers") or []],
        treatments=[Treatment(name=t["name"], drug_class=CLASSES_AS.get(t.get("drug_class"), t.get("drug_class")),
                              status=t.get("status", "unknown"), reason_stopped=t.get("reason_stopped"),
                              evidence=_evidence(t["name"]), confidence=0.9)
                    for t in item.get("treatments") or []],
        documents=["bench"],
    )


def main() -> None:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    engine = AnswerEngine(settings, store)
    lines = ["# Personal answers against the profile", ""]
    found = wanted = wrong = declined = asked = 0
    grades: list[float] = []
    for item in items:
        person = profile(item)
        lines.append(f"## {item['id']}: {item['summary']}")
        for q in item["questions"]:
            answer = engine.ask(q["question"], profile=person)
            asked += 1
            if answer.evidence_status == "insufficient":
                declined += 1
            body = [s.text for s in answer.body_sentences()]
            text = " ".join(body)
            hits = [f["label"] for f in q.get("must") or [] if re.search(f["pattern"], text, re.I)]
            found, wanted = found + len(hits), wanted + len(q.get("must") or [])
            bad = [(f["label"], s) for f in q.get("must_not") or [] for s in body if re.search(f["pattern"], s, re.I)]
            wrong += len(bad)
            if answer.reading_grade is not None:
                grades.append(answer.reading_grade)
            lines.append(f"### {q['question']}\n*must {len(hits)}/{len(q.get('must') or [])}; "
                         f"wrong-situation {len(bad)}*\n")
            lines += [f"- WRONG ({label}): {s}" for label, s in bad]
            lines += [f"- {s}" for s in body]
            lines.append("")
    (RESULTS / "answers_profiles.md").write_text("\n".join(lines), encoding="utf-8")
    row = [len(items), asked, found / wanted if wanted else 0.0, wrong, wrong / asked if asked else 0.0, declined,
           statistics.median(grades) if grades else 0.0]
    report("answers_profiles", "Personal answers that fit the profile",
           ["profiles", "questions", "must-fact coverage", "wrong-situation sentences", "per answer", "declined",
            "grade median"], [row], {"profiles": len(items), "questions": asked})


if __name__ == "__main__":
    main()
