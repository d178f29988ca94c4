"""Cut sections into passages of whole sentences and give each passage its topic."""

from __future__ import annotations

from oncoguide.domain.corpus import Document, Passage
from oncoguide.text.segment import split_sentences
from oncoguide.understand.intents import section_topic


def chunk_document(doc: Document, target_words: int, lang: str = "en") -> list[Passage]:
    """Passages of about ``target_words`` words; a sentence is never cut, a section never crossed; sentences and
    topics by the rules of ``lang``."""
    passages: list[Passage] = []
    for section in doc.sections:
        sentences = split_sentences(section.text, lang)
        if not sentences:
            continue
        topic = section_topic(section.path, sentences, lang)
        for group in _pack(sentences, target_words):
            passages.append(
                Passage(
                    id=f"{doc.id}:{len(passages) + 1:04d}",
                    document_id=doc.id,
                    order=len(passages),
                    section_path=section.path,
                    text=" ".join(group),
                    page=section.page,
                    source_ids=section.source_ids,
                    topic=topic,
                )
            )
    return passages


def _pack(sentences: list[str], target_words: int) -> list[list[str]]:
    """Greedy packing; a short tail joins the previous group instead of standing alone."""
    groups: list[list[str]] = []
    current: list[str] = []
    words = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and words + n > target_words:
            groups.append(current)
            current, words = [], 0
        current.append(sentence)
        words += n
    if current:
        tail_words = sum(len(s.split()) for s in current)
        if groups and tail_words < target_words // 4:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups
