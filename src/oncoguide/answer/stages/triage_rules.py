"""The rule layer of safety triage: the rules of ``knowledge/<lang>/safety.yaml`` compiled, with negation,
whose-situation-it-is and number readings (temperatures, stools a day, days of symptoms)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from oncoguide.knowledge import load
from oncoguide.knowledge.topics.safety import PRIORITY, Model, Rule

_FLAGS = re.I | re.S
_CLAUSE = re.compile(r"[.;!?\n]|,|\bbut\b|\bpero\b|\bhowever\b|\bsino\b", re.I)
# "if not", "not sure": words with "not" that negate nothing after them
_NOT_NEGATION = re.compile(
    r"\b(if not|not sure|not only|not just|or not|no idea|no clue|(do|does|did)(n'?t| not) know|not certain|si no"
    r"|no s[eé])\b", re.I)
_DENIED = re.compile(
    r"\b(no|not|without|never had|denies|don'?t have|doesn'?t have|haven'?t had|hasn'?t had|no sign of|sin|no tengo)"
    r"\b(\W+\w+){0,2}?\W+(fevers?|chills|temperature|temp|chest|breath\w*|bleeding|blood|diarrh\w*|vomit\w*|pain"
    r"|cough\w*|rash|swelling|confusion|fiebre|dolor|sangre)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=\S)")
_TERM = re.compile(r"\{([a-z_]\w*)\}")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "a dozen": 12, "dozen": 12, "several": 4,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "doce": 12, "varias": 4,
}
_COUNT = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_TEMP = re.compile(
    r"(?<![\d/:.,])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°|º|degrees?|deg|grados)?\s*(f|c|fahrenheit|celsius|centigrad\w*)?\b"
    r"(?![/:]\d)", re.I)
_TEMP_WORD = re.compile(r"temp|fever|thermometer|febr|fiebre|calentura|term[oó]metro|chills|hot", re.I)
_STOOL_CONTEXT = re.compile(
    r"diarr?h?|diahr|diarea|stool|poo|bowel|\bbms?\b|loose|watery|runs|toilet|bathroom|\bloo\b|deposici|evacuaci"
    r"|heces|ba[nñ]o|caca|suelt|\btumm?y?\b|mucus|going", re.I)
_STOOLS = re.compile(
    _COUNT + r"\s*(x|times?|veces|loose|watery|runny|stools?|bowel movements?|bms?|trips|episodes|deposiciones"
    r"|evacuaciones|runs to|poops?|poos?)\b", re.I)
_EVERY_HOUR = re.compile(r"every (hour|30 minutes|half hour|twenty minutes)|cada hora|non ?stop", re.I)
_DAYS = re.compile(r"(?:for|since|past|last|hace|desde hace|durante)\s+(?:the\s+)?" + _COUNT + r"\s+(?:days?|d[ií]as)"
                   r"|" + _COUNT + r"\s+(?:days?|d[ií]as)\s+(?:now|straight|in a row|seguidos)", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a message (split after . ! ?), without the ones of fewer than 8 letters ("Hi.", "OK?")."""
    return [x for x in _SENTENCES.split(text.strip()) if sum(c.isalpha() for c in x) >= 8]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower(), 0)


def _flat(pattern: str, terms: dict[str, str]) -> str:
    """A YAML pattern as one line, with ``{term}`` replaced by that term's pattern."""
    joined = "".join(line.strip() for line in pattern.splitlines())
    return _TERM.sub(lambda m: "(?:" + "".join(x.strip() for x in terms[m.group(1)].splitlines()) + ")", joined)


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    all: tuple[re.Pattern[str], ...]
    any: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]


class Rules:
    """Every rule of one language, compiled; ``fired(text)`` names the rules that fire, most urgent first."""

    def __init__(self, model: Model) -> None:
        self.model = model
        terms = model.terms
        self._rules = {
            r.id: _Compiled(r, *(tuple(re.compile(_flat(p, terms), _FLAGS) for p in ps)
                                 for ps in (r.all, r.any, r.unless)))
            for r in model.rules
        }
        cues = sorted(model.negation, key=len, reverse=True)
        self._negation = re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I) if cues else None
        self._current = re.compile(_flat(model.current, terms), re.I) if model.current else None
        self.general = re.compile(_flat(model.general, terms), re.I) if model.general else None
        self._context = re.compile(_flat(model.context, terms), re.I) if model.context else None
        # word start: "red" is not "tired", "wee" not "week"
        self._symptom = re.compile(r"\b(?:" + _flat(model.symptom, terms) + ")", re.I) if model.symptom else None

    # -- what the text says ------------------------------------------------------------------------------
    def negated(self, text: str, start: int) -> bool:
        """The words just before ``start``, in the same clause, negate it ("no fever", "I don't have a cough")."""
        if self._negation is None:
            return False
        clause = _NOT_NEGATION.sub(" ", _CLAUSE.split(text[:start])[-1])
        words = clause.split()[-6:]
        return bool(self._negation.search(" ".join(words)))

    def matches(self, pattern: re.Pattern[str], text: str) -> bool:
        """``pattern`` matches somewhere not negated."""
        return any(not self.negated(text, m.start()) for m in pattern.finditer(text))

    def current(self, text: str) -> bool:
        """Someone's situation now (a person, a time, a reading), not a question about a symptom in general."""
        return self._current is None or self._current.search(text) is not None

    def is_general(self, text: str) -> bool:
        """One question asked in general, with no sign of a situation now ("What does neutropenia mean?"); a
        second sentence ("It's more than before") tells a story, so the message is not general."""
        if self.general is None or self.general.search(text) is None or self.current(text):
            return False
        return len([s for s in _SENTENCES.split(text.strip()) if any(c.isalpha() for c in s)]) == 1

    def denies(self, text: str) -> bool:
        """The message says a symptom is absent ("I don't have chest pain"): embeddings miss a "no", so then the
        bank raises no emergency or urgent call by itself (the rules, which read negation, still can)."""
        return _DENIED.search(text) is not None

    def in_context(self, text: str) -> bool:
        """The message names cancer or a cancer treatment (always true when the language sets no pattern)."""
        return self._context is None or self._context.search(text) is not None

    def symptom(self, text: str) -> bool:
        """The message names a symptom or change in the body, not negated (always true when the language sets no
        pattern): "won't drink anything", "dizzy", "mouth so sore", not "is grapefruit ok with my pills?"."""
        return self._symptom is None or self.matches(self._symptom, text)

    def describes_symptom(self, text: str) -> bool:
        """Some sentence describes a symptom someone has now: it names one (not negated) with a person or a time
        ("my dad is confused since this morning"), and is not a question about the symptom in general. A long
        message about something else (a diagnosis, research, a prognosis) describes none. A temperature at the fever
        line or stools a day at the line are readings of now."""
        return any((self.symptom(s) and self.current(s) and not self.is_general(s)) or self.fever(s) or self.stools(s)
                   for s in sentences(text) or [text])

    def fever(self, text: str) -> bool:
        """A temperature reading at or above the fever line (100.4 F / 38.0 C), not negated."""
        line = self.model.numbers
        for m in _TEMP.finditer(text):
            value = float(m.group(1).replace(",", "."))
            unit = (m.group(3) or "").lower()[:1]
            near = text[max(0, m.start() - 40): m.end() + 40]
            decimal = any(c in m.group(1) for c in ".,")  # 38.5, 100.8: readings, not counts or dates
            if not (m.group(2) or unit or decimal or _TEMP_WORD.search(near)) or self.negated(text, m.start()):
                continue
            if unit == "f" or (not unit and 93 <= value <= 110):
                if value >= line.fever_f and value <= 110:
                    return True
            elif (unit == "c" or 34 <= value <= 43) and line.fever_c <= value <= 43:
                return True
        return False

    def stools(self, text: str) -> bool:
        """Stools a day at or above the line (CTCAE grade 2 diarrhea), or every hour."""
        if not _STOOL_CONTEXT.search(text):
            return False
        if _EVERY_HOUR.search(text):
            return True
        return any(_number(m.group(1)) >= self.model.numbers.stools_per_day and not self.negated(text, m.start())
                   for m in _STOOLS.finditer(text))

    @staticmethod
    def days(text: str) -> int:
        """The longest number of days the text says something has lasted (0 when it says none)."""
        found = [_number(g) for m in _DAYS.finditer(text) for g in m.groups() if g]
        return max(found, default=0)

    # -- rules -------------------------------------------------------------------------------------------
    def _fires(self, c: _Compiled, text: str, profile: Iterable[str] = ()) -> bool:
        rule = c.rule
        if rule.current and self.is_general(text):
            return False
        if any(p.search(text) for p in c.unless):
            return False
        seen = f"{text} . {' '.join(profile)}" if rule.profile and rule.profile in profile else text
        found = self.matches if rule.negation else (lambda p, s: p.search(s) is not None)
        if not all(found(p, seen) for p in c.all):
            return False
        if c.any and not any(found(p, seen) for p in c.any):
            return False
        if rule.reading == "temperature" and not self.fever(text):
            return False
        if rule.reading == "stools" and not self.stools(text):
            return False
        return rule.min_days is None or self.days(text) >= rule.min_days

    def fires(self, rule_id: str, text: str, profile: Iterable[str] = ()) -> bool:
        """Whether one rule fires on ``text`` (``profile``: treatment classes on the person's profile)."""
        return self._fires(self._rules[rule_id], text, tuple(profile))

    def fired(self, text: str, profile: Iterable[str] = ()) -> list[Rule]:
        """Every rule that fires on ``text``, most urgent kind first."""
        classes = tuple(profile)
        hits = [c.rule for c in self._rules.values() if self._fires(c, text, classes)]
        return sorted(hits, key=lambda r: PRIORITY.index(r.kind))


@lru_cache(maxsize=4)
def compiled(lang: str = "en") -> Rules:
    """The compiled rules of a language (cached); raises KeyError when the language has no safety file."""
    model = load(lang).get("safety")
    if model is None:
        raise KeyError(f"no safety knowledge for {lang!r}")
    return Rules(model)
