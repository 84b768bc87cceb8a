from __future__ import annotations

import re

import pytest

from bench.report.publish import publish
from bench.run.store import RunStore
from tests.browser import CHROMIUM, Browser
from tests.factories import latency_point, make_result, write_fixture_runs


def _published(tmp_path):
    write_fixture_runs(tmp_path)
    return publish(tmp_path)


def test_the_page_leads_with_each_section_and_folds_its_full_tables(tmp_path):
    done = _published(tmp_path)
    page = done.html.read_text(encoding="utf-8")
    assert page == publish(tmp_path).html.read_text(encoding="utf-8")  # deterministic
    # Every markdown table: each section's compact one, its page's, and the verdicts.
    tables = sum(1 for path in (done.leaderboard, *done.pages)
                 for line in path.read_text(encoding="utf-8").splitlines()
                 if re.match(r"^\|[:-]", line))
    assert page.count("<table>") == tables + 1
    for plot in done.plots:
        assert f'src="{plot.relative_to(tmp_path).as_posix()}"' in page
    for verdict in done.verdicts:
        assert f'href="verdicts/{verdict.name}"' in page
    (section,) = done.pages
    # The section's answer comes first, its tables are folded below it, the claims last.
    opened = page.index('<section class="board"')
    assert opened < page.index(f'<details id="details-{section.stem}">') < page.index(
        "Claims and verdicts</h2>")
    assert f'href="#details-{section.stem}"' in page  # the link down stays on the page
    assert '<span class="status ok">reproduced</span>' in page or "status bad" in page


def _two_sections(tmp_path):
    """The fixture's section, and a second machine at 1 thread with an int8 backend."""
    write_fixture_runs(tmp_path)
    extra = make_result(model="tinybert", metrics={
        "points": [latency_point(1, 128, 5.0)], "skipped": [], "precision": "int8",
        "backend": "pytorch-int8"},
        fingerprint="bbbbbbbbbbbb", threads=1, run_id="run-2")
    extra.config["backend"] = "pytorch-int8"
    RunStore(tmp_path, "run-2").write(extra)
    return publish(tmp_path)


def test_the_filters_offer_what_the_results_hold(tmp_path):
    page = _two_sections(tmp_path).html.read_text(encoding="utf-8")
    bar = page[page.index('<form class="filters"'):page.index("</form>")]
    for facet, value in (("hardware", "aaaaaaaaaaaa"), ("hardware", "bbbbbbbbbbbb"),
                         ("threads", "1"), ("threads", "2"), ("backend", "pytorch-int8"),
                         ("backend", "pytorch-sdpa"), ("precision", "int8"),
                         ("precision", "fp32")):
        fieldset = re.search(rf'<fieldset data-facet="{facet}">(.*?)</fieldset>', bar)[1]
        assert f'data-value="{value}"' in fieldset, (facet, value)
    assert "&quot;pytorch-int8&quot;: &quot;int8&quot;" in bar  # backend → precision


def test_the_page_asks_nothing_of_the_network(tmp_path):
    page = _published(tmp_path).html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "default-src 'none'" in page  # and the browser is told so


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: install Debian's chromium "
                    "package (apt-get install chromium) to load the page in a real browser")
def test_a_real_browser_sorts_shows_every_plot_and_filters_on_a_click(tmp_path):
    done = _two_sections(tmp_path)
    visible = ("document.body.getAttribute('data-visible-%s')")
    # the backend cell of every shown row of a table with a backend column
    shown_backends = """(function(){var out=[];
document.querySelectorAll('section.board:not([hidden]) table').forEach(function(t){
var i=Array.prototype.map.call(t.querySelectorAll('thead th'),
function(h){return h.textContent.trim();}).indexOf('backend');if(i<0)return;
Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
if(!r.hidden)out.push(r.cells[i].textContent.trim());});});return out;})()"""
    with Browser() as browser:
        browser.open(done.html.resolve().as_uri())
        body = browser.evaluate("(function(){var b=document.body;return {sortable:"
                                "b.getAttribute('data-sortable-tables'),images:"
                                "b.getAttribute('data-images-loaded')};})()")
        tables = browser.evaluate("document.querySelectorAll('table').length")
        assert tables >= 4 and body["sortable"] == str(tables)
        images = browser.evaluate("document.images.length")  # the headline figure twice
        assert body["images"] == f"{images}/{images}" and images == len(done.plots) + 1
        first = browser.screenshot(tmp_path / "first.png")
        assert first.stat().st_size > 20_000 and first.read_bytes()[:4] == b"\x89PNG"
        assert browser.evaluate(visible % "sections") == "2"
        assert not browser.evaluate("document.querySelector('details').open")
        everything = browser.evaluate(shown_backends)
        assert set(everything) == {"pytorch-sdpa", "pytorch-int8"}

        # A person clicks "1" under Threads: the 2-thread section goes, the other stays.
        browser.click('fieldset[data-facet="threads"] button[data-value="1"]')
        assert browser.evaluate(visible % "sections") == "1"
        assert browser.evaluate("document.querySelector('section.board[data-threads=\"2\"]')"
                                ".hidden") is True
        browser.click('fieldset[data-facet="threads"] button[data-value=""]')
        assert browser.evaluate(visible % "sections") == "2"

        # Then a backend: only its rows stay, and the folded tables open to show them.
        browser.click('fieldset[data-facet="backend"] button[data-value="pytorch-int8"]')
        kept = browser.evaluate(shown_backends)
        assert kept and set(kept) == {"pytorch-int8"} and len(kept) < len(everything)
        assert int(browser.evaluate(visible % "rows")) == len(kept)
        assert browser.evaluate("document.querySelector('details').open") is True
        assert browser.evaluate("document.body.getAttribute('data-filter')") == (
            "hardware=;threads=;backend=pytorch-int8;precision=")

    # The address carries a choice: precision int8 keeps the int8 backend's rows only.
    with Browser() as browser:
        browser.open(done.html.resolve().as_uri() + "?precision=int8")
        assert browser.evaluate("document.body.getAttribute('data-filter')") == (
            "hardware=;threads=;backend=;precision=int8")
        assert set(browser.evaluate(shown_backends)) == {"pytorch-int8"}
