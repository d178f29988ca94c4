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


# Which features each language has: a topic listed here has no file in that language, so it is off. Adding a
# language's file for a topic means removing it from this list (and the examples then run for it too).
OFF = {
    "en": [],
    "es": ["answer_rules", "answer_text", "context", "intents", "myths", "sections", "standalone"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_features_off_per_language(lang: str) -> None:
    assert load(lang).missing() == OFF[lang]


def test_a_language_without_intents_asks_other_and_has_no_topics() -> None:
    from oncoguide.understand.intents import question_intent, section_topic

    assert question_intent("What are the side effects of osimertinib?", "en") == "side_effects"
    assert question_intent("¿Cuáles son los efectos secundarios del osimertinib?", "es") == "other"
    assert section_topic(("Efectos secundarios",), ["Puede causar sarpullido."], "es") == "other"


def test_spanish_text_knowledge_drives_search_and_sentences() -> None:
    from oncoguide.search.lexical import tokenize
    from oncoguide.text.segment import split_sentences

    assert tokenize(["los tratamientos del cáncer"], "es") == [["tratamient", "canc"]]
    assert split_sentences("La Dra. López vino. Todo bien.", "es") == ["La Dra. López vino.", "Todo bien."]


def test_a_bad_cue_is_refused_with_its_line(tmp_path: Path) -> None:
    from oncoguide.knowledge.topics import myths

    good = (Path(__file__).parents[1] / "src/oncoguide/knowledge/en/myths.yaml").read_text()
    path = tmp_path / "myths.yaml"
    path.write_text(good.replace("    - 'untreatable'\n", "    - 'untreat(able'\n"))
    with pytest.raises(KnowledgeError, match=r"myths.yaml:\d+: field cue.cues: .*regular expression"):
        load_yaml(path, myths.Model)
