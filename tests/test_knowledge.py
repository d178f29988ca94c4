"""Every knowledge file of every language validates, and every rule's examples hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from oncoguide.knowledge import LANGS, KnowledgeError, load
from oncoguide.knowledge.schema import Examples, Strict, load_yaml

CASES = [(lang, case) for lang in LANGS for case in load(lang).examples()]


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_loads(lang: str) -> None:
    knowledge = load(lang)
    assert knowledge.get("vocab").drugs


@pytest.mark.parametrize(("lang", "case"), CASES, ids=[f"{lang}:{c.id}:{c.text[:40]}" for lang, c in CASES])
def test_rule_examples(lang: str, case) -> None:  # type: ignore[no-untyped-def]
    assert case.check(case.text) is case.expect, f"{lang} rule {case.id} on {case.text!r}"


class _Rule(Strict):
    id: str
    window: int
    examples: Examples | None = None


class _File(BaseModel):
    rules: list[_Rule]


def test_bad_entry_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: ok\n    window: 3\n  - id: bad\n    window: many\n")
    with pytest.raises(KnowledgeError) as err:
        load_yaml(path, _File)
    assert f"{path}:5: field rules.1.window" in str(err.value)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="unknown language"):
        load("xx")
