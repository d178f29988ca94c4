"""Fetch the DRAGON sample report texts this dev set is labelled on (the texts are not stored here: their licence,
CC BY-NC-SA 4.0, is non-commercial; see README.md).

Each labelled document is the English report of one task file of github.com/DIAGNijmegen/dragon_sample_reports at
a pinned commit: the first fenced block after "Anonymous sample report", without the anonymisation disclaimer.
Run: ``python bench/data/records/dragon/fetch.py`` (downloads from GitHub) or ``... fetch.py --git DIR`` (reads a
local clone). Writes ``texts/<id>.txt`` next to this file.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import urllib.request
from pathlib import Path

REPO = "DIAGNijmegen/dragon_sample_reports"
COMMIT = "ab12d230f234f7b892337be0af2acd0c600378d7"
HERE = Path(__file__).resolve().parent
# document id -> task file (english/); one report per file
FILES = {
    "t01": "Task001_adhesion_clf.md", "t02": "Task002_nodule_clf.md", "t03": "Task003_kidney_clf.md",
    "t04": "Task004_skin_case_selection_clf.md", "t05": "Task005_recist_timeline_clf.md",
    "t06": "Task006_pathology_tumor_origin_clf.md", "t07": "Task007_nodule_diameter_presence_clf.md",
    "t08": "Task008_pdac_size_presence_clf.md", "t10": "Task010_prostate_radiology_clf.md",
    "t11": "Task011_prostate_pathology_clf.md", "t12": "Task012_pathology_tissue_type_clf.md",
    "t13": "Task013_pathology_tissue_origin_clf.md", "t18": "Task018_osteoarthritis_clf.md",
    "t26": "Task026_medical_terminology_ner.md", "t27": "Task027_prostate_biopsy_ner.md",
    "t28": "Task028_skin_pathology_ner.md",
}
_DISCLAIMER = re.compile(r"^#+\n(DISCLAIMER:.*\n)?(THIS REPORT.*\n)?(ANY RESEMBLANCE.*\n)?#+\n", re.M)


def report_text(markdown: str) -> str:
    """The report of a task file: the fenced block after 'Anonymous sample report', disclaimer removed."""
    at = markdown.index("Anonymous sample report")
    m = re.search(r"```\n(.*?)```", markdown[at:], re.S)
    if m is None:
        raise ValueError("no fenced report block")
    return _DISCLAIMER.sub("", m.group(1)).strip() + "\n"


def read(name: str, git_dir: Path | None) -> str:
    path = f"english/{name}"
    if git_dir is not None:
        return subprocess.run(["git", "-C", str(git_dir), "show", f"{COMMIT}:{path}"], check=True,
                              capture_output=True, text=True).stdout
    url = f"https://raw.githubusercontent.com/{REPO}/{COMMIT}/{path}"
    with urllib.request.urlopen(url, timeout=30) as r:  # a fixed https URL
        return str(r.read().decode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git", type=Path, help="a local clone or mirror of the repository")
    args = parser.parse_args()
    out = HERE / "texts"
    out.mkdir(exist_ok=True)
    for key, name in FILES.items():
        (out / f"{key}.txt").write_text(report_text(read(name, args.git)), encoding="utf-8")
    print(f"wrote {len(FILES)} reports to {out}")


if __name__ == "__main__":
    main()
