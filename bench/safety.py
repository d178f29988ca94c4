"""Safety triage benchmark: per-kind recall and precision on the bank's dev and test splits (split by concept
family; test messages are triaged against the dev bank only), on the old labelled set, on the blind sets when
``bench/data/safety_blind*.yaml`` are present (aggregate numbers only: no blind message is written out), false
urgent flags on ordinary questions (MedQuAD, LiveQA, the question catalog, K-QA; skipped when absent) and the
latency triage adds. Results: bench/results/safety*.json.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import yaml

from bench.common import EVAL_DATA, report
from bench.safety_bank import split
from oncoguide.answer.stages.triage import triage
from oncoguide.answer.stages.triage_bank import EMBEDDER, Bank, Entry, bank_dir, embed, open_bank, read_entries
from oncoguide.answer.stages.triage_rules import compiled, sentences
from oncoguide.corpus.schema import load_catalog
from oncoguide.knowledge.topics.safety import URGENT
from oncoguide.search.embed import get_embedder

DATA = Path(__file__).parent / "data"
CASES = DATA / "safety_cases.yaml"
BLIND = {"blind": DATA / "safety_blind.yaml", "blind2": DATA / "safety_blind2.yaml",  # report only, never tuned on
         "blind3": DATA / "safety_blind3.yaml",  # half of writer f's families (bench/safety_split.py)
         "blind4": DATA / "safety_blind4.yaml"}  # half of writer g's families (bench/safety_split.py)
KINDS = ("emergency", "urgent_call", "crisis", "myth", "stop_treatment", "interactions", "dosing")
_SHARED = Path("/work/shared/eval-data")
_CACHE = Path(__file__).resolve().parents[1] / "var" / "bench" / "safety_vectors.npz"  # not committed


def _eval_file(*parts: str) -> Path | None:
    for root in (EVAL_DATA, _SHARED):
        if root.joinpath(*parts).exists():
            return root.joinpath(*parts)
    return None


def vectors(texts: Sequence[str]) -> np.ndarray:
    """Query vectors of texts, cached between runs (keyed by text hash and embedder)."""
    embedder = get_embedder(EMBEDDER)
    assert embedder is not None
    keys = [hashlib.sha256(f"{embedder.name}\n{t}".encode()).hexdigest()[:20] for t in texts]
    cache: dict[str, np.ndarray] = dict(np.load(_CACHE)) if _CACHE.exists() else {}
    shipped = open_bank("en")  # bank messages: their shipped vectors (the same embedding, stored as float16)
    for entry, vec in zip(shipped.entries, shipped.vectors, strict=True):
        cache.setdefault(hashlib.sha256(f"{embedder.name}\n{entry.text}".encode()).hexdigest()[:20], vec)
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if todo:
        for i, v in zip(todo, embed(embedder, [texts[i] for i in todo]), strict=True):
            cache[keys[i]] = v
        _CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(_CACHE, **cache)
    return np.vstack([cache[k] for k in keys]) if keys else np.zeros((0, embedder.dim), np.float32)


def predict(texts: Sequence[str], pool: Bank | None = None, lang: str = "en") -> list[str]:
    """The kind triage gives each text ('none' when it flags nothing), searching ``pool`` (default: shipped)."""
    vecs = vectors(texts)
    out = []
    for text, vec in zip(texts, vecs, strict=True):
        got = triage(text, lang=lang, vector=vec, pool=pool)
        out.append(got.kind if got else "none")
    return out


def scores(truth: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per-kind precision and recall, plus 'urgent' (emergency, urgent call and crisis taken as one)."""
    out: dict[str, dict[str, float]] = {}
    groups = {k: {k} for k in KINDS} | {"urgent": set(URGENT)}
    for name, members in groups.items():
        t = np.array([x in members for x in truth])
        p = np.array([x in members for x in pred])
        tp = int((t & p).sum())
        out[name] = {"cases": int(t.sum()), "flagged": int(p.sum()),
                     "recall": tp / t.sum() if t.sum() else float("nan"),
                     "precision": tp / p.sum() if p.sum() else float("nan")}
    return out


def _labelled(entries: Sequence[Entry], pool: Bank | None) -> tuple[dict[str, dict[str, float]], list[dict[str, str]]]:
    """Scores and misses of labelled messages, each triaged in its own language (``pool``: English only)."""
    texts = [e.text for e in entries]
    pred = ["none"] * len(entries)
    for lang in sorted({e.lang for e in entries}):
        mine = [i for i, e in enumerate(entries) if e.lang == lang]
        got = predict([texts[i] for i in mine], pool if lang == "en" else None, lang)
        for i, kind in zip(mine, got, strict=True):
            pred[i] = kind
    truth = [e.kind if e.kind in KINDS else "none" for e in entries]
    misses = [{"text": e.text, "expected": t, "got": p, "family": e.family}
              for e, t, p in zip(entries, truth, pred, strict=True)
              if t != p and not (t in URGENT and p in URGENT)]
    return scores(truth, pred), misses


def _dev_leave_family_out(dev: Bank) -> tuple[dict[str, dict[str, float]], list[dict[str, str]]]:
    """Dev messages triaged against the dev bank without their own family."""
    preds, truth, misses = [], [], []
    vecs = vectors([e.text for e in dev.entries])
    for family in sorted(set(dev.families)):
        rest = dev.subset(dev.families != family)
        for e, v in zip(dev.entries, vecs, strict=True):
            if e.family != family:
                continue
            got = triage(e.text, vector=v, pool=rest)
            p, t = (got.kind if got else "none"), (e.kind if e.kind in KINDS else "none")
            preds.append(p)
            truth.append(t)
            if t != p and not (t in URGENT and p in URGENT):
                misses.append({"text": e.text, "expected": t, "got": p, "family": e.family})
    return scores(truth, preds), misses


def blind_set(path: Path) -> dict[str, dict[str, float]]:
    """Per-kind scores on a blind set (its messages are triaged, never written out or looked at)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = [Entry(str(x["text"]), str(x["kind"]), str(x.get("family") or ""), "", str(x.get("lang") or "en"))
               for x in rows]
    return _labelled(entries, None)[0]


def spanish() -> dict[str, dict[str, dict[str, float]]]:
    """The Spanish bank split by family: test messages triaged (Spanish rules) against the Spanish dev messages
    and the English bank, dev messages against the same without their own family."""
    es, en = open_bank("es"), open_bank("en")
    dev, test = split(es)

    def pool(part: Bank) -> Bank:
        return Bank(part.entries + en.entries, np.vstack([part.vectors, en.vectors]), en.embedder)

    def run(entries: Sequence[Entry], vecs: np.ndarray, bank: Callable[[Entry], Bank]) -> dict[str, dict[str, float]]:
        pred = [triage(e.text, lang="es", vector=v, pool=bank(e)) for e, v in zip(entries, vecs, strict=True)]
        return scores([e.kind if e.kind in KINDS else "none" for e in entries], [p.kind if p else "none" for p in pred])

    rest = {f: pool(dev.subset(dev.families != f)) for f in sorted(set(dev.families))}
    whole = pool(dev)
    return {"es_dev": run(dev.entries, dev.vectors, lambda e: rest[e.family]),
            "es_test": run(test.entries, test.vectors, lambda e: whole)}


def ordinary_sets() -> dict[str, list[str]]:
    """Ordinary questions no triage should flag as urgent (those whose data is present)."""
    sets: dict[str, list[str]] = {"catalog": [q.question for q in load_catalog()]}
    if (path := _eval_file("medquad-cancergov", "cancergov_qa.jsonl")) is not None:
        sets["medquad"] = [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    if (path := _eval_file("liveqa-med-cancer", "liveqa_cancer_questions.json")) is not None:
        sets["liveqa"] = [" ".join(str(x["message"]).split()) for x in json.loads(path.read_text())]
    if (path := _eval_file("kqa", "questions.jsonl")) is not None:
        sets["kqa"] = [json.loads(line)["Question"] for line in path.read_text().splitlines() if line.strip()]
    return sets


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) milliseconds of one call: on a shared machine the CPU time is the cost, the wall time the wait."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def latency(texts: Sequence[str]) -> dict[str, float]:
    """Milliseconds triage adds per question, given the question vector the engine's dense search computes
    anyway (wall and CPU, p50 and p95); the rule layer alone; and what embedding would cost if not reused."""
    vecs = vectors(texts)
    rules = compiled("en")
    full = [_timed(lambda t=text, v=vec: triage(t, vector=v)) for text, vec in zip(texts, vecs, strict=True)]
    only_rules = [_timed(lambda t=text: rules.fired(t)) for text in texts]
    embedder = get_embedder(EMBEDDER)
    assert embedder is not None
    embedding = [_timed(lambda t=text: embedder.queries([t])) for text in texts[:30]]

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[int(q * (len(values) - 1))]

    wall, cpu = [w for w, _ in full], [c for _, c in full]
    several = [c for text, (_, c) in zip(texts, full, strict=True) if len(sentences(text)) > 1]
    return {"p50_wall_ms": statistics.median(wall), "p95_wall_ms": pct(wall, 0.95),
            "p50_cpu_ms": statistics.median(cpu), "p95_cpu_ms": pct(cpu, 0.95),
            "several_sentences_share": len(several) / len(texts),  # they may embed a sentence (sentence_crisis)
            "several_sentences_p50_cpu_ms": statistics.median(several) if several else float("nan"),
            "several_sentences_p95_cpu_ms": pct(several, 0.95) if several else float("nan"),
            "rules_p50_cpu_ms": statistics.median(c for _, c in only_rules),
            "embedding_p50_cpu_ms_if_not_reused": statistics.median(c for _, c in embedding)}


def _rows(name: str, s: dict[str, dict[str, float]]) -> list[list[object]]:
    return [[name, k, v["cases"], v["flagged"], v["precision"], v["recall"]] for k, v in s.items()]


def main() -> None:
    bank = open_bank("en")
    dev, test = split(bank)
    results: dict[str, object] = {"bank": dict(Counter(e.kind for e in bank.entries)),
                                  "dev_messages": len(dev.entries), "test_messages": len(test.entries)}
    dev_scores, dev_misses = _dev_leave_family_out(dev)
    test_scores, test_misses = _labelled(test.entries, dev)
    cases = [Entry(c["text"], c["kind"], "cases", "", "en") for c in yaml.safe_load(CASES.read_text())]
    case_scores, case_misses = _labelled(cases, None)
    rows = _rows("dev", dev_scores) + _rows("test", test_scores) + _rows("cases", case_scores)
    results |= {"dev": dev_scores, "test": test_scores, "cases": case_scores,
                "misses": {"dev": dev_misses, "test": test_misses, "cases": case_misses}}
    for name, path in BLIND.items():
        if path.exists():
            blind_scores = blind_set(path)  # aggregate numbers only: the blind sets' messages stay unread
            rows += _rows(name, blind_scores)
            results |= {name: blind_scores}
    for name, found in spanish().items():
        rows += _rows(name, {k: v for k, v in found.items()
                             if k in (*URGENT, "urgent", "dosing", "stop_treatment", "interactions")})
        results |= {name: found}
    report("safety", "Safety triage: bank dev/test (split by family), labelled set, blind sets",
           ["set", "kind", "cases", "flagged", "precision", "recall"], rows, results)

    ordinary = ordinary_sets()
    orows, flagged = [], {}
    for name, texts in ordinary.items():
        pred = predict(texts)
        urgent = [t for t, p in zip(texts, pred, strict=True) if p in URGENT]
        any_flag = sum(p != "none" for p in pred)
        orows.append([name, len(texts), len(urgent), len(urgent) / len(texts), any_flag / len(texts)])
        flagged[name] = [{"text": t, "kind": p} for t, p in zip(texts, pred, strict=True) if p != "none"]
    total = sum(r[1] for r in orows)
    urgent_total = sum(r[2] for r in orows)
    orows.append(["all", total, urgent_total, urgent_total / total, float("nan")])
    report("safety_ordinary", "False urgent flags on ordinary questions",
           ["set", "questions", "urgent", "false urgent rate", "any flag rate"], orows, {"flagged": flagged})

    sample = [e.text for e in bank.entries[::7]][:200] + ordinary.get("medquad", [])[:100]
    lat = latency(sample)
    report("safety_latency", "Triage latency (ms per question)", ["measure", "ms"],
           [[k, v] for k, v in lat.items()], {})


def unseen(path: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Per-kind scores, per language, on a labelled file the bank has not seen (e.g. a new writer's messages
    before they are synced), triaged against the shipped bank: an out-of-sample measure."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = [Entry(" ".join(str(x["text"]).split()), str(x["kind"]), str(x.get("family") or ""), "",
                     str(x.get("lang") or "en")) for x in rows if x.get("text") and x.get("kind")]
    return {lang: _labelled([e for e in entries if e.lang == lang], None)[0]
            for lang in sorted({e.lang for e in entries})}


def writers() -> dict[str, dict[str, dict[str, float]]]:
    """Leave one writer out: each writer's English messages triaged against the bank without that writer's file
    (classifier refitted on the rest): how triage holds on a new writer's wording. The rules were written with
    these writers in view, so this is an upper bound; the semantic layer's part is out of sample."""
    bank = open_bank("en")
    out = {}
    for path in sorted(bank_dir("en").glob("*.yaml")):
        mine = {e.text for e in read_entries([path])}
        keep = np.array([e.text not in mine for e in bank.entries])
        out[path.stem] = _labelled([e for e in bank.entries if e.text in mine], bank.subset(keep))[0]
    return out


def quick() -> None:
    """Dev (leave-family-out), test and false urgent on ordinary questions, printed only (no results written)."""
    dev, test = split(open_bank("en"))
    for name, (s, _) in (("dev", _dev_leave_family_out(dev)), ("test", _labelled(test.entries, dev))):
        print(name, " ".join(f"{k} {v['recall']:.3f}/{v['precision']:.3f}" for k, v in s.items()))
    for name, texts in ordinary_sets().items():
        pred = predict(texts)
        print(name, f"false urgent {sum(p in URGENT for p in pred) / len(texts):.4f} of {len(texts)}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["quick"]:
        quick()
    elif sys.argv[1:2] == ["writers"]:
        for name, found in writers().items():
            print(name, " ".join(f"{k} {v['recall']:.3f}/{v['precision']:.3f}" for k, v in found.items()))
    elif sys.argv[1:2] == ["unseen"]:
        for arg in sys.argv[2:]:
            for lang, found in unseen(Path(arg)).items():
                print(arg, lang, json.dumps({k: {m: round(x, 3) for m, x in v.items()} for k, v in found.items()}))
    else:
        main()
