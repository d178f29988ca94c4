"""One profile from the profiles of several documents.

Rules: the most specific cancer type wins (lung adenocarcinoma over NSCLC over lung); a field read with different
values is kept once as the value (highest confidence, then latest document) and flagged in ``conflicts`` with every
value; the newest stage (by date, then by document order) is the current one and the others become history; a
pending or not-tested biomarker gives way to a result for the same marker; treatments of the same name are joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records.model import Biomarker, Cancer, Conflict, Performance, Profile, Stage, Treatment, Value

_UNRESOLVED = ("pending", "not_tested", "unknown")


def merge(profiles: Sequence[Profile]) -> Profile:
    """Profiles in upload order (later documents win ties)."""
    if len(profiles) == 1:
        return profiles[0]
    conflicts = [c for p in profiles for c in p.conflicts]
    out = Profile(
        cancer=_cancer([p.cancer for p in profiles], conflicts),
        metastases=_unique_values([v for p in profiles for v in p.metastases]),
        biomarkers=_biomarkers([b for p in profiles for b in p.biomarkers], conflicts),
        treatments=_treatments([t for p in profiles for t in p.treatments]),
        performance=Performance(ecog=_latest([p.performance.ecog for p in profiles]),
                                karnofsky=_latest([p.performance.karnofsky for p in profiles])),
        documents=list(dict.fromkeys(d for p in profiles for d in p.documents)),
    )
    out.stage, out.stage_history = _stages(profiles, conflicts)
    out.conflicts = _unique_conflicts(conflicts)
    return out


def _norm(v: Value | None) -> str:
    return " ".join(v.value.lower().split()) if v else ""


def _pick(field: str, values: Sequence[Value | None], conflicts: list[Conflict]) -> Value | None:
    """The value to show (highest confidence, later wins ties); different values are flagged."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    forms = sorted({_norm(v) for v in present}, key=len)
    if any(not any(a in b for b in forms[i + 1:]) for i, a in enumerate(forms[:-1])):
        conflicts.append(Conflict(field=field, values=_unique_values(present)))  # not just more or less specific
    return max(enumerate(present), key=lambda iv: (iv[1].confidence, len(iv[1].value), iv[0]))[1]


def _latest(values: Sequence[Value | None]) -> Value | None:
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    if not present:
        return None
    return max(present, key=lambda iv: (iv[1].as_of or date.min, iv[0]))[1]


def _unique_values(values: Sequence[Value]) -> list[Value]:
    seen: dict[str, Value] = {}
    for v in values:
        seen.setdefault(_norm(v), v)
    return list(seen.values())


def _depth(cancer_id: str | None) -> int:
    parents = {c.id: c.parent for c in load_vocabulary().cancers}
    depth, seen = 0, set()
    while cancer_id and cancer_id in parents and cancer_id not in seen:
        seen.add(cancer_id)
        cancer_id, depth = parents[cancer_id], depth + 1
    return depth


def _cancer(cancers: Sequence[Cancer], conflicts: list[Conflict]) -> Cancer:
    ids = [c.cancer_id for c in cancers if c.cancer_id]
    return Cancer(
        cancer_id=max(reversed(ids), key=_depth) if ids else None,
        primary_site=_pick("cancer.primary_site", [c.primary_site for c in cancers], conflicts),
        histology=_pick("cancer.histology", [c.histology for c in cancers], conflicts),
        laterality=_pick("cancer.laterality", [c.laterality for c in cancers], conflicts),
        grade=_pick("cancer.grade", [c.grade for c in cancers], conflicts),
        diagnosed_on=_pick("cancer.diagnosed_on", [c.diagnosed_on for c in cancers], conflicts),
    )


def _has_stage(s: Stage) -> bool:
    return any((s.t, s.n, s.m, s.group))


def _stages(profiles: Sequence[Profile], conflicts: list[Conflict]) -> tuple[Stage, list[Stage]]:
    """Current stage = newest by date then document order; the rest is history, newest first."""
    dated = [(s.as_of or date.min, i, s) for i, p in enumerate(profiles)
             for s in (p.stage, *p.stage_history) if _has_stage(s)]
    if not dated:
        return Stage(), []
    dated.sort(key=lambda x: (x[0], x[1]), reverse=True)
    current = dated[0][2]
    rivals = [s for d, _, s in dated[1:] if d == dated[0][0] and d != date.min and s.group and current.group
              and _norm(s.group) != _norm(current.group)]
    if rivals:
        conflicts.append(Conflict(field="stage.group", values=_unique_values(
            [v for v in (current.group, *(r.group for r in rivals)) if v is not None])))
    history: list[Stage] = []
    for _, _, s in dated[1:]:
        key = (_norm(s.group), _norm(s.t), _norm(s.n), _norm(s.m), s.prefix)
        if key != (_norm(current.group), _norm(current.t), _norm(current.n), _norm(current.m), current.prefix) \
                and all(key != (_norm(h.group), _norm(h.t), _norm(h.n), _norm(h.m), h.prefix) for h in history):
            history.append(s)
    return current, history


def _biomarkers(markers: Sequence[Biomarker], conflicts: list[Conflict]) -> list[Biomarker]:
    by_name: dict[str, list[Biomarker]] = {}
    for b in markers:
        by_name.setdefault(b.name, []).append(b)
    out: list[Biomarker] = []
    for name, group in by_name.items():
        resolved = [b for b in group if b.result not in _UNRESOLVED] or group
        kept: list[Biomarker] = []
        for b in resolved:  # one entry per (result, detail); the more confident wins
            same = next((k for k in kept if k.result == b.result and (k.detail or "") == (b.detail or "")), None)
            if same is None:
                kept.append(b)
            elif b.confidence > same.confidence:
                kept[kept.index(same)] = b
        # a result with no detail adds nothing next to the same result with a detail
        kept = [k for k in kept if k.detail or not any(o.result == k.result and o.detail for o in kept)]
        if len({k.result for k in kept}) > 1:
            conflicts.append(Conflict(field=f"biomarker:{name}", values=[_as_value(k) for k in kept]))
        out.extend(kept)
    return out


def _as_value(b: Biomarker) -> Value:
    text = b.result + (f" ({b.detail})" if b.detail else "")
    return Value(value=text, code=b.code, as_of=b.on, evidence=b.evidence, confidence=b.confidence)


def _treatments(treatments: Sequence[Treatment]) -> list[Treatment]:
    """Same name (and start, when both have one) = same treatment; later documents fill in and update it."""
    out: list[Treatment] = []
    for t in treatments:
        same = next((o for o in out if o.name.lower() == t.name.lower()
                     and (o.start is None or t.start is None or o.start == t.start)
                     and not (o.status in ("completed", "stopped") and t.status in ("ongoing", "planned"))), None)
        if same is None:
            out.append(t)
            continue
        update = {k: v for k, v in t.model_dump(exclude={"evidence", "confidence"}).items()
                  if v not in (None, "unknown")}
        merged = same.model_copy(update=update)
        if t.status != "unknown":
            merged = merged.model_copy(update={"evidence": t.evidence, "confidence": t.confidence})
        out[out.index(same)] = merged
    return out


def _unique_conflicts(conflicts: Sequence[Conflict]) -> list[Conflict]:
    by_field: dict[str, list[Value]] = {}
    for c in conflicts:
        by_field.setdefault(c.field, []).extend(c.values)
    return [Conflict(field=f, values=_unique_values(vs)) for f, vs in by_field.items()]
