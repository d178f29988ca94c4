"""The shared vocabulary and the question catalog: valid, consistent with the guides, and answerable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.corpus.checks import drug_words, guide_paths, guide_text
from oncoguide.corpus.schema import (
    Drug,
    VocabError,
    load_catalog,
    load_list,
    load_vocabulary,
)
from oncoguide.knowledge.vocab_models import VOCAB_DIR


def test_vocabulary_loads_and_ids_are_unique() -> None:
    v = load_vocabulary()
    for items, key in ((v.cancers, "id"), (v.biomarkers, "id"), (v.drugs, "generic"), (v.stages, "id")):
        keys = [getattr(x, key) for x in items]
        assert len(keys) == len(set(keys)), f"duplicate {key}"
    cancer_ids = {c.id for c in v.cancers}
    for c in v.cancers:
        assert c.parent is None or c.parent in cancer_ids
    for d in v.drugs:
        assert set(d.cancers) <= cancer_ids | {"general"}, d.generic


def test_every_guide_cancer_type_is_in_the_vocabulary() -> None:
    from oncoguide.corpus.checks import front_matter

    ids = {c.id for c in load_vocabulary().cancers} | {"general"}
    for p in guide_paths():
        assert set(front_matter(p)["cancer_types"]) <= ids, p.name  # type: ignore[arg-type]


def test_drugs_named_in_guides_and_vocabulary_match_both_ways() -> None:
    text = guide_text()
    lower = text.lower()
    vocab = load_vocabulary().drugs
    generics = {d.generic for d in vocab}
    missing = sorted(drug_words(text) - generics - {w for g in generics for w in g.split()})
    assert not missing, f"drugs named in guides but absent from drugs.yaml: {missing}"
    guides_file = {d.generic for d in load_list(VOCAB_DIR / "drugs.yaml", Drug)}  # drugs-lexicon.yaml is for records
    unused = [d.generic for d in vocab if d.generic in guides_file
              and not any(re.search(rf"\b{re.escape(n.lower())}\b", lower) for n in [d.generic, *d.brands])]
    assert not unused, f"drugs in drugs.yaml that no guide names: {unused}"


def test_drug_lexicon_and_regimens_are_consistent() -> None:
    """Every lexicon drug is new (not in drugs.yaml), cites a source, and every regimen names known drugs."""
    from oncoguide import knowledge

    guides_file = {d.generic for d in load_list(VOCAB_DIR / "drugs.yaml", Drug)}
    lexicon = load_list(VOCAB_DIR / "drugs-lexicon.yaml", Drug)
    assert lexicon and not guides_file & {d.generic for d in lexicon}
    assert all(d.source.strip() for d in lexicon)
    generics = {d.generic for d in load_vocabulary().drugs}
    regimens = knowledge.load("en").get("regimens").regimens
    assert {r.acronym for r in regimens} >= {"R-CHOP", "ABVD", "FOLFOX", "FOLFIRI", "FOLFIRINOX", "CAPOX", "AC-T",
                                              "TCHP", "CMF", "hyper-CVAD", "VRd", "BEP"}
    assert all(set(r.drugs) <= generics for r in regimens)


def test_broken_vocabulary_files_fail_loudly(tmp_path: Path) -> None:
    bad = tmp_path / "drugs.yaml"
    bad.write_text("- generic: Alectinib!\n  drug_class: x\n  kind: targeted\n  source: y\n")
    with pytest.raises(VocabError, match="entry 1 is not a valid Drug"):
        load_list(bad, Drug)
    bad.write_text("generic: alectinib\n")
    with pytest.raises(VocabError, match="expected a YAML list"):
        load_list(bad, Drug)
    with pytest.raises(VocabError, match="cannot read"):
        load_list(tmp_path / "absent.yaml", Drug)


def test_catalog_is_large_unique_and_points_at_real_guides() -> None:
    catalog = load_catalog()
    assert len(catalog) >= 250
    assert len({q.slug for q in catalog}) == len(catalog)
    guides = {p.stem for p in guide_paths()}
    assert {q.guide for q in catalog} <= guides
    assert len({q.intent for q in catalog}) >= 10


def test_catalog_questions_retrieve_their_guide(engine: AnswerEngine) -> None:
    """A fixed sample of every guide's catalog questions (the first 8 per guide: about 470 searches, each with a
    question embedding) finds its guide, or the guide's question-first answers, in the top 5."""
    from oncoguide.corpus.answers import guide_of

    by_guide: dict[str, list] = {}
    for q in load_catalog():
        by_guide.setdefault(q.guide, []).append(q)
    catalog = [q for qs in by_guide.values() for q in qs[:8]]
    found = 0
    misses = []
    for q in catalog:
        hits = engine.index.search(q.question, k=5)
        if any(guide_of(h.passage.document_id) == q.guide for h in hits):
            found += 1
        else:
            misses.append(q.slug)
    recall = found / len(catalog)
    assert recall >= 0.95, f"recall {recall:.3f}; misses: {misses[:20]}"
