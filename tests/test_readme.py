"""The README stays true: its configuration table is the one the settings model generates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_table_matches_settings() -> None:
    run = subprocess.run([sys.executable, "scripts/config_table.py", "--check", "README.md"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_check_catches_a_stale_table(tmp_path: Path) -> None:
    stale = (ROOT / "README.md").read_text().replace("`ONCOGUIDE_DATA_DIR`", "`ONCOGUIDE_DATA_FOLDER`")
    (tmp_path / "README.md").write_text(stale)
    run = subprocess.run([sys.executable, str(ROOT / "scripts/config_table.py"), "--check",
                          str(tmp_path / "README.md")], capture_output=True, text=True)
    assert run.returncode != 0 and "out of date" in run.stderr
