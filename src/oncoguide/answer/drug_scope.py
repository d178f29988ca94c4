"""A side-effects answer keeps to the drugs it is about: those the question names and, with a profile, the ones
the person takes (a regimen's acronym stands for its drugs). "Osimertinib can cause lung swelling" is another
drug's side effect in an answer about pembrolizumab."""

from __future__ import annotations

from collections.abc import Iterable

from oncoguide.answer.asked import drug_kinds
from oncoguide.records.model import Profile
from oncoguide.records.treatments import regimens_in
from oncoguide.understand.entities import Entity, extract


def _drugs(entities: Iterable[Entity], text: str) -> set[str]:
    found = [e for e in entities if e.kind == "drug"]
    return {e.id for e in found} | {g for g, _, _ in regimens_in(text, [(e.start, e.end) for e in found])}


def drugs_meant(question: str, profile: Profile | None) -> set[str]:
    """The generic drugs the question names, and those of the profile's treatments that are going on or were
    given (not planned, recommended or declined ones)."""
    meant = _drugs(extract(question), question)
    for t in profile.treatments if profile is not None else ():
        if t.status in ("ongoing", "completed", "stopped", "unknown"):
            meant |= _drugs(extract(t.name), t.name)
    return meant


def other_drugs_only(text: str, meant: set[str], kinds: frozenset[str] = frozenset()) -> bool:
    """The sentence names drugs and none is one of ``meant`` (nor, when the question names kinds of drug such as
    "chemo", of those kinds)."""
    named = _drugs(extract(text), text)
    if not named or not meant or named & meant:
        return False
    return not drug_kinds(named) & kinds
