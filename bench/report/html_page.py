"""``results/index.html``: the leaderboard as one page a person browses.

The page is the published markdown (``bench.report.leaderboard.render``) converted by
Python-Markdown, so it carries the very same tables, plots and provenance lines, plus the
claims' verdicts (status, score, 95% CI, confidence). Everything it needs is inside the
file (style and the table-sorting script inline) or beside it (the plots, by the same
relative paths the markdown uses): opening it makes no network request. Like the rest of
``bench publish`` it is deterministic: the same runs give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

import markdown

TITLE = "Leaderboard: compact BERT-family encoders"
STATUS_CLASS = {"reproduced": "ok", "not_reproduced": "bad", "inconclusive": "unsure"}

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1500px;padding:0 24px 48px;color:#1d2330;background:#fff}
h1{font-size:1.7em;margin:.8em 0 .3em}h2{margin-top:2.2em;padding-top:.6em;
border-top:3px solid #3b5b9a}h3{margin-top:1.6em;color:#2c3e63}
code{background:#f1f3f7;padding:0 .25em;border-radius:3px;font-size:.92em}
nav{background:#f6f8fb;border:1px solid #dde3ec;border-radius:6px;padding:.5em 1em}
nav a{margin-right:1.2em}
.scroll{overflow-x:auto;margin:.6em 0 1em}
table{border-collapse:collapse;font-size:.9em;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d5dbe5;padding:.3em .55em;vertical-align:top}
th{background:#eef2f8;position:sticky;top:0;cursor:pointer;user-select:none;
white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tbody tr:nth-child(even){background:#fafbfd}tbody tr:hover{background:#eef5ff}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}
figure{margin:0;border:1px solid #e3e7ee;border-radius:4px;padding:6px;background:#fff}
figure img{width:100%;height:auto}figcaption{font-size:.85em;color:#556}
.status{font-weight:600;padding:.1em .5em;border-radius:3px;white-space:nowrap}
.status.ok{background:#dff3e4;color:#17612e}.status.bad{background:#fbe1e1;color:#8a1c1c}
.status.unsure{background:#f3efd9;color:#6b5a10}
""".strip()

# Click a header to sort by it (again to reverse). Cells sort by their leading number when
# both have one ("3.41 (3.35–3.47)" sorts as 3.41), else as text; blanks go last.
SCRIPT = """
(function(){
function key(td){var t=td.textContent.trim();var m=t.match(/^[-+]?\\d*\\.?\\d+(e[-+]?\\d+)?/i);
return {blank:t==="",num:m?parseFloat(m[0]):null,text:t.toLowerCase()};}
function cmp(a,b){if(a.blank||b.blank)return a.blank-b.blank;
if(a.num!==null&&b.num!==null)return a.num-b.num;return a.text<b.text?-1:a.text>b.text?1:0;}
document.querySelectorAll("table").forEach(function(table){
table.classList.add("sortable");
table.querySelectorAll("thead th").forEach(function(th,col){
th.setAttribute("tabindex","0");
function sort(){var body=table.tBodies[0];var asc=th.getAttribute("aria-sort")!=="ascending";
table.querySelectorAll("thead th").forEach(function(o){o.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",asc?"ascending":"descending");
var rows=Array.prototype.slice.call(body.rows).map(function(r,i){return [r,i];});
rows.sort(function(x,y){var a=key(x[0].cells[col]),b=key(y[0].cells[col]);
var c=(a.blank||b.blank)?cmp(a,b):(asc?cmp(a,b):cmp(b,a));return c||x[1]-y[1];});
rows.forEach(function(r){body.appendChild(r[0]);});}
th.addEventListener("click",sort);
th.addEventListener("keydown",function(e){if(e.key==="Enter")sort();});});});
window.addEventListener("load",function(){var imgs=document.images,ok=0;
for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0)ok++;}
document.body.setAttribute("data-images-loaded",ok+"/"+imgs.length);
document.body.setAttribute("data-sortable-tables",
document.querySelectorAll("table.sortable").length);});
})();
""".strip()


# The CSP names the one inline script by the hash of exactly what stands between its tags.
SCRIPT_BLOCK = f"\n{SCRIPT}\n"
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT_BLOCK.encode()).digest()).decode()


def _markdown() -> markdown.Markdown:
    """Python-Markdown with raw HTML switched off: a ``<tag>`` anywhere in the text is shown
    as text. The reports escape every string from data already (``md_text``); this holds
    even where one was missed."""
    md = markdown.Markdown(extensions=["tables"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _wrap_tables(body: str) -> str:
    """Wide tables scroll on their own instead of widening the page."""
    return body.replace("<table>", '<div class="scroll"><table>').replace(
        "</table>", "</table></div>")


def _anchor_sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """An id on every ``h2`` (one per hardware section), and the list for the page's nav."""
    found: list[tuple[str, str]] = []

    def add_id(match: re.Match) -> str:
        inner = match.group(1)
        slug = _slug(re.sub(r"<[^>]+>", "", inner))
        found.append((slug, inner))
        return f'<h2 id="{slug}">{inner}</h2>'

    return re.sub(r"<h2>(.*?)</h2>", add_id, body), found


def _figures(body: str) -> str:
    """Each plot as a captioned figure, and the plots of a section side by side."""
    body = re.sub(r'<p><img alt="([^"]*)" src="([^"]*)" ?/?></p>',
                  r'<figure><img alt="\1" src="\2"><figcaption>\1</figcaption></figure>', body)
    return re.sub(r"(<figure>.*?</figure>\s*)+",
                  lambda m: f'<div class="plots">\n{m.group(0).strip()}\n</div>\n', body,
                  flags=re.S)


def _status_badges(body: str) -> str:
    def badge(match: re.Match) -> str:
        status = match.group(2)
        return (f'<td{match.group(1)}><span class="status {STATUS_CLASS[status]}">{status}'
                "</span></td>")

    return re.sub(rf"<td([^>]*)>({'|'.join(STATUS_CLASS)})</td>", badge, body)


def render_html(leaderboard_md: str, verdicts_md: str) -> str:
    """The page from the leaderboard markdown and the verdict table (markdown too)."""
    # The verdicts come first, after the introduction: what a researcher looks for.
    intro, sep, rest = leaderboard_md.partition("\n## ")
    text = (f"{intro}\n\n## Claims and verdicts\n\nEach claim's full record (quote, page, "
            "provenance of the evidence) is in `verdicts/<claim>.json`.\n\n"
            f"{verdicts_md}\n{sep}{rest}\n")
    body = _markdown().convert(text)
    body, anchors = _anchor_sections(_status_badges(_figures(_wrap_tables(body))))
    nav = "<nav>" + " ".join(f'<a href="#{slug}">{inner}</a>' for slug, inner in anchors) + "</nav>"
    body = body.replace("</h1>", "</h1>\n" + nav, 1)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No request leaves the page (images only from this folder, nothing else fetched),
        # and no script runs but the page's own, named by its hash: an event handler or a
        # javascript: link that data smuggled in would be refused by the browser.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"img-src 'self' data:; style-src 'unsafe-inline'; script-src '{SCRIPT_HASH}'; "
        "base-uri 'none'; form-action 'none'\">\n"
        f"<title>{html.escape(TITLE)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
        f"{body}\n<script>{SCRIPT_BLOCK}</script>\n</body>\n</html>\n"
    )
