"""Offline check against common and breached passwords (red-team review 2026-12, F8).

``data/common-passwords.txt.gz`` holds the 30,000 most common passwords (zxcvbn's list; see its NOTICE). A
password is refused when it is one of them, or one of them with a short prefix or suffix of digits and
symbols (``password123``, ``Password1!``, ``letmein123``), or a keyboard or digit run (``qwertyuiop``,
``1234567890``), case ignored.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "common-passwords.txt.gz"
_EDGES = re.compile(r"^[\W\d_]{0,4}(.*?)[\W\d_]{0,4}$")
_RUNS = ("1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
         "qwertzuiop", "azertyuiop")


@lru_cache(maxsize=1)
def common() -> frozenset[str]:
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_common(password: str) -> bool:
    """True for a common password, a common word with a few digits or symbols around it, or a keyboard run."""
    low = password.lower()
    words = common()
    core = _EDGES.match(low)
    stem = core.group(1) if core else low
    if low in words or (len(stem) >= 4 and stem in words):
        return True
    squashed = re.sub(r"[\W_]", "", low)
    return len(squashed) >= 6 and any(squashed in run or squashed in run * 2 for run in _RUNS)
