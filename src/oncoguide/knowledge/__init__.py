"""Medical and language knowledge as validated data, apart from the machinery that uses it.

``load(lang)`` validates every file of one language (and the shared vocabulary) and caches the result;
``python -c "import oncoguide.knowledge as k; k.load('en')"`` checks everything. Layout: ``vocab/`` (shared by all
languages), ``en/``, ``es/`` (one YAML file per topic), ``topics/`` (one module per topic: its schema and how
its examples run). See docs/extending.md.
"""

from oncoguide.domain.types import LANGS, Lang
from oncoguide.knowledge.schema import ExampleCase, Knowledge, KnowledgeError, load

__all__ = ["LANGS", "ExampleCase", "Knowledge", "KnowledgeError", "Lang", "load"]
