"""A stranger's result files turned against the report's readers: names, messages and CPU
strings that carry HTML, script or markdown must show as the text they are."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile

import pytest

from bench.report.filters import Facets
from bench.report.html_page import SCRIPT, SCRIPT_HASH, render_html
from bench.report.leaderboard import Board
from bench.report.markdown_tables import markdown_table, md_code, md_text
from bench.report.publish import publish
from bench.run.store import RunStore
from harness.records.schema import ErrorRecord
from tests.browser import CHROMIUM, CHROMIUM_FLAGS
from tests.factories import latency_point, make_result, published_text

TITLE = "Leaderboard: compact BERT-family encoders"
HOSTILE_MODEL = "<img src=x onerror=\"document.title='PWNED'\">"
HOSTILE_CPU = "Xeon <svg onload=\"document.title='CPU'\"> [x](javascript:alert(1))"
HOSTILE_MESSAGE = "model_type <script>document.title='ERR'</script> | *not* a cell"


def _hostile_runs(root):
    store = RunStore(root, "run-1")
    ok = make_result(model=HOSTILE_MODEL, metrics={
        "points": [latency_point(1, 128, 10.0), latency_point(8, 128, 60.0)], "skipped": []})
    ok.environment.cpu_model = HOSTILE_CPU
    reference = make_result(model="bert-base", metrics={
        "points": [latency_point(1, 128, 50.0), latency_point(8, 128, 300.0)],
        "skipped": []})
    failed = make_result(model=HOSTILE_MODEL, suite="static", status="failed")
    failed.error = ErrorRecord("ValueError", HOSTILE_MESSAGE)
    for i, result in enumerate((ok, reference, failed)):
        result.job_id = f"job-{i}"
        store.write(result)


def test_md_text_leaves_no_markup_and_keeps_snake_case_readable():
    assert md_text("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert md_text("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md_text("a|b\nc `d` *e* _f_ snake_case") == (
        "a\\|b c \\`d\\` \\*e\\* \\_f\\_ snake_case")
    assert md_code("abc123") == "`abc123`" and md_code("a`b") == "a\\`b"
    table = markdown_table(__import__("pandas").DataFrame({"<th>": ["<td>"]}))
    assert "<" not in table and "&lt;th&gt;" in table and "&lt;td&gt;" in table


def test_published_markdown_and_page_carry_no_markup_from_data(tmp_path):
    _hostile_runs(tmp_path)
    done = publish(tmp_path)
    markdown = published_text(tmp_path)  # the board and its section pages
    page = done.html.read_text(encoding="utf-8")
    for text in (markdown, page):
        assert "<img src=x" not in text and "<svg" not in text
        assert "<script>document" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # only an escaped \](
    # The names are there, as text.
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;document.title" in page
    assert "href=\"javascript:" not in page
    summary = json.loads(done.summary_json.read_text(encoding="utf-8"))
    assert HOSTILE_MODEL in {row["model"] for s in summary["sections"] for row in s["rows"]}


def test_raw_html_in_the_markdown_is_shown_as_text_and_the_csp_names_only_our_script():
    page = render_html(Board([]), "<img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n",
                       Facets([("<b>fp</b>", "<svg onload=x>")], ["1"], {"<i>": "fp32"}))
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "<svg" not in page and "<b>fp" not in page and "<i>" not in page  # filter labels
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page)[1]
    assert f"script-src '{SCRIPT_HASH}'" in csp and "unsafe-inline'; base" not in csp
    assert "script-src 'unsafe-inline'" not in csp
    assert page.count("<script>") == 1 and f"<script>\n{SCRIPT}\n</script>" in page


def _dump_dom(path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             "--virtual-time-budget=3000", "--dump-dom", path.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: install Debian's chromium "
                    "package (apt-get install chromium) to load the page in a real browser")
def test_in_a_real_browser_no_script_from_data_runs_and_the_names_show(tmp_path):
    _hostile_runs(tmp_path)
    done = publish(tmp_path)
    dom = _dump_dom(done.html)
    assert f"<title>{TITLE}</title>" in dom  # no handler renamed the page
    assert "&lt;img src=x onerror=" in dom and "&lt;script&gt;document.title" in dom
    assert 'data-sortable-tables="' in dom  # the page's own script, named by hash, ran
    # Defence in depth: a handler that got into the page anyway is refused by the CSP.
    smuggled = tmp_path / "smuggled.html"
    smuggled.write_text(done.html.read_text(encoding="utf-8").replace(
        "<body>", "<body><img src=x onerror=\"document.title='CSP'\">", 1), encoding="utf-8")
    assert f"<title>{TITLE}</title>" in _dump_dom(smuggled)
