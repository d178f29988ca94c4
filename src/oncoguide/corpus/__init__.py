"""The shipped corpus: guides (Markdown), the shared vocabulary and the question catalog."""

from pathlib import Path

CORPUS_DIR = Path(__file__).parent
GUIDES_DIR = CORPUS_DIR / "guides"
VOCAB_DIR = CORPUS_DIR.parent / "knowledge" / "vocab"  # the vocabulary moved to knowledge/
CATALOG_DIR = CORPUS_DIR / "questions"
