"""The console script, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def oncoguide(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(data), "ONCOGUIDE_SEARCH__EMBEDDER": "none"}
    return subprocess.run([sys.executable, "-m", "oncoguide.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_ingest_then_ask(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ros1.md").write_text(
        "---\nid: ros1\ntitle: ROS1 guide\nversion: '2'\nlast_reviewed: 2026-01-01\n---\n"
        "## What ROS1-positive means\nROS1-positive lung cancer has a ROS1 gene fusion. "
        "ROS1 fusions are found in about 1 to 2 in 100 people with non-small cell lung cancer.\n"
    )
    (docs / "broken.pdf").write_bytes(b"not really a pdf")
    data = tmp_path / "data"
    first = oncoguide("ingest", "--no-shipped", str(docs), data=data)
    assert first.returncode == 1
    assert "broken.pdf: has a .pdf extension but is not a PDF" in first.stderr
    assert "1 added" in first.stderr
    again = oncoguide("ingest", "--no-shipped", str(docs / "ros1.md"), data=data)
    assert again.returncode == 0 and "1 unchanged" in again.stderr
    out = oncoguide("ask", "--json", "What does ROS1 positive mean?", data=data)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["summary"][0]["citations"] == ["ros1:0001"]
    assert answer["sources"][0]["title"] == "ROS1 guide"
    text = oncoguide("ask", "What does ROS1 positive mean?", data=data)
    assert "ROS1 guide" in text.stdout and "not medical advice" in text.stdout


def test_ask_without_corpus_says_what_to_do(tmp_path: Path) -> None:
    out = oncoguide("ask", "What is ALK?", data=tmp_path / "empty")
    assert out.returncode != 0 and "oncoguide ingest" in out.stderr
