"""Other users' latency while hostile uploads run (red-team review 2026-12, F2/F3).

A real `oncoguide serve` (BM25 over the shipped corpus) with ``--users`` clients that each ask a question and
list their records in a loop. Phase 1 measures them alone; phase 2 again while ``--attackers`` clients keep
uploading what the review found costly: 8 slow PDFs in one request (F3) and a 990,000-character text of stage
mentions (F2). Reports p50/p95 of the other users' requests in both phases, how long each hostile upload took
(bounded by ``RECORDS__CPU_BUDGET_S``) and its outcome.

    python -m bench.hostile_upload --seconds 30        # JSON in bench/results/hostile_upload.json
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import report
from bench.load import serve
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store

QUESTIONS = ["What does ALK positive mean in lung cancer?", "What is biomarker testing for lung cancer?",
             "What does a PD-L1 score mean?", "What are the side effects of immunotherapy?"]


def slow_pdf(reps: int = 120_000) -> bytes:
    """The review's content_120000.pdf: an 18.8 KB file whose page is ~6 MB of text operators."""
    import zlib

    ops = b"BT /F1 11 Tf 50 750 Td " + b"(Lung adenocarcinoma ALK positive stage IIIA) Tj T* " * reps + b"ET"
    stream = zlib.compress(ops, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return assemble_pdf(objs)



def assemble_pdf(objs: list[bytes]) -> bytes:
    """A PDF file of numbered objects (object 1 the catalog) with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)

@contextlib.contextmanager
def client(base: str, address: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=600, transport=httpx.HTTPTransport(local_address=address)) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        yield c


def user_loop(base: str, address: str, stop: threading.Event, latencies: list[float], errors: Counter[str]) -> None:
    with client(base, address) as c:
        i = 0
        while not stop.is_set():
            for path, params in (("/api/v1/ask", {"q": QUESTIONS[i % len(QUESTIONS)]}), ("/api/v1/records", {})):
                started = time.perf_counter()
                try:
                    r = c.get(path, params=params)
                    if r.status_code >= 400:
                        errors[f"HTTP {r.status_code}"] += 1
                except httpx.HTTPError as exc:
                    errors[exc.__class__.__name__] += 1
                latencies.append(1000 * (time.perf_counter() - started))
            i += 1
            time.sleep(0.2)


def attacker_loop(base: str, address: str, stop: threading.Event, uploads: list[tuple[str, float, str]]) -> None:
    big_text = ("Lung adenocarcinoma ALK positive stage IIIA. " * 22000)[:990000].encode()
    pdfs = [(f"slow{i}.pdf", slow_pdf() + b"%" + bytes([48 + i])) for i in range(8)]
    with client(base, address) as c:
        n = 0
        while not stop.is_set():
            kind, files = ("8 slow PDFs", pdfs) if n % 2 == 0 else ("990k-char text", [("big.txt", big_text)])
            started = time.perf_counter()
            r = c.post("/api/v1/records", files=[("files", f) for f in files])
            seconds = time.perf_counter() - started
            outcome = r.json()["results"][0]["status"] if r.status_code == 200 else f"HTTP {r.status_code}"
            uploads.append((kind, seconds, outcome))
            n += 1


def phase(base: str, users: int, attackers: int, seconds: float) -> dict[str, object]:
    stop = threading.Event()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    uploads: list[tuple[str, float, str]] = []
    threads = [threading.Thread(target=user_loop, args=(base, f"127.0.90.{i + 1}", stop, latencies, errors))
               for i in range(users)]
    threads += [threading.Thread(target=attacker_loop, args=(base, f"127.0.91.{i + 1}", stop, uploads))
                for i in range(attackers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [0.0] * 99
    return {"requests": len(latencies), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "max_ms": round(max(latencies, default=0), 1), "errors": dict(errors),
            "hostile_uploads": [{"kind": k, "seconds": round(s, 1), "outcome": o} for k, s, o in uploads]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--attackers", type=int, default=2)
    ap.add_argument("--budget", type=float, default=10.0, help="ONCOGUIDE_RECORDS__CPU_BUDGET_S")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        cfg = Settings(data_dir=data, search={"embedder": "none"})  # type: ignore[arg-type]
        ingest([CORPUS_DIR], Store(cfg.db_url), cfg)
        env = {"ONCOGUIDE_SEARCH__EMBEDDER": "none", "ONCOGUIDE_RECORDS__CPU_BUDGET_S": str(args.budget),
               "ONCOGUIDE_SERVER__UPLOAD_PER_MINUTE": "1000"}
        with serve(data, Path(tmp) / "server.log", env=env) as srv:
            calm = phase(srv.base_url, args.users, 0, args.seconds)
            attacked = phase(srv.base_url, args.users, args.attackers, args.seconds)
    rows = [["alone", calm["requests"], calm["p50_ms"], calm["p95_ms"], calm["max_ms"], 0],
            ["with hostile uploads", attacked["requests"], attacked["p50_ms"], attacked["p95_ms"],
             attacked["max_ms"], len(attacked["hostile_uploads"])]]  # type: ignore[arg-type]
    report("hostile_upload", "Other users' latency (ms) while hostile uploads run",
           ["phase", "requests", "p50 ms", "p95 ms", "max ms", "hostile uploads"], rows,
           {"seconds": args.seconds, "users": args.users, "attackers": args.attackers, "budget_s": args.budget,
            "alone": calm, "attacked": attacked})


if __name__ == "__main__":
    main()
