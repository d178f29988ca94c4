"""TREC Precision Medicine 2017 topics read as records: does the profile get the disease and the genes right?

Each topic's own fields become a short record ("Diagnosis: <disease>. Genomic findings: <gene>.") read by the
text extractor. Comparison rule, fixed before looking at the output:
- cancer: the topic's disease is looked up in the vocabulary (its names and synonyms); when the vocabulary has it,
  the profile's ``cancer_id`` must be that id or a narrower one (its child). Diseases the vocabulary does not have
  (liposarcoma, meningioma...) are counted separately as "not in vocabulary" and must give no wrong cancer id.
- genes: every gene named in ``<gene>`` that is one of the markers the profile tracks (biomarkers.MARKERS) must be
  in the profile with result positive; genes it does not track are counted as "out of scope", and any profile
  biomarker the topic does not name is a false positive.
- variant: when the topic gives a variant in parentheses (``KRAS (G12C)``), the biomarker's detail must name it.
"""

from __future__ import annotations

import re
from collections import Counter
from xml.etree import ElementTree

from bench.common import console, eval_path, report
from oncoguide.corpus.schema import load_vocabulary
from oncoguide.records.biomarkers import MARKERS
from oncoguide.records.read import read_record
from oncoguide.records.text_extract import extract_text


def topics() -> list[dict[str, str]]:
    path = eval_path("trec-topics", "trec_pm_2017_topics.xml")
    if path is None:
        return []
    root = ElementTree.fromstring("<root>" + path.read_text() + "</root>")
    return [{c.tag.lower(): (c.text or "").strip() for c in top} for top in root.iter("TOP")]


def vocab_cancer(disease: str) -> str | None:
    text = disease.lower()
    for c in load_vocabulary().cancers:
        if text in {n.lower() for n in (c.name, *c.synonyms)}:
            return c.id
    return None


def tracked_genes(gene_field: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(tracked marker, variant) pairs and the names of untracked genes, from a <gene> field."""
    tracked, other = [], []
    for part in re.split(r",\s*", gene_field):
        variant = re.search(r"\(([^)]+)\)", part)
        name = next((n for n, p in MARKERS if p.search(part)), None)
        if name:
            tracked.append((name, variant.group(1) if variant else None))
        else:
            other.append(part.strip())
    return tracked, other


def main() -> None:
    items = topics()
    if not items:
        console.print("[yellow]skipped: ../shared/eval-data/trec-topics is absent")
        return
    parents = {c.id: c.parent for c in load_vocabulary().cancers}
    tally: Counter[str] = Counter()
    misses: list[str] = []
    for t in items:
        text = f"Diagnosis: {t['disease']}.\nGenomic findings: {t['gene']}.\n{t['demographic']}."
        profile = extract_text(read_record(f"topic-{t['num']}.txt", text.encode()))
        want = vocab_cancer(t["disease"])
        got = profile.cancer.cancer_id
        if want is None:
            tally["cancer not in vocabulary"] += 1
            tally["wrong cancer id (not in vocabulary)"] += int(got is not None)
        else:
            tally["cancer in vocabulary"] += 1
            ok = got == want or parents.get(got or "") == want
            tally["cancer correct"] += int(ok)
            if not ok:
                misses.append(f"topic {t['num']}: disease {t['disease']!r} -> {got}")
        tracked, other = tracked_genes(t["gene"])
        tally["genes out of scope"] += len(other)
        found = {b.name: b for b in profile.biomarkers}
        for name, variant in tracked:
            tally["tracked genes"] += 1
            b = found.get(name)
            hit = b is not None and b.result == "positive"
            tally["tracked genes found positive"] += int(hit)
            if not hit:
                misses.append(f"topic {t['num']}: {name} in {t['gene']!r} -> {b.result if b else 'missing'}")
            if variant:
                tally["variants"] += 1
                v_ok = hit and b is not None and b.detail is not None and variant.lower() in b.detail.lower()
                tally["variants in detail"] += int(v_ok)
                if not v_ok:
                    misses.append(f"topic {t['num']}: variant {variant} of {name} -> {b.detail if b else None}")
        tally["false positive biomarkers"] += len(set(found) - {n for n, _ in tracked})
    rows = [
        ["topics", len(items), ""],
        ["cancer id correct (vocabulary has it)", f"{tally['cancer correct']}/{tally['cancer in vocabulary']}",
         tally["cancer correct"] / max(1, tally["cancer in vocabulary"])],
        ["no wrong id when vocabulary lacks it",
         f"{tally['cancer not in vocabulary'] - tally['wrong cancer id (not in vocabulary)']}"
         f"/{tally['cancer not in vocabulary']}", ""],
        ["tracked genes read as positive", f"{tally['tracked genes found positive']}/{tally['tracked genes']}",
         tally["tracked genes found positive"] / max(1, tally["tracked genes"])],
        ["variants in detail", f"{tally['variants in detail']}/{tally['variants']}",
         tally["variants in detail"] / max(1, tally["variants"])],
        ["false positive biomarkers", tally["false positive biomarkers"], ""],
        ["genes outside the tracked markers", tally["genes out of scope"], ""],
    ]
    report("trec_topics", "TREC PM 2017 topics read as records", ["measure", "count", "accuracy"], rows,
           {"misses": misses})
    for m in misses:
        console.print(f"  {m}", highlight=False)


if __name__ == "__main__":
    main()
