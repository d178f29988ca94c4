"""Byte-identity check for performance work: every answer to a fixed question set, as the JSON the API sends.

``--out FILE`` writes ``{question: answer JSON}`` for the questions of ``bench/data/answers/*.yaml``, the catalog
paraphrases and the HTTP bench's questions (about 1,800), asked through the web app's engine (``LiveCorpus``,
its start-up warming included) from 8 threads at once, as the web workers ask them; ``--against FILE`` compares
with an earlier run and lists every question whose answer changed (exit 1). Each answer is composed (a fresh
engine; the shared answer cache is not used).
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from bench.ask_latency import FORMS, TOPICS
from bench.common import ROOT, bench_store
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.web.live import LiveCorpus

DATA = ROOT / "bench" / "data"


def questions() -> list[str]:
    """The fixed set: eval questions (dev, blind, engineer), catalog paraphrases and the bench's questions."""
    out: list[str] = []
    for name in ("dev", "blind", "engineer"):
        out += [str(x["question"]) for x in yaml.safe_load((DATA / "answers" / f"{name}.yaml").read_text())]
    out += [str(x["text"]) for x in yaml.safe_load((DATA / "catalog_paraphrases.yaml").read_text())]
    out += [f.format(x) for x in TOPICS for f in FORMS]
    return list(dict.fromkeys(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the answers (JSON)")
    parser.add_argument("--against", type=Path, help="an earlier --out file to compare with")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    corpus = LiveCorpus(settings, store, interval=0)
    qs = questions()
    with ThreadPoolExecutor(args.threads) as pool:
        answers = dict(zip(qs, pool.map(lambda q: corpus.engine.ask(q).model_dump_json(), qs), strict=True))
    args.out.write_text(json.dumps(answers, indent=0))
    print(f"{len(answers)} answers written to {args.out}")
    if args.against:
        before = json.loads(args.against.read_text())
        changed = [q for q in qs if before.get(q) != answers[q]]
        missing = [q for q in before if q not in answers]
        for q in changed[:20]:
            print("changed:", q)
        print(f"{len(qs) - len(changed)} of {len(qs)} answers byte-identical; {len(changed)} changed, "
              f"{len(missing)} missing")
        sys.exit(1 if changed or missing else 0)


if __name__ == "__main__":
    main()
