"""Answers against questions written apart from the guides: key facts as patterns, declines, cross-cancer quotes,
reading grade and latency, on the development set, the blind set and the engineer's own table
(``bench/data/answers/{dev,blind,engineer}.yaml``).

Each item: ``id``, ``question``, ``cancer`` (vocabulary id or ``general``), ``in_scope`` (the library should
answer it), ``family`` (concept family), ``facts``: a list of ``{label, pattern}`` (a case-insensitive regex
that an answer holding the fact matches). The blind set is written by someone who has not seen the composer;
it is reported, never tuned to. Per-question results go to ``bench/results/answers_<set>.md``.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.common import RESULTS, ROOT, bench_store, console, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.corpus.schema import load_vocabulary
from oncoguide.ingest.pipeline import ingest

DATA = ROOT / "bench" / "data" / "answers"
SETS = ("dev", "blind", "engineer")  # engineer: the answers engineer's own table (issue 18)


@dataclass
class Scored:
    item: dict
    answer: Answer
    facts_found: list[str]
    facts_missed: list[str]
    cross_cancer: list[str]
    ms: float
    notes: list[str] = field(default_factory=list)

    @property
    def declined(self) -> bool:
        return self.answer.evidence_status == "insufficient" and self.answer.safety is None


def guide_cancers() -> dict[str, set[str]]:
    """Guide id -> its cancer_types (front matter)."""
    out = {}
    for path in sorted(CORPUS_DIR.glob("*.md")):
        head = path.read_text(encoding="utf-8").split("---")[1]
        out[path.stem] = set(yaml.safe_load(head).get("cancer_types") or [])
    return out


def cancer_family(cancer: str) -> set[str]:
    """A cancer id with its ancestors and descendants (nsclc -> lung, nsclc, lung-adenocarcinoma...)."""
    parents = {c.id: c.parent for c in load_vocabulary().cancers}
    family, node = {cancer}, cancer
    while parents.get(node):
        node = parents[node] or ""
        family.add(node)
    below = {cancer}
    while True:
        kids = {c for c, p in parents.items() if p in below} - below
        if not kids:
            return family | below
        below |= kids


def answer_text(a: Answer) -> str:
    parts = [s.text for s in a.body_sentences()] + [s.text for s in a.important_context]
    if a.safety:
        parts.append(a.safety.message)
    return " ".join(parts)


def score(engine: AnswerEngine, item: dict, cancers: dict[str, set[str]]) -> Scored:
    t0 = time.perf_counter()
    a = engine.ask(item["question"])
    ms = (time.perf_counter() - t0) * 1000
    text = answer_text(a)
    found, missed = [], []
    for fact in item.get("facts") or []:
        (found if re.search(fact["pattern"], text, re.I) else missed).append(fact["label"])
    cross: list[str] = []
    if item.get("cancer", "general") != "general":
        allowed = cancer_family(item["cancer"]) | {"general"}
        for s in a.body_sentences():
            docs = {a.citations[c].document_id for c in s.citations if c in a.citations}
            if docs and all(cancers.get(d, set()) and not (cancers[d] & allowed) for d in docs):
                cross.append(s.text)
    return Scored(item, a, found, missed, cross, ms)


def summarise(name: str, scored: list[Scored]) -> list[list[object]]:
    in_scope = [s for s in scored if s.item.get("in_scope", True)]
    answered = [s for s in scored if not s.declined]
    coverage = [len(s.facts_found) / (len(s.facts_found) + len(s.facts_missed))
                for s in in_scope if s.facts_found or s.facts_missed]
    grades = [s.answer.reading_grade for s in answered if s.answer.verification.sentences]
    sentences = sum(s.answer.verification.sentences for s in scored)
    supported = sum(s.answer.verification.supported for s in scored)
    return [
        [name, "questions", len(scored)],
        [name, "key-fact coverage (in scope)", round(statistics.fmean(coverage), 3) if coverage else None],
        [name, "declined (in scope)", f"{sum(s.declined for s in in_scope)}/{len(in_scope)}"],
        [name, "cross-cancer quotes", sum(len(s.cross_cancer) for s in scored)],
        [name, "cross-cancer quotes per answer", round(sum(len(s.cross_cancer) for s in answered)
                                                      / max(len(answered), 1), 3)],
        [name, "quoted sentences supported", f"{supported}/{sentences}"],
        [name, "reading grade median / max", f"{statistics.median(grades):.1f} / {max(grades):.1f}"
         if grades else "-"],
        [name, "latency p50 ms (first ask)", round(statistics.median(s.ms for s in scored), 1)],
    ]


def write_details(name: str, scored: list[Scored]) -> None:
    lines = [f"# Answers on the {name} set", ""]
    for s in scored:
        status = "DECLINED" if s.declined else s.answer.evidence_status
        lines += [f"## {s.item['id']}: {s.item['question']}", f"*{status}; facts {len(s.facts_found)}/"
                  f"{len(s.facts_found) + len(s.facts_missed)}; missed: {', '.join(s.facts_missed) or '-'}*", ""]
        lines += [f"- {t}" for t in (x.text for x in s.answer.body_sentences())]
        if s.cross_cancer:
            lines += ["", "Cross-cancer:", *[f"- {t}" for t in s.cross_cancer]]
        lines.append("")
    (RESULTS / f"answers_{name}.md").write_text("\n".join(lines))


def main() -> None:
    present = [(n, DATA / f"{n}.yaml") for n in SETS if (DATA / f"{n}.yaml").exists()]
    if not present:
        console.print("[yellow]no answer sets in bench/data/answers: skipped")
        return
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    engine = AnswerEngine(settings, store)
    engine.ask("What is cancer?")  # warm: index and models loaded
    cancers = guide_cancers()
    rows: list[list[object]] = []
    for name, path in present:
        items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        scored = [score(engine, item, cancers) for item in items]
        write_details(name, scored)
        rows += summarise(name, scored)
    report("answers_eval", "Answers on questions written apart from the guides", ["set", "measure", "value"],
           rows, {"sets": [n for n, _ in present]})


if __name__ == "__main__":
    main()
