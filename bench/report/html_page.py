"""``results/index.html``: the leaderboard as one page a person browses.

The page is the published markdown (``bench.report.leaderboard.Board``) converted by
Python-Markdown, so it carries the very same tables, plots and provenance lines: each
section's answer first, its detail page folded below it, and the claims' verdicts (status,
score, 95% CI, confidence). Filters by hardware, threads, backend and precision run in the
browser (also from the address: ``index.html?backend=onnxruntime``). Everything it needs
is inside the file (style and script inline) or beside it (the plots, by the same relative
paths the markdown uses): opening it makes no network request. Like the rest of ``bench
publish`` it is deterministic: the same runs give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import markdown

from bench.report.filters import Facets
from bench.report.leaderboard import INTRO, TITLE, Board

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
.filters{display:grid;gap:.35em;margin:1em 0;padding:.6em 1em;border:1px solid #dde3ec;
border-radius:6px;background:#fbfcfe}.filters fieldset{border:0;margin:0;padding:0}
.filters legend{float:left;width:6.5em;font-weight:600;padding-top:.2em}
.filters button{font:inherit;font-size:.88em;margin:0 .3em .3em 0;padding:.15em .6em;
border:1px solid #b9c3d3;border-radius:12px;background:#fff;cursor:pointer}
.filters button[aria-pressed=true]{background:#3b5b9a;border-color:#3b5b9a;color:#fff}
.filters p{margin:.2em 0 0;font-size:.85em;color:#556}
details{margin:1em 0}summary{cursor:pointer;font-weight:600;color:#2c3e63}
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
var bar=document.getElementById("filters");
var precisionOf=bar?JSON.parse(bar.getAttribute("data-precision-of")):{};
function chosen(){var c={};if(!bar)return c;
bar.querySelectorAll("fieldset").forEach(function(f){
var on=f.querySelector("button[aria-pressed=true]");c[f.getAttribute("data-facet")]=
on?on.getAttribute("data-value"):"";});return c;}
function columns(table){var at={};table.querySelectorAll("thead th").forEach(function(th,i){
var t=th.textContent.trim();if(t==="backend"||t==="precision")at[t]=i;});return at;}
function apply(){var c=chosen(),sections=0,rows=0;
document.querySelectorAll("section.board").forEach(function(s){
var show=(!c.hardware||s.getAttribute("data-hardware")===c.hardware)&&
(!c.threads||s.getAttribute("data-threads")===c.threads);s.hidden=!show;
var link=document.querySelector('nav a[href="#'+s.getAttribute("data-anchor")+'"]');
if(link)link.hidden=!show;if(!show)return;sections++;
if(c.backend||c.precision)s.querySelectorAll("details").forEach(function(d){d.open=true;});
s.querySelectorAll("table").forEach(function(table){var at=columns(table);
if(at.backend===undefined&&at.precision===undefined)return;
Array.prototype.forEach.call(table.tBodies[0].rows,function(r){
var b=at.backend!==undefined?r.cells[at.backend].textContent.trim():"";
var p=at.precision!==undefined?r.cells[at.precision].textContent.trim():(precisionOf[b]||"");
r.hidden=!!((c.backend&&b!==c.backend)||(c.precision&&p!==c.precision));
if(!r.hidden)rows++;});});});
var b=document.body;b.setAttribute("data-visible-sections",sections);
b.setAttribute("data-visible-rows",rows);
b.setAttribute("data-filter",["hardware","threads","backend","precision"].map(function(k){
return k+"="+(c[k]||"");}).join(";"));}
function press(button){button.parentNode.querySelectorAll("button").forEach(function(o){
o.setAttribute("aria-pressed",o===button?"true":"false");});apply();}
if(bar){var query=new URLSearchParams(window.location.search);
bar.querySelectorAll("fieldset").forEach(function(f){
var want=query.get(f.getAttribute("data-facet"));
f.querySelectorAll("button").forEach(function(button){
button.addEventListener("click",function(){press(button);});
if(want!==null&&button.getAttribute("data-value")===want)press(button);});});apply();}
document.querySelectorAll('a[href^="#details-"]').forEach(function(a){
a.addEventListener("click",function(){
var d=document.getElementById(a.getAttribute("href").slice(1));
if(d)d.open=true;});});
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


def _html(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return _status_badges(_figures(_wrap_tables(md.convert(text))))


def _filter_bar(facets: Facets) -> str:
    """One row of buttons per facet; "all" pressed. Values and labels are data: escaped."""
    def row(facet: str, legend: str, values: list[tuple[str, str]]) -> str:
        buttons = ['<button type="button" data-value="" aria-pressed="true">all</button>']
        buttons += [f'<button type="button" data-value="{html.escape(v)}" aria-pressed="false"'
                    f">{html.escape(label)}</button>" for v, label in values]
        return (f'<fieldset data-facet="{facet}"><legend>{legend}</legend>'
                + "".join(buttons) + "</fieldset>")

    precision_of = html.escape(json.dumps(facets.precision_of, sort_keys=True))
    return "\n".join([
        f'<form class="filters" id="filters" data-precision-of="{precision_of}">',
        row("hardware", "Hardware", [(f, f"{f} · {cpu}") for f, cpu in facets.hardware]),
        row("threads", "Threads", [(t, t) for t in facets.threads]),
        row("backend", "Backend", [(b, b) for b in facets.precision_of]),
        row("precision", "Precision", [(p, p) for p in facets.precisions]),
        "<p>Hardware and threads show or hide whole sections. Backend and precision keep "
        "the matching rows of every table with a backend or precision column and open the "
        "full tables; the summary ranks across backends and stays whole. The address "
        "keeps a choice: <code>index.html?backend=onnxruntime&amp;threads=1</code>.</p>",
        "</form>"])


def render_html(board: Board, verdicts_md: str, facets: Facets) -> str:
    """The page from the board (each section's answer, its full tables folded below it),
    the verdict table (markdown) and the values the filters offer."""
    md = _markdown()
    parts = [_html(md, f"{TITLE}\n\n{INTRO}\n")]
    for section in board.sections:
        head = _html(md, section.head(f"#details-{section.key}", "plots"))
        h2 = re.search(r"<h2>(.*?)</h2>", head)
        anchor = _slug(re.sub(r"<[^>]+>", "", h2.group(1))) if h2 else section.key
        detail = _html(md, section.detail("plots", provenance=False))  # said above it
        key, threads = html.escape(section.key), html.escape(str(section.threads))
        parts.append(
            f'<section class="board" data-anchor="{html.escape(anchor)}" data-hardware='
            f'"{html.escape(section.fingerprint)}" data-threads="{threads}">'
            f'\n{head}\n<details id="details-{key}"><summary>Full tables: every suite and '
            f"backend, threads, noise floor, all {len(section.figures)} figures</summary>\n"
            f"{detail}\n</details>\n</section>")
    # The claims after the answers: each section's table is what most readers came for.
    parts.append(_html(md, "## Claims and verdicts\n\nEach claim's full record (quote, page, "
                       "provenance of the evidence) is in `verdicts/<claim>.json`.\n\n"
                       f"{verdicts_md}\n"))
    body, anchors = _anchor_sections("\n".join(parts))
    nav = "<nav>" + " ".join(f'<a href="#{slug}">{inner}</a>' for slug, inner in anchors) + "</nav>"
    body = body.replace("</h1>", "</h1>\n" + nav + "\n" + _filter_bar(facets), 1)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No request leaves the page (images only from this folder, nothing else fetched),
        # and no script runs but the page's own, named by its hash: an event handler or a
        # javascript: link that data smuggled in would be refused by the browser.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"img-src 'self' data:; style-src 'unsafe-inline'; script-src '{SCRIPT_HASH}'; "
        "base-uri 'none'; form-action 'none'\">\n"
        f"<title>{html.escape(TITLE.lstrip('# '))}</title>\n<style>\n{STYLE}\n</style>\n"
        f"</head>\n<body>\n{body}\n<script>{SCRIPT_BLOCK}</script>\n</body>\n</html>\n"
    )
