"""`make bench`: every benchmark in turn."""

from __future__ import annotations

from bench import (
    answers_eval,
    answers_profiles,
    ask_latency,
    cancer_myth,
    catalog_match,
    fact_judge,
    http_throughput,
    liveqa_report,
    llm_vs_extractive,
    load,
    records_assertion,
    records_fhir,
    records_mtsamples,
    records_speed,
    records_synthetic,
    retrieval_medquad,
    safety,
    scale_out,
    trec_topics,
)


def main() -> None:
    retrieval_medquad.main()
    ask_latency.main()
    http_throughput.main()
    safety.main()
    fact_judge.main()
    cancer_myth.main()
    liveqa_report.main()
    catalog_match.main()
    answers_eval.main()
    answers_profiles.main()
    records_fhir.main()
    records_synthetic.main()
    records_mtsamples.main()
    records_assertion.main()  # medSpaCy column only with MEDSPACY_PATH set
    records_speed.main()
    trec_topics.main()
    llm_vs_extractive.main()
    load.main([])  # 10 minutes at 10 requests/s
    scale_out.main()


if __name__ == "__main__":
    main()
