"""Intents of questions and topics of guide sections, from one table of cue patterns.

A question gets one intent (the first rule that fires, in priority order). A section gets the topic whose
cues score highest in its heading and its first sentences, so the same vocabulary links "What are the side
effects of osimertinib?" to a section headed "Side effects of EGFR drugs" or one that opens with
"Side effects of ... include ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTENTS = (
    "definition", "symptoms", "testing", "staging", "treatment", "side_effects", "prognosis", "risk",
    "prevention", "trials", "resistance", "practical", "other",
)


@dataclass(frozen=True)
class Cue:
    """Patterns of one intent: ``question`` for asking, ``passage`` (pattern, weight) for text about it."""

    intent: str
    question: re.Pattern[str]
    passage: tuple[tuple[re.Pattern[str], float], ...]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# Priority order for questions: the first cue whose question pattern matches wins.
CUES: tuple[Cue, ...] = (
    Cue("side_effects", _re(r"side[- ]?effects?|adverse|toxicit|\breactions?\b"),
        ((_re(r"side[- ]effects?"), 2.0), (_re(r"\b(nausea|fatigue|rash|diarrh|neuropathy|hair loss)"), 0.5))),
    Cue("resistance", _re(r"stop(s|ped)? working|resistan|no longer work|progress(ed|es|ion)? (on|after|while)"
                          r"|next (option|line|step|treatment)|after .{0,40}(fails?|failed)|came back"),
        ((_re(r"stops? working|resistan|no longer work|progress(es|ed|ion)"), 2.0),
         (_re(r"\b(recurr|relaps|came back|comes back)"), 1.0))),
    Cue("prevention", _re(r"\bprevent|\bavoid (getting|cancer)|lower (my|the|your) (risk|chance)"),
        ((_re(r"\bprevent|protective factors?|risk-reducing|(decrease|lessen|lower|reduce)s? (the|your) (risk|chance)"),
          2.5), (_re(r"\bscreening\b"), 0.7))),
    Cue("trials", _re(r"clinical trials?|\bresearch\b|\bstudies\b|new (treatments?|drugs?) (being|in)"),
        ((_re(r"clinical trials?"), 1.5), (_re(r"being (tested|studied)|new types of treatment|\bresearch"), 2.5))),
    Cue("prognosis", _re(r"outlook|prognos|surviv|life expectancy|how long .{0,30}live|\bcur(ed|able)\b"
                         r"|chance of (recovery|cure)|\bterminal\b"),
        ((_re(r"prognos|chance of recovery|outlook"), 2.5), (_re(r"surviv|\b\d+-year\b|life expectancy"), 1.5),
         (_re(r"\b(can|may) (usually |often )?be cured|\bcure rates?\b"), 2.0))),
    Cue("symptoms", _re(r"symptoms?|\bsigns?\b|how (will|would) i know|warning"),
        ((_re(r"signs? (and|or) symptoms|symptoms?\b"), 2.0), (_re(r"warning signs?|\bsigns? (of|include)"), 2.0))),
    Cue("testing", _re(r"diagnos|\btest(s|ed|ing)?\b|biops|\bscans?\b|detect|screen(ed|ing)?|find out if i have"
                       r"|how (is|are) .{0,40} (found|checked|measured)"),
        ((_re(r"\btests?\b|\btesting\b"), 1.5), (_re(r"diagnos|detect|biops|\bscans?\b|screening"), 1.0),
         (_re(r"used to (detect|diagnose|find)|(detect|find)\)? and diagnose|tests? .{0,50}(detect|diagnose)"), 3.0))),
    Cue("risk", _re(r"\brisk|who (gets|is at)|\bcause[sd]?\b|\bwhy (do|did) (i|people)|inherit|hereditary"
                    r"|genetic|runs? in (the )?famil"),
        ((_re(r"\brisk\b|\brisks\b|increase the chance|risk factors?"), 2.0),
         (_re(r"caused? by|\bcauses? of\b|inherit|hereditary|gene changes? .{0,20}passed"), 1.5),
         (_re(r"gene (mutation|change)|genetic (change|syndrome)"), 1.0))),
    Cue("treatment", _re(r"\btreat|therap|\boptions?\b|\bdrugs?\b|medicines?|medication|surgery|chemo"
                         r"|radiation|\bmanage|\bcure\b|what (can|should) (i|we|be) do"),
        ((_re(r"types of (standard )?treatment|treatment options?|\btreatments?\b|\btreated\b"), 1.5),
         (_re(r"^(the )?(treatments?|therapy) (of|for|options?)\b|^there are different types of treatment"), 3.0),
         (_re(r"\btherap(y|ies)\b|\bdrugs?\b|\bsurgery\b"), 0.8))),
    Cue("staging", _re(r"\bstag(e|es|ed|ing)\b|\btnm\b|\bspread\b|metasta|\bgrade\b"),
        ((_re(r"\bstag(e|es|ing)\b"), 2.0), (_re(r"find out (if|whether) .{0,60}spread|(has|have) spread"), 2.5),
         (_re(r"\btnm\b"), 1.5))),
    Cue("definition", _re(r"^\s*(what|wat)('s| is| are| does| do)\b|\bmean(s|ing)?\b|\bdefin|\bexplain"
                          r"|what kind of"),
        ((_re(r"\b(is|are) (a|an) (\w+ ){0,3}(type|kind|group|form|disease|cancer|condition|protein|gene)"), 2.0),
         (_re(r"in which .{0,40}cells|\bmeans\b|stands for|is a (disease|cancer)"), 1.5),
         (_re(r"\b(forms?|begins?|starts?) (from|in) .{0,30}cells|\bare (rare )?types of\b"), 1.5))),
    Cue("practical", _re(r"\bcop(e|ing)\b|\bwork\b|insurance|\bcost|\bpay\b|caregiver|\bdiet\b|\beat\b"
                         r"|exercise|support group|feel(ing)? (sad|scared|anxious|alone)|talk to"),
        ((_re(r"\bcop(e|ing)\b|caregiver|support|feelings?|insurance|\bcosts?\b"), 1.0),)),
)

_HEADING_WEIGHT = 2.0
_LEAD_WEIGHTS = (1.0, 0.6, 0.3)


def question_intent(question: str) -> str:
    """The intent of a question (``other`` when no cue fires)."""
    for cue in CUES:
        if cue.question.search(question):
            return cue.intent
    return "other"


def topic_scores(heading: str, lead: list[str]) -> dict[str, float]:
    """Cue scores of a section from its heading and its first sentences (earlier sentences weigh more)."""
    scores: dict[str, float] = {}
    for cue in CUES:
        total = 1.0 * _HEADING_WEIGHT if heading and cue.question.search(heading) else 0.0
        for pattern, weight in cue.passage:
            if heading and pattern.search(heading):
                total = max(total, weight * _HEADING_WEIGHT)
            for i, sentence in enumerate(lead[: len(_LEAD_WEIGHTS)]):
                if pattern.search(sentence):
                    total = max(total, weight * _LEAD_WEIGHTS[i])
        if total:
            scores[cue.intent] = total
    return scores


def section_topic(path: tuple[str, ...], sentences: list[str]) -> str:
    """The topic of a section: the best-scoring intent, ``other`` when nothing fits."""
    lead = [s for s in sentences if s.lower() not in ("key points", "key points:")]
    scores = topic_scores(path[-1] if path else "", lead)
    if not scores:
        return "other"
    return max(sorted(scores), key=lambda k: scores[k])
