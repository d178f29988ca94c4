"""Keep only the sentences their cited passages support (``answer/verify.py`` checks each one)."""

from __future__ import annotations

from oncoguide.answer.state import Resources
from oncoguide.answer.verify import check
from oncoguide.domain.answer import Sentence, Verification


def verified(res: Resources, sentences: list[Sentence], tally: Verification) -> list[Sentence]:
    """The sentences their cited passages support; the others are removed and counted."""
    index = res.index
    kept = []
    for s in sentences:
        if s.fixed:
            kept.append(s)
            continue
        tally.sentences += 1
        passages = [index.passages[index.by_id[c]].text for c in s.citations if c in index.by_id]
        if passages and all(check(s.text, p).supported for p in passages):
            tally.supported += 1
            kept.append(s)
        else:
            tally.removed += 1
    return kept
