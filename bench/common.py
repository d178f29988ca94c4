"""Shared helpers for benchmarks: where the eval data is, and how results are printed and saved."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from oncoguide.store import Store, migrate
from oncoguide.store.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
EVAL_DATA = Path(os.environ.get("ONCOGUIDE_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))
RESULTS = ROOT / "bench" / "results"
console = Console()


def bench_store(url: str) -> Store:
    """A store over one of the benchmarks' own scratch databases, migrated to the newest schema first (they
    outlive upgrades of the code; users' databases are migrated only by `oncoguide db upgrade`)."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return Store(url)


def eval_path(*parts: str) -> Path | None:
    """A path inside the shared eval data, or None (the benchmark then skips) when it is absent."""
    p = EVAL_DATA.joinpath(*parts)
    return p if p.exists() else None


def report(name: str, title: str, columns: list[str], rows: list[list[Any]], extra: dict[str, Any]) -> None:
    """Print a table and write ``bench/results/<name>.json``."""
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r))
    console.print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": platform.machine(),
        "cpus": os.cpu_count(), "columns": columns, "rows": rows, **extra,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2))
