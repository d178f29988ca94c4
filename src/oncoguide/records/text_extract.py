"""Record text (pathology, molecular reports, clinic notes, PDF text) to a profile, by rules with clinical context.

One recogniser per concept, each in its module: ``diagnosis`` (cancer type, histology, site, side, grade, date of
diagnosis, spread, ECOG/Karnofsky), ``staging`` (TNM, stage group, AJCC edition, current vs history),
``biomarkers`` (marker results, variants, values, methods) and ``treatments`` (drugs, regimens, surgery, radiation,
status and dates). ``context`` splits the text into clauses and holds the ConText-style rules (negation, hedges,
family, hypothetical, history, dates). Every value carries the span it was read from; nothing is guessed.
"""

from __future__ import annotations

import re

from oncoguide.records import context as ctx
from oncoguide.records.biomarkers import BOUND, bind_outcomes, read_markers
from oncoguide.records.diagnosis import read_cancer, read_metastases, read_performance
from oncoguide.records.lexicon import find as find_names
from oncoguide.records.model import Biomarker, Cancer, Conflict, Profile, RecordDocument, Value
from oncoguide.records.spans import evidence_at
from oncoguide.records.staging import read_stages
from oncoguide.records.treatments import other_cancer, read_treatments

_LEADERS = re.compile(r"[ \t]*\.{3,}[ \t]*")
_CYTOGENETIC = re.compile(r"\b[ti]\(\w{1,3};\s?\w{1,3}\)|\([pq][\d.]+;\s?[pq][\d.]+\)")


def _biomarkers(doc: RecordDocument, clauses: list[ctx.Clause], context: ctx.DocContext,
                kind_words: frozenset[str] = frozenset()) -> tuple[list[Biomarker], list[Conflict]]:
    """Marker readings of the patient (not relatives', not hypothetical, not a prior cancer of another organ than
    ``kind_words`` names), one per (marker, result): a pending or not-tested reading gives way to a result, and
    different results for one marker are kept and flagged."""
    found: list[Biomarker] = []
    if _LEADERS.search(doc.text) or _CYTOGENETIC.search(doc.text):
        # "P53 ........ ABERRANT": a dotted leader is a table cell, not sentence ends; "t(9;22)(q34;q11.2)": the
        # semicolons of a cytogenetic notation do not end a clause (same lengths, so offsets hold)
        text = _LEADERS.sub(lambda m: " " * (len(m.group(0)) - 2) + ": ", doc.text)
        text = _CYTOGENETIC.sub(lambda m: m.group(0).replace(";", "\x1f"), text)
        clauses = [ctx.Clause(c.start, c.end, c.text.replace("\x1f", ";")) for c in ctx.clauses(text)]
    sections = [context.section(c.start) for c in clauses]
    bound = [o for o in bind_outcomes([c.text for c in clauses],
                                      [i > 0 and sections[i] == sections[i - 1] for i in range(len(clauses))])
             if not (ctx.is_family(clauses[o.mention].text, o.start) or ctx.is_hypothetical(
                 clauses[o.mention].text, o.start) or context.assertion(clauses[o.mention], o.start, o.end_of_name)
                     in ("family", "hypothetical", "negated"))]
    superseded = {(o.mention, o.name) for o in bound}  # "sent for EGFR testing" (pending), then its outcome
    for o in bound:  # the quote runs from the test's name to its outcome
        found.append(Biomarker(name=o.name, result=o.result,  # type: ignore[arg-type]
                               evidence=evidence_at(doc, clauses[o.mention].at(o.start), clauses[o.outcome].at(o.end)),
                               confidence=BOUND))
    cml = _MOLECULAR_RESPONSE.search(doc.text) is not None and _MISMATCH_REPAIR.search(doc.text) is None
    for i, c in enumerate(clauses):
        if other_cancer(c.text, kind_words):
            continue  # "History: breast cancer (left, stage I, ER+)" in a CLL record
        for r in read_markers(c.text):
            if cml and r.name == "MMR":
                continue  # "loss of MMR" in CML is major molecular response, not mismatch repair
            if ctx.is_family(c.text, r.start) or ctx.is_hypothetical(c.text, r.start) \
                    or context.assertion(c, r.start, r.end) in ("family", "hypothetical") \
                    or context.assertion(c, r.start, r.start + 1) == "hypothetical" \
                    or (r.result == "pending" and (i, r.name) in superseded):
                continue
            when = ctx.dates(c.text)
            found.append(Biomarker(
                name=r.name, result=r.result, detail=r.detail, method=r.method,  # type: ignore[arg-type]
                origin=r.origin, on=when[0][2] if when else None,  # type: ignore[arg-type]
                evidence=evidence_at(doc, c.at(r.start), c.at(r.end)), confidence=r.confidence))
    by_name: dict[str, list[Biomarker]] = {}
    for b in found:
        by_name.setdefault(b.name, []).append(b)
    out: list[Biomarker] = []
    conflicts: list[Conflict] = []
    for name, group in by_name.items():
        final = [b for b in group if b.result not in ("pending", "not_tested", "unknown")] or group
        if name == "MMR" and any(b.result == "positive" for b in final):
            final = [b for b in final if b.result == "positive"]  # loss of any protein = deficient
        results = {b.result for b in final}
        if len(results) > 1:
            conflicts.append(Conflict(field=f"biomarker:{name}", values=[
                Value(value=b.result + (f" ({b.detail})" if b.detail else ""), evidence=b.evidence,
                      confidence=b.confidence) for b in final]))
        kept: list[Biomarker] = []
        for b in final:
            same = next((k for k in kept if k.result == b.result), None)
            if same is None:
                kept.append(b)
            elif not same.detail and b.detail:
                kept[kept.index(same)] = b.model_copy(update={"method": b.method or same.method})
            elif b.detail and same.detail and b.detail != same.detail and name in ("EGFR", "KRAS", "BRAF"):
                kept.append(b)
        out.extend(kept)
    return out, conflicts


# a record that follows BCR-ABL1 transcripts (CML, Ph+ ALL) and names no mismatch-repair protein: its "MMR" is the
# major molecular response
_MOLECULAR_RESPONSE = re.compile(r"\bBCR[-:]{0,2}ABL1?\b|\bmajor molecular response\b|\bCML\b|chronic myeloid", re.I)
_MISMATCH_REPAIR = re.compile(r"\b(MLH1|MSH2|MSH6|PMS2|mismatch repair|[dp]MMR|MSI(-H|-high)?|microsatellite)\b", re.I)


def _cancer_words(cancer: Cancer, site: bool = True) -> frozenset[str]:
    """Lower-case words naming the record's cancer: its site (unless not ``site``), type and histology ("cervix",
    "cervical"); without the site, the type's root cancer as well ("urothelial" is a bladder cancer: a sentence about
    "carcinoma of the urinary bladder" is not another cancer's)."""
    from oncoguide.records.diagnosis import root_cancer

    root = root_cancer(cancer.cancer_id) if cancer.cancer_id and not site else None
    text = " ".join(v for v in (cancer.primary_site.value if cancer.primary_site and site else None, cancer.cancer_id,
                                root, cancer.histology.value if cancer.histology else None) if v)
    return frozenset(re.findall(r"[a-z]+", text.lower()))


def extract_text(doc: RecordDocument) -> Profile:
    """The profile one text (or PDF) record states, with evidence for every value."""
    clauses = ctx.clauses(doc.text)
    sentences = ctx.clauses(doc.text, semicolons=False)
    today = ctx.report_date(doc.text)
    context = ctx.DocContext(doc.text)
    entities = find_names(doc.text)
    cancer, cancer_conflicts = read_cancer(doc, clauses, entities, context)
    markers, conflicts = _biomarkers(doc, clauses, context, _cancer_words(cancer, site=False))
    stage, history, stage_conflicts = read_stages(doc, clauses, today, _cancer_words(cancer, site=False))
    performance, performance_conflicts = read_performance(doc, clauses, today)
    return Profile(cancer=cancer, stage=stage, stage_history=history, metastases=read_metastases(doc, clauses),
                   biomarkers=markers, treatments=read_treatments(doc, sentences, entities, context,
                                                                 has_cancer=cancer.cancer_id is not None,
                                                                 cancer_words=_cancer_words(cancer),
                                                                 kind_words=_cancer_words(cancer, site=False),
                                                                 cancer_id=cancer.cancer_id),
                   performance=performance,
                   conflicts=cancer_conflicts + stage_conflicts + conflicts + performance_conflicts,
                   documents=[doc.id])
