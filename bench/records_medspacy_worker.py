"""medSpaCy side of bench/records_assertion.py, run in its own interpreter (medspaCy and its numpy/spaCy are not
OncoGuide dependencies): reads ``[{"text", "spans": [[start, end], ...]}]`` as JSON on stdin and writes, per span,
medspaCy's ConText attributes and Sectionizer category (bundled default rules, offline)."""

from __future__ import annotations

import json
import sys


def main() -> None:
    import medspacy

    nlp = medspacy.load()  # pyrush sentences, target matcher, ConText with the bundled rules
    nlp.add_pipe("medspacy_sectionizer")  # bundled section rules
    out = []
    for item in json.load(sys.stdin):
        doc = nlp.make_doc(item["text"])
        spans = [doc.char_span(s, e, label="CANCER", alignment_mode="expand") for s, e in item["spans"]]
        kept, order = [], []
        for i, sp in enumerate(spans):
            if sp is not None and not any(sp.start < k.end and k.start < sp.end for k in kept):
                kept.append(sp)
                order.append(i)
        doc.ents = kept
        for name, proc in nlp.pipeline:
            if name != "medspacy_target_matcher":
                doc = proc(doc)
        found: list[dict[str, object] | None] = [None] * len(spans)
        for i, ent in zip(order, doc.ents, strict=False):
            found[i] = {"negated": ent._.is_negated, "uncertain": ent._.is_uncertain,
                        "historical": ent._.is_historical, "hypothetical": ent._.is_hypothetical,
                        "family": ent._.is_family, "section": ent._.section_category}
        out.append(found)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
