"""Treatment recogniser: drugs through the vocabulary (brand -> generic, class from the drug's kind), regimens
(FOLFOX...), surgery and radiation, with status, reason stopped and dates read around each mention."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from oncoguide import knowledge
from oncoguide.knowledge.vocab_models import Drug, load_vocabulary
from oncoguide.records import context as ctx
from oncoguide.records.model import RecordDocument, Treatment
from oncoguide.records.sections import Section
from oncoguide.records.spans import evidence_at
from oncoguide.records.treatment_status import cue, reason, tentative
from oncoguide.records.treatment_status import status as _status
from oncoguide.understand.entities import Entity

_DRUG_CONTEXT = re.compile(r"\b(chemo\w*|regimens?|cycles?|courses?|treated|treatment|therapy|received|receiving"
                           r"|infusion|given|doses?|mg|started|completed|salvage|induction|consolidation|maintenance"
                           r"|conditioning|transplant|followed by|plus|adjuvant|neoadjuvant|C\d+D\d+)\b", re.I)


@dataclass(frozen=True)
class _Regimens:
    pattern: re.Pattern[str]
    by_name: dict[str, tuple[list[str], bool]]  # lower-case acronym or alias -> (drugs, ambiguous)
    firsts: frozenset[str]  # the first word of every name, lower case


@lru_cache(maxsize=1)
def _regimens() -> _Regimens:
    by_name: dict[str, tuple[list[str], bool]] = {}
    for r in knowledge.load("en").get("regimens").regimens:
        for name in (r.acronym, *r.aliases):
            by_name.setdefault(name.lower(), (r.drugs, r.ambiguous))
    names = sorted(by_name, key=len, reverse=True)
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    firsts = frozenset(w[0] for n in names if (w := re.findall(r"[a-z0-9]+", n)))
    return _Regimens(re.compile(rf"(?<![\w-])({alternation})(?![\w-])", re.I), by_name, firsts)


def _within(entities: list[Entity], starts: list[int], c: ctx.Clause) -> list[Entity]:
    """The entities (sorted by start) that start inside clause ``c`` (binary search: linear over a record)."""
    return entities[bisect.bisect_left(starts, c.start):bisect.bisect_left(starts, c.end)]


def regimens_in(text: str, drug_spans: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(generic, start, end) for each regimen acronym in a sentence: an ambiguous one (AC, TC, ICE) only as written
    in capitals and with a drug context in the sentence; none inside a drug's own name ("Pepcid AC")."""
    out: list[tuple[str, int, int]] = []
    table = _regimens()
    if table.firsts.isdisjoint(re.findall(r"[a-z0-9]+", text.lower())):
        return out  # no regimen's first word in the sentence
    for m in table.pattern.finditer(text):
        drugs, ambiguous = table.by_name[re.sub(r"\s+", " ", m.group(0).lower())]
        if any(a < m.end() and m.start() < b for a, b in drug_spans):
            continue
        if ambiguous and ((m.group(0) != m.group(0).upper() and m.group(0).lower() not in ("ddac", "vrd"))
                          or not _DRUG_CONTEXT.search(text)):
            continue
        out += [(g, m.start(), m.end()) for g in drugs]
    return out


_RADIATION_HINTS = ("radi", "sbrt", "srs", "imrt", "wbrt", "xrt", "proton", "gamma", "brachy", "seed", "i-131",
                    "i-125", "implant")
_TRANSPLANT = re.compile(r"\b((autologous|allogeneic|allogenic|auto|allo)[\w\s-]{0,30}?transplant\w*|allotransplant\w*"
                         r"|autotransplant\w*|(stem[- ]cell|bone marrow|SCT)\s+transplant\w*)", re.I)
_INTENT = re.compile(r"\b(neoadjuvant|adjuvant|palliative|curative|definitive|maintenance|consolidation)\b", re.I)
_INTENT_NAME = {"definitive": "curative", "consolidation": "maintenance"}
_RECOMMENDED = re.compile(r"\brecommend\w*|\badvised?\b", re.I)
_BENIGN = re.compile(r"\b(risk-reducing|risk reducing|risk[- ]reduction|prophylactic|fibroids?|leiomyomas?|\w*adenomas?"
                     r"|papillomas?|lipomas?|hamartomas?|hemangiomas?|hyperplasia"
                     r"|benign|hernia|gallstones?|cholecystitis|cholelithiasis|appendicitis|diverticulitis|Graves'?"
                     r"|hyperthyroid\w*|thyroiditis|BPH|donors?|donation|hemorrhoids?|adenomyosis|torsion|ectopic"
                     r"|endometriosis|prolapse|menorrhagia|bleeding|goiter|cysts?|polyps?|infection|abscess|trauma"
                     r"|fracture|stones?|obstruction|atrial|arrhythmias?|pulmonary veins?|varicose|hematomas?"
                     r"|aneurysms?|hydrocephalus|injury|injuries|accident|ulcers?|peptic|obesity|bariatric|weight loss"
                     r"|gynecomastia|reduction mammoplasty|augmentation|cosmetic|gender[- ]affirming|nonfunctioning"
                     r"|non-functioning|reflux|GERD|hidradenitis|ITP|sickle|meningiomas?|schwannomas?|neuromas?"
                     r"|neurofibromas?|nevus|nevi|keloids?|cataracts?)\b", re.I)
_CANCER_CONTEXT = re.compile(r"\b(cancer|\w*carcinoma|malignan\w*|tumou?r|neoplasm|lymphoma|\w*sarcoma"
                             r"|melanoma|metasta\w*|oncolog\w*|\w+blastoma|\w*glioma)\b", re.I)


@dataclass(frozen=True)
class _Procedures:
    """``knowledge/vocab/procedures.yaml`` compiled: one pattern per surgery entry, radiation, generic nouns."""

    surgery: list[tuple[re.Pattern[str], str | None, bool, bool]]  # (pattern, name, cancer operation, needs target)
    organs: list[frozenset[str]]  # per surgery entry: the words of the organ it removes
    target_after: re.Pattern[str]
    target_before: re.Pattern[str]
    radiation: re.Pattern[str]
    generic: list[tuple[re.Pattern[str], str, str]]  # (pattern, name, class)
    received: re.Pattern[str]
    planned: re.Pattern[str]
    after: re.Pattern[str]
    implied: list[tuple[str, re.Pattern[str], re.Pattern[str], re.Pattern[str]]]  # (name, after, pathology, unless)


@lru_cache(maxsize=1)
def _procedures() -> _Procedures:
    from oncoguide.knowledge.topics.procedures import pattern

    m = knowledge.load("en").get("procedures")
    targets = "|".join(m.targets)
    return _Procedures(
        surgery=[(pattern(e.patterns), e.name, e.cancer_operation, e.needs_target) for e in m.surgery],
        organs=[frozenset(w.lower() for w in e.organ) for e in m.surgery],
        target_after=re.compile(rf"^,?\s+(of\s+|on\s+)?((the|a|an|his|her|right|left|bilateral)\s+)?"
                                rf"[\w\s-]{{0,50}}?\b({targets})\b", re.I),
        target_before=re.compile(rf"\b({targets})\s*[,;]?\s+$", re.I),  # "Sigmoid and rectum; segmental resection"
        radiation=pattern(m.radiation.patterns),
        generic=[(pattern(g.patterns), g.name, g.class_) for g in m.generic],
        received=re.compile(rf"(?:{m.cues.received})\s+(?:[\w-]+\s+){{0,2}}$", re.I),
        planned=re.compile(rf"(?:{m.cues.planned})\s+(?:[\w-]+\s+){{0,2}}$", re.I),
        after=re.compile(m.cues.after, re.I),
        implied=[(i.name, pattern(i.after), re.compile(i.pathology, re.I), re.compile(i.unless, re.I))
                 for i in m.implied],
    )


_NOT_NEAR_SURGERY = re.compile(r"\bbiops|\bsentinel|\bmapping\b|candidate"
                               r"|\bmargins?\b|\b(sharp|blunt)\s*$", re.I)


def surgeries_in(text: str) -> list[tuple[str, bool, bool, int, int]]:
    """(name, cancer operation, vague, start, end) of each operation named in ``text``: a vague one (resection,
    excision) only with a target; none next to a biopsy, sentinel-node mapping or scheduling word."""
    return [(name, cancer_op, vague, start, end) for name, cancer_op, vague, _, start, end in _surgeries(text)]


_TRAILING_DASH = re.compile(r"(?<=\w)-(?=\s|$)")


def _surgeries(text: str) -> list[tuple[str, bool, bool, frozenset[str], int, int]]:
    out: list[tuple[str, bool, bool, frozenset[str], int, int]] = []
    taken: list[tuple[int, int]] = []
    scan = _TRAILING_DASH.sub(" ", text)  # "PART 8: OMENTUM, OMENTECTOMY- OMENTUM WITH ...": the dash ends the line
    for (rx, name, cancer_op, needs_target), organ in zip(_procedures().surgery, _procedures().organs, strict=True):
        for m in rx.finditer(scan):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if needs_target and not (_procedures().target_after.match(text[m.end():m.end() + 70])
                                     or _procedures().target_before.search(text[max(0, m.start() - 20):m.start()])):
                continue
            before = re.split(r",|;| and | with | or ", text[max(0, m.start() - 30):m.start()])[-1]
            if _NOT_NEAR_SURGERY.search(before) or _NOT_NEAR_SURGERY.search(
                    text[m.end():m.end() + 10]):
                continue
            words = re.sub(r"\s+", " ", m.group(0).lower())
            words = re.sub(r"^(right|left|extended) ", "", words)
            out.append((name or words, cancer_op, needs_target, organ, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(out, key=lambda x: x[4])


_SPECIMEN_GAP = re.compile(r"\s*(:|-|,|\bshow(ed|ing|s)\b|\brevealed\b|\bwith\b)\s*", re.I)


def implied_in(text: str, record: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each operation a sentence implies by stating its specimen's pathology right after an
    operation ("Radical prostatectomy: Negative lymph nodes." -> pelvic lymph node dissection); none when the record
    makes the nodes a biopsy (sentinel node)."""
    out: list[tuple[str, int, int]] = []
    for name, after, pathology, unless in _procedures().implied:
        if unless.search(record):
            continue
        for m in after.finditer(text):
            gap = _SPECIMEN_GAP.match(text, m.end())
            found = pathology.match(text, gap.end()) if gap else None
            if found:
                out.append((name, m.start(), found.end()))
                break
    return out


def _spread_to(text: str, organ: frozenset[str]) -> bool:
    """Whether a record says its cancer reached an organ ("She had spread to her kidney", "invasion of the
    bladder") or names a lymphoma or sarcoma there ("Burkitt lymphoma, ileocecal")."""
    words = "|".join(re.escape(w) for w in sorted(organ))
    return re.search(rf"\b(spread|metasta\w*|invasion|invad\w*|involv\w*|extension|extend\w*)\s+(to|of|into|in)\s+"
                     rf"(the\s+|her\s+|his\s+|both\s+)?(left\s+|right\s+)?({words})\b", text, re.I) is not None or (
        re.search(rf"\b(lymphoma|\w*sarcoma)\b,?\s+((of|in|involving)\s+)?(the\s+)?({words})\b", text, re.I)
        is not None)


# An operation done to rule a cancer out that found none: "PREOPERATIVE DIAGNOSIS: Bilateral axillary masses, rule out
# recurrent Hodgkin's disease" ... "frozen section ... revealed no obvious evidence of lymphoma" (an abscess). The
# finding must deny the disease ruled out (a lymphoma word for a lymphoma, a carcinoma word for a carcinoma): "rule
# out carcinoma" ... "nodes showed no evidence of metastasis" is a cancer operation whose nodes were clear.
_RULE_OUT = re.compile(r"\b(rule out|r/o|to exclude|rule-out)\b[^.\n]{0,40}?\b(?P<what>cancer|\w*carcinoma|malignan\w*"
                       r"|tumou?r|lymphoma|\w*sarcoma|melanoma|hodgkin\w*)", re.I)
_NONE_FOUND = re.compile(r"\b(revealed|showed|shows|demonstrated)\s+no\s+((obvious|definite|convincing)\s+)?"
                         r"((evidence|sign)\s+of\s+)?(?P<what>lymphoma|hodgkin\w*|carcinoma|cancer|malignancy|tumou?r"
                         r"|\w*sarcoma|melanoma)\b", re.I)
_DISEASE_CLASS = (("lymphoma", "hodgkin"), ("carcinoma", "cancer", "tumor", "tumour"), ("sarcoma",), ("melanoma",))


def _ruled_out_operation(text: str) -> bool:
    """The record is an operation to rule a cancer out whose findings deny it (no lymphoma found)."""
    asked, found = _RULE_OUT.search(text), _NONE_FOUND.search(text)
    if asked is None or found is None:
        return False
    a, f = asked.group("what").lower(), found.group("what").lower()
    return f.startswith("malignan") or a.startswith("malignan") or any(
        a.endswith(w) or a.startswith(w) for group in _DISEASE_CLASS if any(
            f.endswith(x) or f.startswith(x) for x in group) for w in group)


def _for_cancer(text: str, cancer_op: bool, sec: Section | None, has_cancer: bool) -> bool:
    """A surgery is cancer treatment when its sentence names no benign indication, and, unless it is a cancer
    operation (lobectomy, mastectomy...), in a past-history list or a record with no cancer, when its sentence
    names a cancer (a hysterectomy for fibroids, a thyroidectomy for goiter are not)."""
    cancer_here = bool(_CANCER_CONTEXT.search(text))
    if _BENIGN.search(text) and not cancer_here:
        return False
    if cancer_op:  # lobectomy, mastectomy...: cancer surgery unless benign
        return True
    if (sec is not None and sec.kind == "past_history") or not has_cancer:
        return cancer_here
    return True


# Radiation words that are not a treatment: a department or job, a side effect, post-radiation changes.
# A requisition form's field answered no ("CHEMORADIATION: No.", "CHEMORADIATION THERAPY: Not answered.") and a
# trial group's name ("Radiation Therapy Oncology Group") name no course either.
_RAD_NOT_AFTER = re.compile(r"(( and medical)? oncolog| (department|exposure|safety|therap(ist|y department))"
                            r"|(-induced| induced)? (fibrosis|pneumonitis|changes|necrosis|recall|dermatitis|proctitis"
                            r"|esophagitis|oncolog)|( therapy)? oncology group"
                            r"|( therapy)?\s*:\s*(no|none|not (answered|applicable|given|specified|known)|n/?a"
                            r"|unknown)\b)",
                            re.I)
_RAD_NOT_BEFORE = re.compile(r"post[- ]?$", re.I)
_RAD_SITE = re.compile(r"\b(brain|chest|breast|pelvis|pelvic|prostate|prostatic|spine|lung|bone|hip|rectum|rectal"
                       r"|cranial|thoracic|thorax|chest wall|whole[- ]brain|brain metastas[ie]s)\b", re.I)
_RAD_SITE_NAME = {"pelvic": "pelvis", "prostatic": "prostate",
                  "rectal": "rectum", "cranial": "brain", "thoracic": "chest", "thorax": "chest",
                  "chest wall": "chest"}
# A sentence that only says "Stopped 02/2025 because of ..." is about the treatments of the sentence before it
_CARRIED = re.compile(r"^\W*(permanently )?(stopped|discontinued|held|completed|finished|ended)\b", re.I)
# a sentence that only says the patient declined: it answers the treatment the sentence before offered
_DECLINED_ALONE = re.compile(r"^\W*((after|following) (further |much |a long )?discussions?,?\s*|however,?\s*|but\s+)?"
                             r"(she|he|they|the patient|patient|pt)\s+(has\s+|have\s+|had\s+|ultimately\s+|again\s+)?"
                             r"(declined|declines|refused|refuses|(is|was) not interested|(does|did) not (want|wish))\b"
                             r"(?!\s+to\s+continue)", re.I)
_SWITCH_TO = re.compile(r"\b((switched|changed|transitioned|moved|escalated|converted)( over| from [\w\s()/-]{1,40}?)?"
                        r" to|now on|(re)?started"
                        r"|starting|began|initiated|commenced)\b[\w/+,\s-]{0,40}$", re.I)
# written together: "nivolumab + ipilimumab", "carboplatin (AUC 5) and pemetrexed", "TACE (lipiodol + doxorubicin)"
_JOINED = re.compile(r"^(\s*\([^()]{0,30}\))?[\s,/+&()]*(and|plus|with|\+)?[\s,/+&()]*$"
                     r"|^\s*\([\w\s,/-]{0,20}(\+|and|plus|with)?\s*$", re.I)
_ENDED = re.compile(r"stopped|until|completed|through|ended|discontinued|finished", re.I)
_RANGE = re.compile(r"\s*(-|to|through|until|–)\s*$", re.I)


def read_treatments(doc: RecordDocument, sentences: list[ctx.Clause], entities: list[Entity],
                    context: ctx.DocContext | None = None, has_cancer: bool = True,
                    cancer_words: frozenset[str] = frozenset(),
                    kind_words: frozenset[str] | None = None, cancer_id: str | None = None) -> list[Treatment]:
    """Treatments given, ongoing, planned, recommended or declined (not options, negated ones, relatives' or a
    lab's associated therapies), one per (name, start), each with the status and dates its own part of the
    sentence states. A plan section gives planned treatment; allergies none; surgery counts only when its
    indication is a cancer (not fibroids, an adenoma, a hernia); an organ's operation whose sentence names no
    cancer counts only when ``cancer_words`` (the record's cancer site and type) name that organ or the record
    says the cancer spread there. A sentence that tells a prior cancer of another organ than ``kind_words`` (the
    record's cancer type and histology) gives no treatment: it is that cancer's, as does one whose own clause says it
    was for another cancer than ``cancer_id`` ("Mohs surgery for basal cell carcinoma" in a breast cancer record)."""
    context = context or ctx.DocContext(doc.text)
    kind_words = cancer_words if kind_words is None else kind_words
    diagnostic = _ruled_out_operation(doc.text)
    vocab = {d.generic: d for d in load_vocabulary().drugs}
    all_drugs = [e for e in entities if e.kind == "drug"]
    drugs = [e for e in all_drugs if e.id in vocab and vocab[e.id].kind != "other"
             and "imaging" not in vocab[e.id].drug_class.lower()]
    drug_starts, all_starts = [e.start for e in drugs], [e.start for e in all_drugs]
    spelled = {_key(n) for d in vocab.values() for n in (d.generic, *d.brands)} | {_key(k) for k in
                                                                                 _regimens().by_name}
    out: list[Treatment] = []
    phase: set[int] = set()  # ids of planned entries for a next phase of a treatment under way
    generic: set[int] = set()  # indexes in ``out`` of generic nouns ("chemotherapy")
    previous: list[int] = []  # indexes in ``out`` of the previous sentence's treatments
    for c in sentences:
        text = c.text
        sec = context.section(c.start)
        if ctx.is_family(text, len(text)) or ctx.ASSOCIATED.search(text) or (
                sec is not None and (sec.treatment == "none" or sec.owner == "family")):
            previous = []
            continue
        if other_cancer(text, kind_words):
            previous = []
            continue  # "History of breast cancer, lumpectomy and radiation 2012" in a CLL record
        found: list[tuple[str, str, int, int]] = []  # (name, kind, start, end) in the sentence
        names = [(e.id, e.start - c.start, e.end - c.start) for e in _within(drugs, drug_starts, c)]
        spans = [(e.start - c.start, e.end - c.start) for e in _within(all_drugs, all_starts, c)]
        names += regimens_in(text, spans)
        names += _partnered(text, names, [(e.id, e.start - c.start, e.end - c.start)
                                          for e in _within(all_drugs, all_starts, c)], vocab, cancer_id)
        for name, start, end in names:
            if not _hypothetical(text, start):
                found.append((name, vocab[name].kind if name in vocab else "chemotherapy", start, end))
        low = text.lower()
        vague: set[tuple[int, int]] = set()  # resection / excision: the record's named operation, if it has one
        for proc, cancer_op, needs_target, organ, start, end in _surgeries(text):
            if organ and cancer_words and not (organ & cancer_words) and not _CANCER_CONTEXT.search(text) \
                    and not _spread_to(doc.text, organ):
                continue  # "Status post bilateral nephrectomy" in a thyroid cancer record: indication not stated
            if diagnostic and not cancer_op:
                continue  # "rule out recurrent Hodgkin's disease" ... "no evidence of lymphoma": a diagnostic excision
            if not (_hypothetical(text, start) or not _for_cancer(text, cancer_op, sec, has_cancer)):
                found.append((f"surgery: {proc}", "surgery", start, end))
                if needs_target:
                    vague.add((start, end))
        if has_cancer and "lymph node" in low:  # "Radical prostatectomy: Negative lymph nodes."
            found += [(f"surgery: {name}", "surgery", start, end) for name, start, end in implied_in(text, doc.text)
                      if not _hypothetical(text, start)]
        for m in (_TRANSPLANT.finditer(text) if "transplant" in low else ()):
            if _hypothetical(text, m.start()):
                continue  # "She is a candidate for autologous transplant": evaluated, not given
            kind_of = "allogeneic" if re.search(r"allo", m.group(0), re.I) else "autologous" if re.search(
                r"auto", m.group(0), re.I) else "stem cell"
            found.append((f"transplant: {kind_of}", "other", m.start(), m.end()))
        rays: dict[str, tuple[int, int]] = {}  # one radiation per site and sentence ("chemoradiation ... thoracic
        for m in (_procedures().radiation.finditer(text) if any(k in low for k in _RADIATION_HINTS) else ()):
            # radiation 60 Gy" is one course)
            if _hypothetical(text, m.start()) or _RAD_NOT_AFTER.match(text, m.end()) or _RAD_NOT_BEFORE.search(
                    text[max(0, m.start() - 6):m.start()]):
                continue
            site = _RAD_SITE.search(text, max(0, m.start() - 30), m.end() + 40)
            where = site.group(0).lower() if site else ""
            where = "brain" if "brain" in where else _RAD_SITE_NAME.get(where, where)
            if m.group(0).upper() in ("SRS", "WBRT") or re.search(r"radiosurgery|gamma", m.group(0), re.I):
                where = "brain"
            rays.setdefault(where, (m.start(), m.end()))
        if len(rays) > 1:
            rays.pop("", None)
        found += [(f"radiation: {w}" if w else "radiation", "radiation", *span) for w, span in rays.items()]
        named_surgery = any(kind == "surgery" for _, kind, _, _ in found)
        cued = [g for g in _generic_in(text, [(s, e) for _, _, s, e in found] + spans)
                if g[1] != "surgery" or (_for_cancer(text, False, sec, has_cancer) and not (
                    named_surgery and g[0] in _KIND_NOUNS))]
        found += [(name, kind, start, end) for name, kind, start, end, _ in cued]
        cue_of = {(start, end): cue for _, _, start, end, cue in cued}
        if not found and previous and _CARRIED.match(text):
            for i in previous:
                out[i] = _carry(out[i], text)
            continue
        if not found and previous and _DECLINED_ALONE.match(text):
            for i in previous:  # "Whole breast radiation was recommended. After discussion, she has declined this."
                if out[i].status in ("planned", "recommended", "unknown"):
                    out[i] = out[i].model_copy(update={"status": "declined"})
            previous = []
            continue
        previous = []
        first_here = len(out)
        for name, kind, start, end in found:
            assertion = context.assertion(c, start, end)
            if assertion in ("family", "negated", "hypothetical", "possible"):
                continue
            t, unsure = _treatment(doc, c, name, kind, start, end, [(s, e) for _, _, s, e in found])
            if sec is not None and sec.treatment == "options" and assertion not in ("planned", "declined") and (
                    t.status not in ("completed", "stopped") or _OPTION_WORDS.search(text)):
                continue  # a discussion or options section weighs treatments; it gives none unless it plans one
            intent = _INTENT.search(text)
            if intent:
                word = intent.group(0).lower()
                t = t.model_copy(update={"intent": _INTENT_NAME.get(word, word)})
            if assertion == "declined":
                t = t.model_copy(update={"status": "declined"})
            elif (assertion == "planned" and unsure) or (
                    sec is not None and sec.treatment == "planned" and unsure):
                # a plan cue or section decides unless the clause states the course given ("completed", "today")
                t = t.model_copy(update={"status": "recommended" if _RECOMMENDED.search(text) else "planned"})
            if kind not in ("surgery", "radiation") and _key(t.evidence.quote) not in spelled:
                t = t.model_copy(update={"confidence": 0.6})  # a near-miss spelling ("osimertinb")
            if sec is not None and sec.treatment == "planned" and t.status == "ongoing" and any(
                    o.name == t.name and o.status in ("planned", "recommended") and context.section(
                        o.evidence.char_start) == sec for o in out):
                continue  # "Start lenalidomide ... lenalidomide VTE prophylaxis covered by current anticoagulation"
            if kind not in ("surgery", "radiation") and _NON_CANCER_USE.match(text, end):
                continue  # "methotrexate for rheumatoid arthritis"
            if cancer_id and _for_other_cancer(text, end, cancer_id):
                continue  # "Mohs surgery for basal cell carcinoma of the nose" in a breast cancer record
            if (kind == "surgery" or name.startswith("transplant:")) and t.status in ("unknown", "ongoing"):
                t = t.model_copy(update={"status": "completed"})
            cue = cue_of.get((start, end))
            if (start, end) in vague:
                generic.add(len(out))
            if cue is not None and name not in _KIND_NOUNS:
                generic.add(len(out))
                if assertion != "declined" and t.status in ("unknown", "ongoing", "completed", "planned"):
                    status = "completed" if cue == "received" else "recommended" if _RECOMMENDED.search(
                        text) else "planned"
                    t = t.model_copy(update={"status": status if cue != "after" else "completed"})
            if t.status in ("planned", "recommended") and _NEXT_PHASE.search(text):
                phase.add(id(t))
            previous.append(len(out))
            out.append(t)
        _share_plan(out, first_here, text, c)
    return _dedupe(_without_rescue(_without_covered_generics(out, generic)), frozenset(phase))


def _share_plan(out: list[Treatment], first: int, text: str, c: ctx.Clause) -> None:
    """"Plan: chemotherapy with cisplatin and etoposide followed by radiation": a treatment of the sentence with no
    status of its own, after a planned or recommended one, is part of that plan unless a course-given cue
    ("completed", "underwent") stands between them."""
    here = sorted(range(first, len(out)), key=lambda i: out[i].evidence.char_start)
    lead: Treatment | None = None
    for i in here:
        t = out[i]
        if t.status in ("planned", "recommended"):
            lead = t
        elif t.status == "unknown" and lead is not None and not cue("completed").search(
                text, lead.evidence.char_end - c.start, t.evidence.char_start - c.start):
            out[i] = t.model_copy(update={"status": lead.status})


# leucovorin enhances fluorouracil (FOLFOX, FOLFIRI); given alone after high-dose methotrexate it is a rescue, not
# a cancer treatment ("Her leucovorin was increased to 100 mg/m2" beside methotrexate)
_RESCUED = frozenset({"leucovorin", "levoleucovorin"})
_ENHANCED = frozenset({"fluorouracil", "capecitabine", "tegafur", "trifluridine"})


def _without_rescue(treatments: list[Treatment]) -> list[Treatment]:
    """Leucovorin written alone only where the record gives a fluoropyrimidine; beside methotrexate alone it is a
    rescue (a regimen that lists it, m-BACOD, keeps it)."""
    names = {t.name for t in treatments}
    if names & _ENHANCED or "methotrexate" not in names:
        return treatments
    return [t for t in treatments if t.name not in _RESCUED or not re.search(
        r"leucovorin|folinic|wellcovorin|fusilev|khapzory", t.evidence.quote, re.I)]


# An operation named by its kind: its own treatment unless its sentence names the operation ("treated by excision");
# bare "surgery" is covered by any operation the record names.
_KIND_NOUNS = frozenset({"surgery: excision", "surgery: resection"})


def _generic_in(text: str, taken: list[tuple[int, int]]) -> list[tuple[str, str, int, int, str]]:
    """(name, class, start, end, cue) of each generic treatment noun ("chemotherapy", "a partial resection") that a
    status cue makes a treatment: received ("underwent", "s/p"), planned ("needs") or after ("was performed")."""
    table = _procedures()
    out: list[tuple[str, str, int, int, str]] = []
    for rx, name, cls in table.generic:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            before = text[max(0, m.start() - 60):m.start()]
            cue = "received" if table.received.search(before) else "planned" if table.planned.search(
                before) else "after" if table.after.match(text, m.end()) else None
            if cue is None:
                continue
            words = m.group(0).lower()
            if cls == "surgery":
                label = "surgery: " + ("surgery" if words in ("surgery", "operation") else words.split()[-1])
            else:
                label = name
            out.append((label, cls, m.start(), m.end(), cue))
            taken = [*taken, (m.start(), m.end())]
    return out


_PARTNER_GAP = re.compile(r"[\s,/&+]*(\band\b|\bplus\b)?[\s,/&+]*", re.I)
_PREMEDICATION = re.compile(r"^\W{0,3}(\d[\w./ ]{0,15})?\s*(as |for )?(a )?(pre-?medicat|premed|anti-?emetic|for "
                            r"nausea|prophyla)", re.I)


def _partnered(text: str, names: list[tuple[str, int, int]], every: list[tuple[str, int, int]],
               vocab: dict[str, Drug], cancer_id: str | None) -> list[tuple[str, int, int]]:
    """Corticosteroids the vocabulary lists for the record's cancer (dexamethasone for myeloma, prednisone for a
    lymphoma) when written in one list with a cancer drug: "lenalidomide and dexamethasone", "cyclophosphamide,
    vincristine, doxorubicin, dexamethasone" (not "dexamethasone premedication", nor prednisone for asthma)."""
    from oncoguide.records.diagnosis import root_cancer

    out: list[tuple[str, int, int]] = []
    taken = {(s, e) for _, s, e in names}
    for name, start, end in every:
        d = vocab.get(name)
        if d is None or "corticosteroid" not in d.drug_class or (start, end) in taken or not (
                cancer_id and root_cancer(cancer_id) in {root_cancer(x) for x in d.cancers}):
            continue
        if _PREMEDICATION.match(text[end:end + 40]):
            continue
        if any((e <= start and _PARTNER_GAP.fullmatch(text[e:start])) or (s >= end and _PARTNER_GAP.fullmatch(
                text[end:s])) for _, s, e in names):
            out.append((name, start, end))
            taken.add((start, end))
    return out


_FOR = re.compile(r"[^.;:]{0,25}?\bfor\s+((a|an|the|his|her|their|recurrent|prior|previous|early|local\w*|"
                  r"in[- ]situ)\s+){0,3}", re.I)


def _for_other_cancer(text: str, end: int, cancer_id: str) -> bool:
    """The treatment ending at ``end`` is "for" a histology whose vocabulary cancer has another root than the
    record's cancer (skin vs breast)."""
    m = _FOR.match(text, end)
    if m is None:
        return False
    from oncoguide.records.diagnosis import _vocab_cancer, root_cancer
    from oncoguide.records.histology import histologies_in, site_cancer

    found = histologies_in(text[m.end():m.end() + 60])
    if not found or found[0][0] != 0:
        # an organ's cancer: "mastectomy in 2019 for left breast cancer" in a colon cancer record
        organ = _ORGAN_CANCER.match(text, m.end())
        other = site_cancer(organ.group("site")) if organ else None
        return other is not None and root_cancer(other) != root_cancer(cancer_id)
    other = _vocab_cancer(found[0][2])
    return other is not None and root_cancer(other) != root_cancer(cancer_id)


_ORGAN_CANCER = re.compile(r"((left|right|bilateral)\s+)?(?P<site>[a-z]+)\s+(cancer|carcinoma|malignancy)\b", re.I)


# a drug's own clause naming a use other than cancer
_NON_CANCER_USE = re.compile(
    r"[^.;]{0,40}?\b(for|due to|because of|given for|to treat)\s+(his |her |the |a |an )?(\w+\s+){0,2}"
    r"(rheumatoid|arthritis|psoriasis|psoriatic|lupus|crohn'?s|ulcerative colitis|multiple sclerosis|sickle cell|ITP"
    r"|immune thrombocytop\w*"
    r"|gout|ectopic pregnancy|asthma|vasculitis|myasthenia|nephrotic|transplant rejection|graft-versus-host|GVHD"
    r"|heartburn|GERD|reflux|acne|warts|hidradenitis)\b", re.I)
_NEXT_PHASE = re.compile(r"\b(consolidation|next cycle|re-?induction|(to start|planned|scheduled)( on| for)? "
                         r"\d{1,2}/\d{1,2})\b", re.I)
_OPTION_WORDS = re.compile(r"\b(options?|alternatives?|reserved|favou?rs?|versus|vs\.?|consider\w*|either)\b|\([a-d]\)",
                           re.I)
_PRIOR = re.compile(r"\b(history of|hx of|history:|prior|previous(ly)?|remote|s/p|status post"
                    r"|treated (in )?(19|20)\d\d|\b(in|since) (19|20)\d\d\b|\byears? ago\b)", re.I)
_NOW = re.compile(r"\b(metasta\w*|recurren\w*|spread|progress\w*|now|current(ly)?)\b", re.I)


_CANCER_AFTER = re.compile(r"[\s,-]*((\w+[\s-]+){0,3})(\w*carcinoma|cancer|\w*sarcoma|lymphoma|melanoma"
                           r"|malignan\w*)\b", re.I)


def other_cancer(text: str, cancer_words: frozenset[str]) -> bool:
    """The sentence tells a prior cancer of another organ than the record's ("History of prostate adenocarcinoma,
    s/p radical prostatectomy 2015" in a lymphoma record): its treatments are that cancer's, not this one's."""
    if not cancer_words or not _PRIOR.search(text) or _NOW.search(text):
        return False
    from oncoguide.records.histology import sites_in, sites_next_to_cancer

    sites = sites_in(text)
    named = sites_next_to_cancer(text, sites) + [s for s in sites if _CANCER_AFTER.match(text, s.end) or re.match(
        r"[\s,]*(\w+\s+)?(dcis|lcis)\b", text[s.end:], re.I) or re.search(
        r"\b(dcis|lcis)\s+((of|in)\s+)?((the|left|right)\s+)?$", text[max(0, s.start - 25):s.start], re.I)]
    if not named:
        return _other_histology(text, cancer_words)

    def ours(site: object) -> bool:
        words = set(re.findall(r"[a-z]+", f"{site.value} {site.cancer_id or ''}".lower()))  # type: ignore[attr-defined]
        return bool(words & cancer_words)

    return not any(ours(s) for s in sites)


def _other_histology(text: str, cancer_words: frozenset[str]) -> bool:
    """A past cancer named by its histology alone, with no organ ("Hodgkin disease treated with ABVD in 1990" in a
    breast cancer record): its vocabulary cancer and root share no word with the record's cancer."""
    from oncoguide.records.diagnosis import _vocab_cancer, root_cancer
    from oncoguide.records.histology import histologies_in

    other = False
    for _, _, phrase in histologies_in(text):
        cid = _vocab_cancer(phrase)
        if cid is None:
            continue
        if set(re.findall(r"[a-z]+", f"{cid} {root_cancer(cid)}")) & cancer_words:
            return False
        other = True
    return other


def _without_covered_generics(treatments: list[Treatment], generic: set[int]) -> list[Treatment]:
    """Generic nouns ("chemotherapy", "surgery") only when the record names no specific treatment of that class."""
    specific = {t.drug_class for i, t in enumerate(treatments) if i not in generic}
    return [t for i, t in enumerate(treatments) if i not in generic or t.drug_class not in specific]


_HYPOTHETICAL_AFTER = re.compile(
    r"\b(could|would|may|might) be (considered|an? options?|options|offered|discussed|used)|\bif (there is )?progress"
    r"|\b(is|are) (a )?candidate|\bcandidate options?|\b(is|are) not (an? )?(options?|indicated|recommended)"
    r"|\bnot indicated\b|\bremains? an option", re.I)


def _hypothetical(text: str, start: int) -> bool:
    if ctx.is_hypothetical(text, start):
        # "We discussed using Temodar after she heals": a nearer plan cue (context.yaml) makes it planned
        from oncoguide.records.assertion import assertion_of

        word = re.match(r"[\w-]+", text[start:])
        return assertion_of(text, start, start + (word.end() if word else 1)) != "planned"
    return bool(_HYPOTHETICAL_AFTER.search(text[start:start + 90])) and not cue("ongoing").search(text[:start])


def _treatment(doc: RecordDocument, c: ctx.Clause, name: str, kind: str, start: int, end: int,
               spans: list[tuple[int, int]]) -> tuple[Treatment, bool]:
    """The treatment and whether its status is tentative (``treatment_status.tentative``). Status from the part of
    the sentence around the treatment (between semicolons), else the sentence; a "switched to"/"started" cue just
    before it starts a new treatment (read up to the end of its part). Dates from its own segment of that part
    (see ``_segment``; ``spans`` are the sentence's treatment mentions)."""
    text = c.text
    parts = ctx.clauses(text)
    k = next((i for i, p in enumerate(parts) if p.start <= start < p.end), None)
    part = parts[k] if k is not None else None
    bounds = (part.start, part.end) if part else (0, len(text))
    for nxt in parts[k + 1:] if k is not None else []:  # "Progressed on X; stopped 09/2025": parts naming no
        if any(nxt.start <= s < nxt.end for s, _ in spans):  # treatment belong to the one before
            break
        bounds = (bounds[0], nxt.end)
    switch = _SWITCH_TO.search(text, max(0, start - 60), start)
    if switch:  # "progressed on X, switched to Y": Y is the new treatment
        basis = text[switch.end():max(part.end if part else len(text), end)]
        status = _status(basis)
        if status == "unknown":  # "switched to X; stopped 09/2025": a later part naming no treatment
            basis = text[switch.end():max(bounds[1], end)]
            status = _status(basis)
        sure = not tentative(basis, status) or status == "stopped"
        status = "ongoing" if status in ("unknown", "stopped") and not cue("stopped").search(text, end) else status
    else:
        local = _status(part.text) if part else "unknown"
        whole = _status(text)
        status, basis = (local, part.text) if part and local != "unknown" else (whole, text)
        if whole == "stopped" and local not in ("ongoing", "planned"):
            status, basis = "stopped", text
        # "She underwent a lumpectomy and will undergo radiation": a plan cue between the previous treatment and
        # this one is this one's, not the other's course given
        lead = text[max([e for _, e in spans if e <= start], default=part.start if part else 0):start]
        if status == "completed" and cue("planned").search(lead) and not cue("completed").search(lead):
            status, basis = "planned", lead
        sure = not tentative(basis, status)
    begin, finish = _dates(text, start, end, _segment(text, spans, start, bounds))
    cls = {"antibody-drug conjugate": "antibody-drug conjugate", "targeted": "targeted", "hormonal": "hormonal",
           "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy", "surgery": "surgery",
           "radiation": "radiation"}.get(kind, "other")
    t = Treatment(name=name, drug_class=cls, start=begin, end=finish, status=status,  # type: ignore[arg-type]
                  reason_stopped=reason(text) if status == "stopped" else None,  # type: ignore[arg-type]
                  evidence=evidence_at(doc, c.at(start), c.at(end)), confidence=0.8)
    return t, not sure


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "", name).lower()


def _segment(text: str, spans: list[tuple[int, int]], start: int, bounds: tuple[int, int]) -> tuple[int, int]:
    """The text a treatment owns for its dates, within ``bounds`` (its semicolon part): from the start of its group
    of treatments written together ("nivolumab + ipilimumab", "carboplatin and pemetrexed") to the next group.
    Text before the group counts only for the part's first group ("03/2025: started durvalumab"); after an
    earlier treatment it holds that treatment's dates ("osimertinib 2022-2023, then docetaxel")."""
    groups: list[list[tuple[int, int]]] = []
    for span in sorted({sp for sp in spans if bounds[0] <= sp[0] < bounds[1]}):
        if groups and (span[0] < groups[-1][-1][1] or _JOINED.match(text[groups[-1][-1][1]:span[0]])):
            groups[-1].append(span)
        else:
            groups.append([span])
    i = next(k for k, g in enumerate(groups) if any(s == start for s, _ in g))
    lo = groups[i][0][0] if i else bounds[0]
    hi = groups[i + 1][0][0] if i + 1 < len(groups) else bounds[1]
    return lo, hi


def _dates(text: str, start: int, end: int, segment: tuple[int, int]) -> tuple[date | None, date | None]:
    """(start, end) dates of the treatment at ``text[start:end]``: a range ("01/2023 - 06/2023"), else one date
    that is an end when "stopped/completed/until" leads it. Dates after the mention come first, then the nearest
    ones before it, both within its ``segment``."""
    when = [w for w in ctx.dates(text) if segment[0] <= w[0] < segment[1]]
    after = [w for w in when if w[0] >= end]
    before = [w for w in when if w[0] < start][-2:]
    if not after and len(before) == 2 and not _RANGE.match(text[before[0][1]:before[1][0]]):
        before = before[1:]
    when = after or before
    for i, (_s, _e, d) in enumerate(when):
        if i + 1 < len(when) and _RANGE.match(text[_e:when[i + 1][0]]):
            return d, when[i + 1][2]
    begin = finish = None
    stopped_here = _ENDED.match(text[end:end + 25].lstrip(" )"))  # "08/2025: Durvalumab stopped ..."
    for s, _e, d in when:
        between = text[end:s] if s >= end else ""
        if _ENDED.search(text[max(0, s - 25):s]) or _ENDED.search(between) or (s < start and stopped_here):
            finish = finish or d
        else:
            begin = begin or d
    return begin, finish


def _carry(t: Treatment, text: str) -> Treatment:
    """``t`` updated by a following sentence that only says how it ended ("Stopped 02/2025 because of ...")."""
    status = _status(text)
    if status not in ("stopped", "completed"):
        return t
    when = ctx.dates(text)
    return t.model_copy(update={"status": status, "reason_stopped": reason(text) if status == "stopped" else None,
                                "end": when[0][2] if when else t.end})


def _declined_key(name: str) -> str:
    """The name a decline speaks of: radiation to any site is "radiation"."""
    return "radiation" if name.startswith("radiation") else name


def _dedupe(treatments: list[Treatment], phase: frozenset[int] = frozenset()) -> list[Treatment]:
    """One entry per (name, start); a definite status beats 'unknown', and a later mention with no start date
    that says the treatment stopped or was completed ("Pembro discontinued 07/2025") updates the earlier one.
    A plan for an ongoing treatment is that treatment unless it is a next phase (``phase``: ids of such entries);
    a later decline of a planned or recommended treatment withdraws the plan.
    Entries are indexed by name, so a long record costs time in proportion to its distinct treatments."""
    out: list[Treatment | None] = []
    by_name: dict[str, list[int]] = {}
    for t in treatments:
        mine = by_name.setdefault(t.name, [])
        if t.start is None and t.status in ("stopped", "completed"):
            earlier = next((i for i in reversed(mine) if (o := out[i]) is not None
                            and o.status in ("ongoing", "unknown") and o.start is not None), None)
            if earlier is not None:
                out[earlier] = t.model_copy(update={"start": out[earlier].start})  # type: ignore[union-attr]
                continue
        if t.status == "declined":  # "Radiation was recommended. She declined radiation.": the plan is off
            for i in (i for name, idx in by_name.items() if _declined_key(name) == _declined_key(t.name) for i in idx):
                if (o := out[i]) is not None and o.status in ("planned", "recommended"):
                    out[i] = None
        if t.status in ("planned", "recommended") and id(t) not in phase and any(
                (o := out[i]) is not None and o.status == "ongoing" for i in mine):
            continue  # "Plan: continue Opdualag every 4 weeks" is the ongoing treatment, not a new one; a next phase
            # ("Consolidation with ATRA + arsenic trioxide to start 03/16", "Cycle 2 ... planned 07/08") is
        same = next((i for i in mine if (o := out[i]) is not None
                     and (o.start == t.start or o.start is None or t.start is None)
                     and (o.status == t.status or "unknown" in (o.status, t.status))), None)
        if same is None:
            mine.append(len(out))
            out.append(t)
        elif out[same].status == "unknown" and t.status != "unknown":  # type: ignore[union-attr]
            out[same] = t.model_copy(update={"start": t.start or out[same].start})  # type: ignore[union-attr]
    return [t for t in out if t is not None]
