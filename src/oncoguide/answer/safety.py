"""Safety triage (kept for existing imports): the engine lives in ``oncoguide.answer.stages.triage``."""

from __future__ import annotations

from oncoguide.answer.stages.triage import message, triage
from oncoguide.knowledge import load

MESSAGES: dict[str, str] = {kind: m.message for kind, m in load("en").get("safety").messages.items()}

__all__ = ["MESSAGES", "message", "triage"]
