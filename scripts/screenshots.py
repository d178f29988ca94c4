"""Screenshots of the main pages (desktop and phone width) for the README: docs/screenshots/*.png.

Usage: .venv/bin/python scripts/screenshots.py [DATA_DIR]   (DATA_DIR must hold an ingested, indexed corpus;
default var). Starts its own server on a free port, uploads a sample record, and drives Debian's Chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SAMPLE = """SURGICAL PATHOLOGY REPORT                         Date: 2025-03-04
Specimen: Right upper lobe, lobectomy.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, acinar predominant.
Pathologic stage (AJCC 8th edition): pT2a pN1 cM0, stage IIB.
Molecular: ALK rearrangement detected by FISH (EML4-ALK). EGFR: no mutation detected. PD-L1 (22C3) TPS 60%.
Oncology note 2025-04-10: started alectinib (Alecensa) 04/2025. ECOG 0.
"""
PAGES = [("home", "/"), ("answer", "/ask?q=What+does+ALK+positive+mean+in+lung+cancer%3F"),
         ("guidelines", "/guidelines"), ("guideline", "/guidelines/nsclc-biomarkers"), ("records", "/records"),
         ("me", "/me"), ("personal-answer", "/ask?q=What+are+my+treatment+options%3F")]


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(data)}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "oncoguide.web.app:create_app", "--factory",
                               "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for label, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390,
                                                                                           "height": 844})):
                page = browser.new_context(viewport=viewport).new_page()
                record = Path(tmp) / "pathology-report.txt"
                record.write_text(SAMPLE)
                page.goto(f"{base}/records")
                page.set_input_files("#files", str(record))
                page.get_by_role("button", name="Upload").click()
                page.wait_for_selector(".result-stored")
                for name, path in PAGES:
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(OUT / f"{name}-{label}.png"))
                page.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
