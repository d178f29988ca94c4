"""The sentence splitter now lives in ``oncoguide.text.segment``; these names stay for existing imports."""

from oncoguide.text.segment import normalize_space, split_sentences

__all__ = ["normalize_space", "split_sentences"]
