"""Our sections and ConText cues against medSpaCy's Sectionizer and ConText, on the same cancer mentions of the
real MTSamples notes (dev = odd, test = even) and the DRAGON sample reports (when fetched).

Candidate mentions (the same for every system): vocabulary cancer names, histology phrases and sites written next
to a cancer word, each with the organ group of its cancer. A system keeps a mention as the patient's when it is
not negated, family, hypothetical or uncertain and not in a family-history, exam or review-of-systems section.
Per document the kept groups are compared with the labelled cancer (precision, recall, F1), and each kept mention
of a wrong group counts as a trap false positive of its kind. Systems: none (every mention), ours, medSpaCy,
and both (a mention is kept only when both keep it). medSpaCy runs in a subprocess from ``MEDSPACY_PATH`` (a
``pip install --target`` folder; skipped when unset). Run: ``MEDSPACY_PATH=... PYTHONPATH=src python -m
bench.records_assertion``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import console, report
from bench.records_mtsamples import docs_dir, gold_groups, half, load, load_dragon, trap_kind

Mention = tuple[int, int, str]  # (start, end, organ group)
_EXCLUDED_SECTIONS_MEDSPACY = {"family_history", "physical_exam", "review_of_systems"}


def mentions(text: str) -> list[Mention]:
    """Cancer mentions with their organ group (root vocabulary cancer)."""
    from oncoguide.records import histology
    from oncoguide.records.diagnosis import _roots, _vocab_cancer
    from oncoguide.records.lexicon import find

    roots = _roots()
    out: list[Mention] = [(e.start, e.end, roots.get(e.id, e.id)) for e in find(text) if e.kind == "cancer"]
    for start, end, value in histology.histologies_in(text):
        cid = _vocab_cancer(value)
        if cid and not any(s < end and start < e for s, e, _ in out):
            out.append((start, end, roots.get(cid, cid)))
    for s in histology.sites_next_to_cancer(text):
        if s.cancer_id and not any(a < s.end and s.start < b for a, b, _ in out):
            out.append((s.start, s.end, s.cancer_id))
    return sorted(out)


def ours(text: str, found: list[Mention]) -> list[bool]:
    """Whether our sections and cues keep each mention as the patient's."""
    from oncoguide.records import context as ctx

    context = ctx.DocContext(text)
    clauses = ctx.clauses(text)
    starts = [c.start for c in clauses]
    import bisect

    keep = []
    for start, end, _ in found:
        i = bisect.bisect_right(starts, start) - 1
        c = clauses[i] if i >= 0 else None
        sec = context.section(start)
        if c is None or not c.start <= start < c.end:
            keep.append(False)
            continue
        a = context.assertion(c, start - c.start, min(end, c.end) - c.start)
        keep.append(a in ("present", "historical") and (sec is None or sec.site))
    return keep


def medspacy(texts: list[str], found: list[list[Mention]]) -> list[list[bool]] | None:
    path = os.environ.get("MEDSPACY_PATH")
    if not path:
        return None
    payload = json.dumps([{"text": t, "spans": [[s, e] for s, e, _ in f]} for t, f in zip(texts, found, strict=False)])
    worker = Path(__file__).with_name("records_medspacy_worker.py")
    done = subprocess.run([sys.executable, str(worker)], input=payload, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, check=True, timeout=1800)
    out = []
    for attrs in json.loads(done.stdout):
        out.append([a is not None and not (a["negated"] or a["family"] or a["hypothetical"] or a["uncertain"])
                    and a["section"] not in _EXCLUDED_SECTIONS_MEDSPACY for a in attrs])
    return out


def score(keys: list[str], texts: dict[str, str], labels: dict[str, Any], found: dict[str, list[Mention]],
          kept: dict[str, list[bool]]) -> tuple[list[float | int], Counter[str]]:
    tp = fp = fn = 0
    traps: Counter[str] = Counter()
    for k in keys:
        gold = gold_groups(labels[k].get("cancer"))
        groups = {g for (s, e, g), keep in zip(found[k], kept[k], strict=False) if keep}
        tp += len(groups & gold) > 0
        fn += bool(gold) and not groups & gold
        fp += len(groups - gold)
        for (s, _, g), keep in zip(found[k], kept[k], strict=False):
            if keep and g not in gold:
                traps[trap_kind(texts[k], s, "cancer")] += 1
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return [p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, fp, fn], traps


def main() -> None:
    if docs_dir() is None:
        console.print("records_assertion: eval data absent, skipped")
        return
    texts, labels = load()
    parts = {k: half(k) for k in texts}
    dragon = load_dragon()  # a further set of real reports (bench/data/records/dragon); skipped when not fetched
    if dragon is not None:
        for k, t in dragon[0].items():
            texts[f"dragon/{k}"], labels[f"dragon/{k}"], parts[f"dragon/{k}"] = t, dragon[1][k], "dragon"
    keys = list(texts)
    found = {k: mentions(texts[k]) for k in keys}
    systems: dict[str, dict[str, list[bool]]] = {
        "none": {k: [True] * len(found[k]) for k in keys},
        "ours": {k: ours(texts[k], found[k]) for k in keys},
    }
    theirs = medspacy([texts[k] for k in keys], [found[k] for k in keys])
    if theirs is not None:
        systems["medspacy"] = dict(zip(keys, theirs, strict=False))
        systems["both"] = {k: [a and b for a, b in zip(systems["ours"][k], systems["medspacy"][k], strict=True)]
                           for k in keys}
    rows, trap_rows = [], {}
    halves = ["dev", "test", "all"] + (["dragon"] if dragon is not None else [])
    for name, kept in systems.items():
        for part in halves:
            chosen = [k for k in keys if (part == "all" and parts[k] != "dragon") or parts[k] == part]
            prf, traps = score(chosen, texts, labels, found, kept)
            rows.append([name, part, *prf])
            trap_rows.setdefault(name, {})[part] = dict(traps)
    report("records_assertion", "Cancer mentions kept as the patient's: our rules vs medSpaCy "
           "(MTSamples dev/test/all; DRAGON)",
           ["system", "set", "precision", "recall", "f1", "tp", "fp", "fn"], rows,
           {"trap_false_positives": trap_rows, "mentions": sum(len(f) for f in found.values())})
    for name, by_part in trap_rows.items():
        console.print(f"false positives by trap kind, {name}: {by_part}")


if __name__ == "__main__":
    main()
