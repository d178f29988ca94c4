"""The optional LLM writer: rewrites an answer's body in plain language from the same evidence passages, then keeps
only the sentences the passages they cite support. Any failure, or too many unsupported sentences, leaves the
extractive body in place, with the reason logged and shown in ``Answer.writer``."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.answer.verify import check
from oncoguide.answer.writer import Written
from oncoguide.config import Settings
from oncoguide.domain.answer import AnswerSection, Sentence, WriterInfo
from oncoguide.knowledge.schema import required
from oncoguide.knowledge.topics import answer_text
from oncoguide.llm.client import ChatClient, LLMError
from oncoguide.llm.prompt import Evidence, messages
from oncoguide.search.index import Hit
from oncoguide.text.segment import normalize_space, split_sentences

log = logging.getLogger("oncoguide.llm")

SUMMARY_SIZE = 2
MIN_KEPT = 2  # fewer supported sentences than this is not an answer
_BRACKETS = re.compile(r"\[([^\[\]\n]{1,200})\]")
_PAREN_IDS = re.compile(r"\(\s*([\w.-]+:\d+(?:\s*[,;]\s*[\w.-]+:\d+)*)\s*\)")
_ID = re.compile(r"^[\w.-]+:\d+$")
_BULLET = re.compile(r"^(?:[-*•#>]+|\d+[.)])\s*")


def _more_heading(lang: str = "en") -> str:
    return required(lang, "answer_text", answer_text.Model).more_heading


@dataclass(frozen=True)
class Draft:
    """One sentence the model wrote, with the passage ids it cited."""

    text: str
    citations: tuple[str, ...]


def parse(content: str) -> list[Draft]:
    """Sentences with their citations, one or more per line; headings and lead-ins ("Here is...:") are skipped."""
    out: list[Draft] = []
    for raw in content.splitlines():
        line = _BULLET.sub("", raw.strip().replace("**", "")).strip()
        if line.startswith("<"):  # the prompt's block tags, echoed
            continue
        ids = [*(_ids(g) for g in _BRACKETS.findall(line)), *(_ids(g) for g in _PAREN_IDS.findall(line))]
        text = normalize_space(_PAREN_IDS.sub(" ", _BRACKETS.sub(" ", line)))
        text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
        if not re.search(r"[A-Za-z]{2}", text) or text.endswith(":"):
            continue
        cited = tuple(dict.fromkeys(i for group in ids for i in group))
        out += [Draft(s, cited) for s in split_sentences(text)]
    return out


def _ids(group: str) -> list[str]:
    """Passage ids in one bracket; a bracket without any (``[1]``, ``[source]``) is one unknown id."""
    tokens = [t for t in re.split(r"[,;\s]+", group.strip()) if t]
    found = [t for t in tokens if _ID.match(t)]
    return found or [group.strip()]


def verify(drafts: list[Draft], passages: dict[str, str]) -> tuple[list[Sentence], Counter[str], int]:
    """The supported sentences (citing only the passages that support them), the reasons the others were dropped,
    and how many distinct sentences there were."""
    kept: list[Sentence] = []
    dropped: Counter[str] = Counter()
    seen: set[str] = set()
    for d in drafts:
        key = re.sub(r"\W+", " ", d.text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        if not d.citations:
            dropped["no citation"] += 1
        elif any(c not in passages for c in d.citations):
            dropped["unknown passage"] += 1
        elif supporting := [c for c in d.citations if check(d.text, passages[c]).supported]:
            kept.append(Sentence(text=d.text, citations=supporting))
        else:
            dropped["unsupported"] += 1
    return kept, dropped, len(seen)


def arrange(kept: list[Sentence], evidence: dict[str, Evidence]) -> tuple[list[Sentence], list[AnswerSection]]:
    """The first sentences are the summary; the rest go under the guide heading of the passage each cites."""
    groups: dict[str, list[Sentence]] = {}
    for s in kept[SUMMARY_SIZE:]:
        section = [h for h in evidence[s.citations[0]].section if h and not h.startswith("Page ")]
        groups.setdefault(section[-1] if section else _more_heading(), []).append(s)
    return kept[:SUMMARY_SIZE], [AnswerSection(heading=h, sentences=ss) for h, ss in groups.items()]


class Writer:
    """Rewrites answers with the configured LLM (implements ``oncoguide.answer.writer.Writer``); without one it
    returns the extractive body unchanged."""

    def __init__(self, settings: Settings) -> None:
        self.cfg = settings.llm
        self.limit = settings.answer.max_sentences
        self.client = ChatClient(self.cfg) if self.cfg.url else None

    @property
    def key(self) -> str:
        """Part of the answer cache key: answers differ with the writer."""
        return f"llm:{self.cfg.model}@{self.cfg.url}" if self.client else "extractive"

    def rewrite(self, question: str, hits: Sequence[Hit], records: str, summary: list[Sentence],
                sections: list[AnswerSection]) -> Written:
        """The LLM's verified sentences as summary and sections, or the given extractive ones with the reason."""
        if self.client is None:
            return Written(summary, sections)
        evidence = {h.passage.id: Evidence(h.passage.id, h.passage.text, h.passage.section_path,
                                           h.passage.document_id) for h in hits[: self.cfg.max_passages]}
        info = WriterInfo(mode="extractive", model=self.cfg.model)
        try:
            content = self.client.complete(messages(question, list(evidence.values()), records))
        except LLMError as e:
            return self._fallback(summary, sections, info, e.reason)
        drafts = parse(content)
        kept, dropped, written = verify(drafts, {k: e.text for k, e in evidence.items()})
        info = info.model_copy(update={"written": written, "kept": len(kept), "dropped": sum(dropped.values()),
                                       "drop_reasons": dict(sorted(dropped.items()))})
        if not drafts:
            return self._fallback(summary, sections, info, "no sentences in the reply")
        if len(kept) < MIN_KEPT or len(kept) < self.cfg.min_kept_share * written:
            return self._fallback(summary, sections, info, f"too few supported sentences ({len(kept)} of {written})")
        log.info("LLM writer: kept %d of %d sentences (model %s)", len(kept), written, self.cfg.model)
        new_summary, new_sections = arrange(kept[: self.limit], evidence)
        return Written(new_summary, new_sections, info.model_copy(update={"mode": "llm"}))

    def _fallback(self, summary: list[Sentence], sections: list[AnswerSection], info: WriterInfo,
                  reason: str) -> Written:
        log.warning("LLM writer: using the extractive answer: %s (model %s)", reason, self.cfg.model)
        return Written(summary, sections, info.model_copy(update={"fallback_reason": reason}))
