"""Safety triage before retrieval: urgent situations get the right message first."""

from __future__ import annotations

import re

from oncoguide.answer.model import Safety

_EMERGENCY = re.compile(
    r"cough(ing|ed)? up blood|can'?t breathe|cannot breathe|trouble breathing|short(ness)? of breath (suddenly|now)"
    r"|chest pain|passed out|fainted|seizure|(fever|temperature).{0,40}(chemo|treatment)|(chemo|treatment).{0,40}fever"
    r"|confus(ed|ion) (suddenly|now|today)|suddenly confused|can'?t (feel|move) my legs"
    r"|lost control of my (bladder|bowel)"
    r"|(legs|leg) (are|is|went|feel|feels) (weak|numb)|numb(ness)? in (my|both) legs|bleeding (that )?won'?t stop"
    r"|vomiting blood|black (stool|poop)",
    re.I,
)
_CRISIS = re.compile(
    r"\b(kill(ing)?|hurt(ing)?|harm(ing)?) (myself|my self)|end (my|it) (life|all)|suicid|want to die"
    r"|don'?t want to (live|be alive)"
    r"|no reason to live|better off dead",
    re.I,
)
_DOSING = re.compile(
    r"how (much|many) .{0,40}(take|need|should|do people|mg|pills?|tablets?)|what (is the )?(dose|dosage)"
    r"|\bdosage\b|\d\s?mg\b|\bmg of\b|milligrams?|double (up|my dose)|missed (a |my )?dose|\bmy dose\b"
    r"|extra (pill|dose|tablet)",
    re.I,
)
# An emergency is happening to someone now: a person, a measured temperature or a word of urgency.
_PERSONAL = re.compile(
    r"\b(i|i'?m|i'?ve|me|my|we|our|he|she|his|her|dad|mom|father|mother|husband|wife|son|daughter|got|having)\b"
    r"|\b\d{2,3}(\.\d)?\s?(°|degrees|f\b|c\b)|\b(now|right now|today|tonight|this morning|since|suddenly)\b",
    re.I,
)
_STOP = re.compile(
    r"\b(should|can|could|may) i (stop|skip|quit|pause|come off|take a break from)"
    r"|\b(stop|quit|skip)(ping)? (my |the )?(treatment|chemo|medicine|medication|pills|immunotherapy|drug)",
    re.I,
)

MESSAGES = {
    "emergency": (
        "This may be an emergency. Call 911 (or your local emergency number) or go to the nearest emergency room "
        "now. If you are getting cancer treatment, also call your care team's 24-hour line right away."
    ),
    "crisis": (
        "You are not alone, and help is available right now. In the US, call or text 988 (the 988 Suicide & Crisis "
        "Lifeline) any time. If you are in danger, call 911 or go to the nearest emergency room. "
        "Please also tell your care team how you are feeling."
    ),
    "dosing": (
        "OncoGuide does not give doses or dosing advice. The right dose depends on you and your treatment plan, "
        "so please ask your care team or pharmacist. The general information below is not a substitute for that."
    ),
    "out_of_scope": (
        "OncoGuide answers questions about cancer, its tests and its treatments, from the guides it holds. "
        "This question seems to be about something else."
    ),
    "myth": (
        "This question seems to rest on a common belief about cancer that is not true, or not true for "
        "everyone. Here is what is known, from our guide to cancer myths."
    ),
    "stop_treatment": (
        "Please do not stop, skip or change a treatment on your own. Talk with your care team first: they can "
        "help with side effects and explain your options. The general information below may help that talk."
    ),
}


def triage(question: str) -> Safety | None:
    """The safety message a question needs first, or None for an ordinary question."""
    for kind, pattern in (("crisis", _CRISIS), ("emergency", _EMERGENCY), ("stop_treatment", _STOP),
                          ("dosing", _DOSING)):
        if pattern.search(question) and (kind != "emergency" or _PERSONAL.search(question)):
            return Safety(kind=kind, message=MESSAGES[kind])  # type: ignore[arg-type]
    return None
