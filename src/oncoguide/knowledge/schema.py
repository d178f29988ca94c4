"""Loading and validating knowledge files: one pydantic model per topic, errors that name file, line and field.

A *topic* is a module in ``oncoguide.knowledge.topics`` with:

- ``FILE``: the YAML file name inside a language folder (``en/safety.yaml``), or ``None`` for a
  language-independent topic that reads its own files;
- ``Model``: the pydantic model of the whole file;
- ``examples(model) -> Iterable[ExampleCase]`` (optional): every ``examples: {match, no_match}`` entry of the
  file as runnable cases, so one parametrised test checks every rule of every language.

Topics are discovered, so adding one touches no central list. A language folder without a topic's file means
the feature is off for that language (``Knowledge.get`` returns ``None``); ``Knowledge.missing`` names them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from oncoguide.domain.types import LANGS
from oncoguide.knowledge.rules import compile_cues

KNOWLEDGE_DIR = Path(__file__).parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(ValueError):
    """A knowledge file is missing, is not YAML, or an entry does not match its schema (file, line, field)."""


class Strict(BaseModel):
    """Base of every knowledge entry: unknown fields are errors, entries are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Examples(Strict):
    """Texts a rule must match and texts it must not: the rule's documentation and its test."""

    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)


class PatternRule(Strict):
    """One regular expression (checked to compile) whose matches or groups the code reads, with examples."""

    pattern: str
    examples: Examples | None = None

    @field_validator("pattern")
    @classmethod
    def _valid(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.I)


class CueRule(Strict):
    """A named list of cues (regular expressions, any of which matches), with the texts it must and must not match.
    ``word_start``: each cue starts at a word boundary."""

    cues: list[str] = Field(min_length=1)
    word_start: bool = False
    case_sensitive: bool = False
    examples: Examples | None = None

    @field_validator("cues")
    @classmethod
    def _valid_regexes(cls, cues: list[str]) -> list[str]:
        compile_cues(cues)
        return cues

    @property
    def pattern(self) -> re.Pattern[str]:
        return compile_cues(self.cues, word_start=self.word_start, case_sensitive=self.case_sensitive)

    def search(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def cases(self, rule_id: str) -> list[ExampleCase]:
        return cases(rule_id, self.examples, self.search)


@dataclass(frozen=True)
class ExampleCase:
    """One example of one rule: ``check(text)`` must equal ``expect``."""

    id: str
    text: str
    expect: bool
    check: Callable[[str], bool]


def cases(rule_id: str, examples: Examples | None, check: Callable[[str], bool]) -> list[ExampleCase]:
    """The match and no-match examples of one rule as cases."""
    if examples is None:
        return []
    return ([ExampleCase(rule_id, t, True, check) for t in examples.match]
            + [ExampleCase(rule_id, t, False, check) for t in examples.no_match])


def _node_line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at a pydantic error location (or of its nearest existing parent)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_yaml(path: Path, model: type[M]) -> M:
    """Parse and validate one knowledge file; any problem raises ``KnowledgeError`` naming file, line, field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        raw = yaml.load(text, Loader=_LOADER)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc})") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        line = _node_line(root, loc)
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise KnowledgeError(f"{path}:{line}: field {field}: {first['msg']}{more}") from exc


def topic_modules() -> dict[str, ModuleType]:
    """Every topic module by name (``safety``, ``context``...), discovered in ``knowledge/topics``."""
    from oncoguide.knowledge import topics

    found = {}
    for info in pkgutil.iter_modules(topics.__path__):
        if not info.name.startswith("_"):
            found[info.name] = importlib.import_module(f"{topics.__name__}.{info.name}")
    return found


class Knowledge:
    """All knowledge of one language: ``get(topic)`` is the validated model, or ``None`` when that language
    has no file for it (the feature is off)."""

    def __init__(self, lang: str, topics: dict[str, BaseModel | None]) -> None:
        self.lang = lang
        self._topics = topics

    def get(self, topic: str) -> Any:
        if topic not in self._topics:
            raise KeyError(f"no knowledge topic {topic!r} (known: {', '.join(sorted(self._topics))})")
        return self._topics[topic]

    def missing(self) -> list[str]:
        """Topics this language has no file for (features that are off)."""
        return sorted(name for name, model in self._topics.items() if model is None)

    def examples(self) -> Iterable[ExampleCase]:
        """Every example case of every topic this language has."""
        for name, module in topic_modules().items():
            model = self._topics.get(name)
            if model is not None and hasattr(module, "examples"):
                yield from module.examples(model)


@lru_cache(maxsize=len(LANGS))
def load(lang: str = "en") -> Knowledge:
    """Load and validate every knowledge file of ``lang`` (cached); raises ``KnowledgeError`` on a bad entry."""
    if lang not in LANGS:
        raise KnowledgeError(f"unknown language {lang!r} (known: {', '.join(LANGS)})")
    models: dict[str, BaseModel | None] = {}
    for name, module in topic_modules().items():
        file_name: str | None = module.FILE
        if file_name is None:  # language-independent: the module loads its own files
            models[name] = module.load_shared()
            continue
        path = KNOWLEDGE_DIR / lang / file_name
        models[name] = load_yaml(path, module.Model) if path.exists() else None
    return Knowledge(lang, models)


def topic(lang: str, name: str, model: type[M]) -> M | None:
    """The validated model of topic ``name`` in ``lang``, typed; ``None`` when that language has no file for it."""
    found = load(lang).get(name)
    if found is not None and not isinstance(found, model):
        raise TypeError(f"knowledge topic {name!r} is a {type(found).__name__}, not a {model.__name__}")
    return found


def required(lang: str, name: str, model: type[M]) -> M:
    """Like ``topic``, for a feature that cannot run without it: a missing file is a ``KnowledgeError``."""
    found = topic(lang, name, model)
    if found is None:
        raise KnowledgeError(f"language {lang!r} has no {name} knowledge (knowledge/{lang}/); this feature is off")
    return found
