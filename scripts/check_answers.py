"""Check question-answer files (``corpus/guides/<guide>-answers.md``) for writers: every rule the test suite applies.

Usage: ``python scripts/check_answers.py src/oncoguide/corpus/guides/cml-answers.md [...]``. Prints every problem
(writing rules, stand-alone sentences, headings that are not catalog questions) and how many catalog questions of the
guide are still unanswered. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from oncoguide.corpus.answers import answer_problems
from oncoguide.corpus.checks import problems, standalone_failures

bad = 0
for arg in sys.argv[1:]:
    path = Path(arg)
    lines = problems(path) + [f.line() for f in standalone_failures(path)] + answer_problems(path)
    for line in lines:
        print(line)
    bad += len(lines)
    print(f"{path.name}: {len(lines)} problem(s)")
sys.exit(1 if bad else 0)
