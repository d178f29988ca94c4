"""A short load run (the CI version of `python -m bench.load`): a production server, a constant request rate of
the mixed traffic, no errors, latency bounded, memory flat."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.load import run_load, serve  # noqa: E402

from oncoguide.answer.engine import AnswerEngine  # noqa: E402


def test_short_load_run(corpus_dir: Path, engine: AnswerEngine, tmp_path: Path) -> None:  # engine: embedded first
    with serve(corpus_dir, tmp_path / "server.log") as server:
        result = run_load(server.base_url, rate=8, seconds=15, pid=server.process.pid)
    assert result["errors"] == 0, result["error_kinds"]
    assert result["skipped_overload"] == 0
    assert result["throughput"] >= 7, result
    assert set(result["by_kind"]) >= {"ask", "question_page", "guideline", "records"}
    assert result["p95_ms"] < 3000, result
    # the first seconds of concurrent traffic allocate each request thread's buffers once (about 120 MiB with the
    # answer threads' embedding buffers); after that memory must stay flat
    series = [mb for _, mb in result["rss_mb_series"]]
    assert series[-1] - series[0] < 160, result["rss_mb_series"]
    assert series[-1] - series[len(series) // 2] < 20, result["rss_mb_series"]
