"""Obvious personal identifiers (names, dates of birth, record numbers, phone numbers, e-mail addresses) removed
from a question before it is stored or used; patterns in ``data/identifiers.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "identifiers.yaml"


@dataclass(frozen=True)
class Recogniser:
    kind: str
    pattern: re.Pattern[str]

    def sub(self, text: str) -> str:
        def replace(m: re.Match[str]) -> str:
            if "id" in m.groupdict() and m.group("id"):
                start, end = m.span("id")
                return m.group(0)[: start - m.start()] + f"[{self.kind}]" + m.group(0)[end - m.start():]
            return f"[{self.kind}]"

        return self.pattern.sub(replace, text)


@lru_cache(maxsize=1)
def recognisers() -> tuple[Recogniser, ...]:
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(Recogniser(e["kind"], re.compile(e["pattern"], 0 if e.get("case") else re.IGNORECASE))
                 for e in entries)


def redact(text: str) -> str:
    """``text`` with each identifier replaced by its kind in brackets (``[name]``, ``[date of birth]``...)."""
    for r in recognisers():
        text = r.sub(text)
    return text


def found(text: str) -> list[str]:
    """The kinds of identifiers in ``text`` (for tests and reports; never the identifiers themselves)."""
    return [r.kind for r in recognisers() if r.pattern.search(text)]
