"""A treatment's status from the words of its own clause (stopped, completed, planned, ongoing or unknown), and
whether that status is *tentative*: resting only on words a plan shares with a course given ("BEP x 4 cycles",
"starting 11/03", "cycle 1 on 2/24"), so that a plan section or a plan cue decides instead. The words are data
(``treatment_status`` in ``knowledge/en/context.yaml``, with examples); this module applies them in order."""

from __future__ import annotations

import re
from functools import lru_cache

from oncoguide import knowledge


@lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern[str]]:
    """Status name -> its compiled pattern (case-insensitive)."""
    model = knowledge.load("en").get("context")
    cues = {c.name: re.compile(c.pattern, re.I) for c in (model.treatment_status if model is not None else ())}
    missing = {"stopped", "completed", "cycles", "planned", "ongoing", "ongoing_sure", "toxicity",
               "progression"} - set(cues)
    if missing:
        raise ValueError(f"context.yaml treatment_status lacks {sorted(missing)}")
    return cues


def cue(name: str) -> re.Pattern[str]:
    """The pattern of one status cue (``stopped``, ``ongoing``...)."""
    return _cues()[name]


def status(text: str) -> str:
    """stopped, completed, planned, ongoing or unknown, in that order of precedence."""
    c = _cues()
    if c["stopped"].search(text):
        return "stopped"
    if c["completed"].search(text) or c["cycles"].search(text):
        return "completed"
    if c["planned"].search(text):
        return "planned"
    if c["ongoing"].search(text):
        return "ongoing"
    return "unknown"


def tentative(text: str, found: str) -> bool:
    """Whether status ``found`` of ``text`` rests only on words a plan also writes (a cycle count; "starting",
    "maintenance", "cycle 2"): a plan section or a plan cue then makes the treatment planned."""
    if found == "completed":
        return not _cues()["completed"].search(text)
    if found == "ongoing":
        return not _cues()["ongoing_sure"].search(text)
    return found in ("unknown", "planned")


def reason(text: str) -> str:
    """Why a stopped treatment stopped: progression, toxicity or other."""
    c = _cues()
    return "progression" if c["progression"].search(text) else "toxicity" if c["toxicity"].search(text) else "other"
