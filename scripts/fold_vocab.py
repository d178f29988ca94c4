"""Fold vocabulary entries defined in more than one file (drugs.yaml, drugs-*.yaml...) into one: the entry of the
first file (the kind's main file, then drugs-lexicon, then the rest by name) is kept, with the brands, targets
and cancers of the others added; the other copies are removed. Run after merging writers' vocabulary files.

    .venv/bin/python scripts/fold_vocab.py [drugs|cancers|biomarkers]...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

VOCAB = Path(__file__).resolve().parents[1] / "src" / "oncoguide" / "knowledge" / "vocab"
KEYS = {"drugs": "generic", "cancers": "id", "biomarkers": "id"}
MERGED = ("brands", "targets", "cancers", "synonyms", "abbreviations", "aliases", "variants", "results")


def blocks(text: str, key: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of each top-level list entry."""
    starts = [(m.start(), m.group(1).strip().strip("'\"")) for m in re.finditer(rf"^- {key}: (.+)$", text, re.M)]
    ends = [s for s, _ in starts[1:]] + [len(text)] if starts else []
    return [(s, e, ident) for (s, ident), e in zip(starts, ends, strict=True)]


def fold(kind: str) -> int:
    key = KEYS[kind]
    files = [VOCAB / f"{kind}.yaml", *(p for p in [VOCAB / f"{kind}-lexicon.yaml"] if p.exists()),
             *sorted(p for p in VOCAB.glob(f"{kind}-*.yaml") if p.name != f"{kind}-lexicon.yaml")]
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    first: dict[str, Path] = {}
    extra: dict[str, list[dict]] = {}
    drop: dict[Path, set[str]] = {}
    for p in files:
        for _, _, ident in blocks(texts[p], key):
            if ident in first:
                entry = yaml.safe_load(texts[p][next(b for b in blocks(texts[p], key) if b[2] == ident)[0]:
                                                 next(b for b in blocks(texts[p], key) if b[2] == ident)[1]])[0]
                extra.setdefault(ident, []).append(entry)
                drop.setdefault(p, set()).add(ident)
            else:
                first[ident] = p
    for ident, others in extra.items():
        p = first[ident]
        start, end, _ = next(b for b in blocks(texts[p], key) if b[2] == ident)
        kept = yaml.safe_load(texts[p][start:end])[0]
        for other in others:
            for field in MERGED:
                if field in kept and field in other:
                    kept[field] = list(dict.fromkeys([*kept[field], *other[field]]))
        dumped = yaml.safe_dump([kept], sort_keys=False, default_flow_style=None, width=115, allow_unicode=True)
        texts[p] = texts[p][:start] + dumped + texts[p][end:]
    for p, idents in drop.items():
        for start, end, ident in reversed(blocks(texts[p], key)):
            if ident in idents:
                texts[p] = texts[p][:start] + texts[p][end:]
    for p in files:
        if texts[p] != p.read_text(encoding="utf-8"):
            p.write_text(texts[p], encoding="utf-8")
    return sum(len(v) for v in extra.values())


if __name__ == "__main__":
    for kind in sys.argv[1:] or list(KEYS):
        print(f"{kind}: {fold(kind)} duplicate entries folded")
