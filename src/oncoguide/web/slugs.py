"""Question page addresses. Catalog questions have fixed, shareable slugs
(``/questions/what-does-alk-positive-mean-in-lung-cancer``). A free-text question may hold PHI, so its page is
private: the address is a keyed hash of its asker and the question (``store.questions``), the text is kept
encrypted under the asker with obvious identifiers removed (``web.redact``), and nobody else can open it."""

from __future__ import annotations

import re
import unicodedata

from oncoguide.corpus.schema import load_catalog
from oncoguide.store.questions import AskedQuestions, normalised
from oncoguide.web.redact import redact

MAX_SLUG = 90


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary (``""`` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


class QuestionPages:
    """Slug <-> question: catalog questions by their own slugs (public); any other question per owner."""

    def __init__(self, asked: AskedQuestions) -> None:
        self.asked = asked
        catalog = load_catalog()
        self.catalog = {q.slug: q.question for q in catalog}
        self.catalog_slugs = {normalised(q.question): q.slug for q in catalog}

    def slug_for(self, owner: str, question: str) -> str:
        """The catalog slug of ``question``, else the owner's private slug for it (kept, identifiers removed)."""
        known = self.catalog_slugs.get(normalised(question))
        return known if known else self.asked.put(owner, redact(question))

    def question_for(self, owner: str, slug: str) -> str | None:
        """The question behind ``slug`` when it is a catalog one or ``owner``'s own, else None."""
        if slug in self.catalog:
            return self.catalog[slug]
        return self.asked.get(owner, slug)
