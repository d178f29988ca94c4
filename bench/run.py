"""`make bench`: every benchmark in turn."""

from __future__ import annotations

from bench import ask_latency, cancer_myth, http_throughput, liveqa_report, retrieval_medquad, safety


def main() -> None:
    retrieval_medquad.main()
    ask_latency.main()
    http_throughput.main()
    safety.main()
    cancer_myth.main()
    liveqa_report.main()


if __name__ == "__main__":
    main()
