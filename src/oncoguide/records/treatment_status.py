"""A treatment's status from the words of its own clause (stopped, completed, planned, ongoing or unknown), and
whether that status is *tentative*: resting only on words a plan shares with a course given ("BEP x 4 cycles",
"starting 11/03", "cycle 1 on 2/24"), so that a plan section or a plan cue decides instead. Received needs past
or ongoing words: "completed", "s/p", "underwent", "received 4 cycles", "cycle 3 day 1 today", "currently on"."""

from __future__ import annotations

import re

STOPPED = re.compile(r"\b(stopped|discontinued|d/c'?d|held|halted|switched|ceased|hold(?! off)|holding(?! off))\b"
                     r"|progress(ed|ion) (on|while on|after|despite)", re.I)
# past words; a cycle count alone ("x 6 cycles") is as true of a plan as of a course given
_DONE = re.compile(r"\b(completed|finished|s/p|status post|underwent|received \d+|(was|were) (performed|done)"
                   r"|(?<!be )done)\b", re.I)
_CYCLES = re.compile(r"\b(x\s?\d+ cycles|(?<!after )(?<!for )(?<!every )\d+ cycles)\b", re.I)
PLANNED = re.compile(r"\b(plan(ned|s)? (to )?(start|begin|initiate)|will (start|begin|receive|undergo)|to start"
                     r"|scheduled (to|for)|plan: start|planned|recommend(ed|s)?(?! against)"
                     r"|starting (on )?(day|d|week|cycle) ?\d+|starting (tomorrow|next (week|month|cycle)))\b", re.I)
ONGOING = re.compile(r"\b(started|starting|began|initiated|continu\w*|cont\b|on\b|currently|current tx|receiving|"
                     r"since|to present|to date|ongoing|maintenance|tolerating|today|cycle \d+)\b"
                     r"|[-\u2013]\s*present\b", re.I)
# ongoing words a plan also writes: "starting 11/03", "maintenance", "cycle 2", "on 12/08", "planning on"
_ONGOING_SURE = re.compile(r"\b(started|began|initiated|continu\w*|cont\b|currently|current tx"
                           r"|(is|are|was|remains?|remained|still|while|been|stays?|kept|maintained) on"
                           r"|receiving|since|to present|to date|ongoing|tolerating|today)\b|[-\u2013]\s*present\b"
                           r"|\bcurrent\b", re.I)
TOXICITY = re.compile(r"toxicit|colitis|pneumonitis|hepatitis|rash|intoleran|side effect|adverse|neuropath|"
                      r"grade [34]|\bgr\s?[34]\b", re.I)
PROGRESSION = re.compile(r"progress|\bPD\b|growth|grew", re.I)


def status(text: str) -> str:
    """stopped, completed, planned, ongoing or unknown, in that order of precedence."""
    if STOPPED.search(text):
        return "stopped"
    if _DONE.search(text) or _CYCLES.search(text):
        return "completed"
    if PLANNED.search(text):
        return "planned"
    if ONGOING.search(text) or re.search(r"\bcurrent\b", text, re.I):
        return "ongoing"
    return "unknown"


def tentative(text: str, found: str) -> bool:
    """Whether status ``found`` of ``text`` rests only on words a plan also writes (a cycle count; "starting",
    "maintenance", "cycle 2"): a plan section or a plan cue then makes the treatment planned."""
    if found == "completed":
        return not _DONE.search(text)
    if found == "ongoing":
        return not _ONGOING_SURE.search(text)
    return found in ("unknown", "planned")


def reason(text: str) -> str:
    """Why a stopped treatment stopped: progression, toxicity or other."""
    return "progression" if PROGRESSION.search(text) else "toxicity" if TOXICITY.search(text) else "other"
