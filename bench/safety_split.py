"""Split a new writer's messages by concept family into a blind half (``bench/data/safety_blind<n>.yaml``: report
only, never read message by message, never tuned to) and a dev half (a folder ``bench/safety_bank.py sync``
copies into the bank). A family's half is fixed by a salted hash of its language and slug, so the split is the same
on every run and a family never straddles the halves.

    python -m bench.safety_split /work/data/bank-f/writer-f.yaml /work/data/bank-f/writer-f-es.yaml     # blind 3
    python -m bench.safety_split g /work/data/bank-g/writer-g.yaml /work/data/bank-g/writer-g-es.yaml   # blind 4
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Writer:
    """Where one writer's halves go: the blind set, the dev folder (synced into the bank, not committed here),
    the bank file's name and the hash salt."""

    blind: Path
    dev_dir: Path
    name: str
    salt: str


WRITERS = {"f": Writer(DATA / "safety_blind3.yaml", Path("/work/tmp/writer-f-dev"), "writer-f.yaml", "blind3"),
           "g": Writer(DATA / "safety_blind4.yaml", Path("/work/tmp/writer-g-dev"), "writer-g.yaml", "blind4")}


def is_blind(family: str, lang: str, salt: str = "blind3") -> bool:
    """Half the families (by a salted hash of language and slug) go to the blind set."""
    return int(hashlib.sha256(f"{salt}\n{lang}\n{family}".encode()).hexdigest()[:8], 16) % 2 == 0


def split(paths: list[Path], writer: Writer = WRITERS["f"]) -> None:
    """Write the blind half to ``writer.blind`` and the dev half to ``writer.dev_dir/writer.name``; print only
    counts."""
    rows = [r for p in paths for r in yaml.safe_load(p.read_text(encoding="utf-8")) or []
            if r.get("text") and r.get("kind")]
    blind = [r for r in rows if is_blind(str(r.get("family") or ""), str(r.get("lang") or "en"), writer.salt)]
    dev = [r for r in rows if not is_blind(str(r.get("family") or ""), str(r.get("lang") or "en"), writer.salt)]
    number = writer.salt.removeprefix("blind")
    writer.blind.write_text(
        f"# Blind set {number}: half of {writer.name.removesuffix('.yaml')}'s families (bench/safety_split.py). "
        "Report only: never read\n# its messages one by one, never tune to it.\n"
        + yaml.safe_dump(blind, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    writer.dev_dir.mkdir(parents=True, exist_ok=True)
    (writer.dev_dir / writer.name).write_text(yaml.safe_dump(dev, allow_unicode=True, sort_keys=False, width=1000),
                                              encoding="utf-8")
    for label, part in ((writer.salt, blind), ("dev", dev)):
        kinds = Counter((str(r.get("lang") or "en"), str(r["kind"])) for r in part)
        print(label, len(part), "messages,", len({(r.get("lang"), r.get("family")) for r in part}), "families",
              dict(sorted(kinds.items())))


if __name__ == "__main__":
    args = sys.argv[1:]
    who = args.pop(0) if args and args[0] in WRITERS else "f"
    split([Path(p) for p in args], WRITERS[who])
