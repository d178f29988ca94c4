"""Split a new writer's messages by concept family into a blind half (``bench/data/safety_blind3.yaml``: report
only, never read message by message, never tuned to) and a dev half (a folder ``bench/safety_bank.py sync``
copies into the bank). A family's half is fixed by a hash of its slug, so the split is the same on every run and
a family never straddles the halves.

    python -m bench.safety_split /work/data/bank-f/writer-f.yaml /work/data/bank-f/writer-f-es.yaml
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

import yaml

BLIND3 = Path(__file__).parent / "data" / "safety_blind3.yaml"
DEV_DIR = Path("/work/tmp/writer-f-dev")  # synced into the bank as the writer's file (not committed here)
SALT = "blind3"


def is_blind(family: str, lang: str) -> bool:
    """Half the families (by a salted hash of language and slug) go to the blind set."""
    return int(hashlib.sha256(f"{SALT}\n{lang}\n{family}".encode()).hexdigest()[:8], 16) % 2 == 0


def split(paths: list[Path], blind: Path = BLIND3, dev_dir: Path = DEV_DIR, name: str = "writer-f.yaml") -> None:
    """Write the blind half to ``blind`` and the dev half to ``dev_dir/name``; print only counts."""
    rows = [r for p in paths for r in yaml.safe_load(p.read_text(encoding="utf-8")) or []
            if r.get("text") and r.get("kind")]
    test = [r for r in rows if is_blind(str(r.get("family") or ""), str(r.get("lang") or "en"))]
    dev = [r for r in rows if not is_blind(str(r.get("family") or ""), str(r.get("lang") or "en"))]
    blind.write_text("# Blind set 3: half of writer f's families (bench/safety_split.py). Report only: never read its\n"
                     "# messages one by one, never tune to it.\n"
                     + yaml.safe_dump(test, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    dev_dir.mkdir(parents=True, exist_ok=True)
    (dev_dir / name).write_text(yaml.safe_dump(dev, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    for label, part in (("blind3", test), ("dev", dev)):
        kinds = Counter((str(r.get("lang") or "en"), str(r["kind"])) for r in part)
        print(label, len(part), "messages,", len({(r.get("lang"), r.get("family")) for r in part}), "families",
              dict(sorted(kinds.items())))


if __name__ == "__main__":
    split([Path(p) for p in sys.argv[1:]])
