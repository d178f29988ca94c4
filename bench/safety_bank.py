"""The safety bank: copy the writers' files into the package (split by language), embed what is new, and split
the bank by concept family into dev and test.

    python -m bench.safety_bank sync [/work/data/safety_bank]   # writers a, b, triage14
    python -m bench.safety_bank sync /work/data/bank5             # writer d
    python -m bench.safety_bank sync /work/tmp/writer-f-dev        # writer f's dev half (bench/safety_blind3.py)
    python -m bench.safety_bank sync /work/tmp/writer-g-dev        # writer g's dev half (bench/safety_split.py g)
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

from oncoguide.answer.stages.triage_bank import Bank, _bank, bank_dir, open_bank, refresh, save_model

WRITERS = Path("/work/data/safety_bank")
RELABEL = Path(__file__).parent / "data" / "safety_relabel.yaml"  # labels changed to one rule (see its header)
TEST_SHARE = 0.4  # families whose hash falls in the first 40% are held out as test


def is_test_family(family: str) -> bool:
    """A family's split, fixed by its name: about 40% of families are test, the rest dev."""
    h = int(hashlib.sha256(family.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return h < TEST_SHARE


def split(b: Bank) -> tuple[Bank, Bank]:
    """(dev, test) by concept family; ordinary messages ('none') are split by family too."""
    import numpy as np

    test = np.array([is_test_family(e.family) for e in b.entries], dtype=bool)
    return b.subset(~test), b.subset(test)


def relabelled() -> dict[str, str]:
    """Text -> kind for bank messages whose writer's label was changed to the bank's labelling rules."""
    rows = yaml.safe_load(RELABEL.read_text(encoding="utf-8")) if RELABEL.exists() else []
    return {" ".join(str(r["text"]).split()): str(r["kind"]) for r in rows or []}


def sync(source: Path = WRITERS) -> None:
    """Copy every writer's file into knowledge/<lang>/safety_bank/<writer>.yaml (labels changed by
    ``safety_relabel.yaml`` applied), then embed what is new."""
    changed = relabelled()
    for path in sorted(source.glob("*.yaml")):
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for lang in ("en", "es"):
            mine = [{k: r[k] for k in ("text", "kind", "family", "source") if k in r} | {"lang": lang}
                    for r in rows if (r.get("lang") or "en") == lang and r.get("text") and r.get("kind")]
            for r in mine:
                r["kind"] = changed.get(" ".join(str(r["text"]).split()), r["kind"])
            target = bank_dir(lang) / path.name
            if mine:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f"# Safety bank messages from {path.name} (copied by bench/safety_bank.py)\n"
                                  + yaml.safe_dump(mine, allow_unicode=True, sort_keys=False, width=1000))
    for lang in ("en", "es"):
        if bank_dir(lang).exists():
            rows_, done = refresh(lang)
            print(f"{lang}: {rows_} messages, {done} embedded now")
            _bank.cache_clear()
            if save_model(lang):  # the classifier fitted on the new bank, shipped beside its vectors
                print(f"{lang}: classifier fitted and stored")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "sync":
        sync(Path(argv[1]) if len(argv) > 1 else WRITERS)
    for lang in ("en", "es"):
        if bank_dir(lang).exists():
            dev, test = split(open_bank(lang))
            print(f"{lang}: dev {len(dev.entries)}, test {len(test.entries)}")


if __name__ == "__main__":
    main(sys.argv[1:])
