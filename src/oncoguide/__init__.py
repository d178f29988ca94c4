"""OncoGuide: plain-language cancer answers grounded in the guideline documents it holds."""

import os

# One BLAS thread: every matrix product here is small (a question against a few thousand passages), and OpenBLAS's
# spinning worker threads starve the embedding model's own threads on a small machine (measured: warm answers took
# 63 ms instead of 28 ms on 2 cores). Set before numpy is first imported; an explicit environment value wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# bm25s builds a (disabled) tqdm bar on every tokenize call unless this is set at its import: ~5 ms an answer.
os.environ.setdefault("DISABLE_TQDM", "1")

__version__ = "0.1.0"
