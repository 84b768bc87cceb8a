from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench.report.html_page import render_html
from bench.report.publish import publish
from tests.factories import write_fixture_runs

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
# Flags for a root, offline, headless run (see the environment notes): no sandbox, and no
# background connections that this closed network would refuse.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

LEADERBOARD = """# Board

Intro with `code`.

## Hardware `abc`, 2 threads

- Runs: r1; code deadbeef

| model | × vs base | max \\|Δlogit\\| |
|:--|:--|--:|
| tiny | 3.41 (3.35–3.47) | 0.01 |
| base | 1.00 (0.99–1.01) | 0 |

![Latency vs batch](plots/abc-t2/latency.png)
"""
VERDICTS = """| claim | status |
|:--|:--|
| [c1](verdicts/c1.json) | reproduced |
| [c2](verdicts/c2.json) | not_reproduced |
"""


def test_the_page_carries_the_markdown_tables_plots_and_verdicts():
    page = render_html(LEADERBOARD, VERDICTS)
    assert page == render_html(LEADERBOARD, VERDICTS)  # deterministic
    assert page.count("<table>") == 2
    # An escaped pipe stays inside its header cell instead of splitting the column.
    assert "<th style=\"text-align: right;\">max |Δlogit|</th>" in page
    assert '<img alt="Latency vs batch" src="plots/abc-t2/latency.png">' in page
    assert '<span class="status ok">reproduced</span>' in page
    assert '<span class="status bad">not_reproduced</span>' in page
    assert '<h2 id="hardware-abc-2-threads">' in page and 'href="#claims-and-verdicts"' in page
    # The verdicts sit before the first hardware section.
    assert page.index("Claims and verdicts</h2>") < page.index('id="hardware-abc')


def test_the_page_asks_nothing_of_the_network():
    page = render_html(LEADERBOARD, VERDICTS)
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "default-src 'none'" in page  # and the browser is told so


def test_publish_writes_the_page_beside_the_leaderboard(tmp_path):
    write_fixture_runs(tmp_path)
    done = publish(tmp_path)
    page = done.html.read_text(encoding="utf-8")
    assert done.html == tmp_path / "index.html" and done.html in done.paths()
    markdown = done.leaderboard.read_text(encoding="utf-8")
    tables = sum(1 for line in markdown.splitlines() if re.match(r"^\|[:-]", line))
    assert page.count("<table>") == tables + 1  # every markdown table, and the verdicts
    for plot in done.plots:
        assert f'src="{plot.relative_to(tmp_path).as_posix()}"' in page
    for verdict in done.verdicts:
        assert f'href="verdicts/{verdict.name}"' in page


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: install Debian's chromium "
                    "package (apt-get install chromium) to load the page in a real browser")
def test_a_real_browser_shows_the_tables_sortable_and_every_plot(tmp_path):
    write_fixture_runs(tmp_path)
    done = publish(tmp_path)
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
             done.html.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout
    # The page's script marks what the browser really did once everything loaded.
    tables = dom.count("<table")
    assert tables >= 4
    assert f'data-sortable-tables="{tables}"' in dom
    assert f'data-images-loaded="{len(done.plots)}/{len(done.plots)}"' in dom
    assert 'tabindex="0"' in dom  # headers became sort controls
    screenshot = tmp_path / "page.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        "--window-size=1280,900", f"--screenshot={screenshot}",
                        done.html.resolve().as_uri()],
                       capture_output=True, timeout=120, check=True)
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
    assert Path(screenshot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
