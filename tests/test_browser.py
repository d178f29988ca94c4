"""The pages in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
CHROMIUM = Path(os.environ.get("ONCOGUIDE_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[1] / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
if not CHROMIUM.exists():
    pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or run "
                "scripts/install_browser.sh)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
RECORD = """SURGICAL PATHOLOGY REPORT
Specimen: Right upper lobe, lobectomy. Date: 2025-03-04.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, acinar predominant.
Pathologic stage (AJCC 8th edition): pT2a pN1 cM0, stage IIB.
Molecular: ALK rearrangement detected by FISH. EGFR: no mutation detected. PD-L1 (22C3) TPS 60%.
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


def test_ask_follow_a_citation_and_a_related_question(server: str, page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto(server)
    p.get_by_label("Your question").fill("What does ALK positive mean in lung cancer?")
    p.get_by_role("button", name="Ask").click()
    p.wait_for_url("**/questions/what-does-alk-positive-mean-in-lung-cancer")
    assert "ALK" in p.locator("h1").inner_text()
    first = p.locator("a.cite").first
    first.click()
    inline = p.locator(".inline-cite").first
    sync_api.expect(inline).to_be_visible()
    assert "ALK" in inline.inner_text()
    assert first.get_attribute("aria-expanded") == "true"
    related = p.locator(".related a").first
    title = related.inner_text()
    related.click()
    p.wait_for_load_state()
    assert title.rstrip("?") in p.locator("h1").inner_text()


def test_print_view_of_questions(server: str, page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto(f"{server}/ask?q=What+is+biomarker+testing+for+lung+cancer%3F")
    p.get_by_role("link", name="Print or save these questions as PDF").click()
    sync_api.expect(p.locator("h1")).to_have_text("Questions to ask my oncology team")
    assert p.locator(".print-questions li").count() >= 4


def test_browse_a_guideline(server: str, page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto(f"{server}/guidelines")
    p.get_by_role("link", name="Non-small cell lung cancer: a guide for patients").first.click()
    p.wait_for_url("**/guidelines/nsclc")
    toc = p.locator(".toc a").nth(2)
    heading = toc.inner_text()
    toc.click()
    target = p.locator("section:target h2")
    sync_api.expect(target).to_have_text(heading)
    p.goto(f"{server}/guidelines?q=PD-L1")
    assert p.locator(".related li").count() > 0


def test_upload_a_record_see_the_profile_and_delete_everything(server: str, page: object, tmp_path: Path) -> None:
    p = page  # type: ignore[assignment]
    record = tmp_path / "pathology-report.txt"
    record.write_text(RECORD)
    p.goto(f"{server}/records")
    p.set_input_files("#files", str(record))
    p.get_by_role("button", name="Upload").click()
    sync_api.expect(p.locator(".result-stored")).to_contain_text("pathology-report.txt")
    p.get_by_role("link", name="See my diagnosis").click()
    p.wait_for_url("**/me")
    profile = p.locator("#profile")
    sync_api.expect(profile).to_contain_text("ALK")
    p.locator("#profile details summary", has_text="Where we found this").first.click()
    sync_api.expect(p.locator("#profile details[open] blockquote").first).to_be_visible()
    # asking now gives the personalised answer
    p.goto(f"{server}/ask?q=What+are+my+treatment+options%3F")
    sync_api.expect(p.locator(".personal")).to_contain_text("Your records show")
    # another browser session sees nothing of it
    other = p.context.browser.new_context().new_page()
    other.goto(f"{server}/records")
    sync_api.expect(other.locator("body")).to_contain_text("No records yet.")
    other.context.close()
    p.goto(f"{server}/me")
    p.get_by_label("I understand this deletes").check()
    p.get_by_role("button", name="Delete all my data").click()
    sync_api.expect(p.locator("h1")).to_have_text("Your data is deleted")
    p.goto(f"{server}/records")
    sync_api.expect(p.locator("body")).to_contain_text("No records yet.")


def test_pages_are_light_and_work_at_phone_width(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
    p = context.new_page()
    sizes: dict[str, int] = {}
    p.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok and r.request.resource_type in (
        "document", "stylesheet", "script") else None)
    for path in ("/", "/questions/what-does-alk-positive-mean-in-lung-cancer", "/guidelines", "/records", "/me"):
        sizes.clear()
        p.goto(server + path)
        p.wait_for_load_state("networkidle")
        assert sum(sizes.values()) < 200 * 1024, (path, sizes)
        overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (scripts/install_browser.sh)")
@pytest.mark.parametrize("path", ["/", "/questions/what-does-alk-positive-mean-in-lung-cancer", "/guidelines",
                                  "/guidelines/nsclc", "/records", "/me"])
def test_no_serious_accessibility_violations(server: str, browser: object, path: str) -> None:
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]  # to inject axe
    p = context.new_page()
    p.goto(server + path)
    p.add_script_tag(content=AXE.read_text())
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == [], serious
