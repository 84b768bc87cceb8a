from __future__ import annotations

from bench.report.figures import LatencyCurves
from bench.report.leaderboard import section_key, sections, write_leaderboard
from bench.report.pareto import AccuracyCost, pareto_front
from bench.report.plots import published_plots, section_plots, write_plots
from bench.run.store import RunStore
from tests.factories import SECTION_LATENCY, file_tree, fixture_results, make_result, timed_point


def test_every_figure_kind_is_made_with_deterministic_names():
    names = [p.filename for p in section_plots(fixture_results())]
    assert names == [
        "latency-vs-batch-s128.png", "latency-vs-batch-s512.png",
        "memory-vs-seq-b1.png", "memory-vs-seq-b8.png",
        "accuracy-vs-latency-in-domain-test.png",
        "confusion-bert-base-in-domain-test.png", "confusion-mobilebert-in-domain-test.png",
        "confusion-tinybert-in-domain-test.png",
    ]


def test_plots_are_reproduced_byte_for_byte(tmp_path):
    groups = sections(fixture_results())
    write_plots(groups, tmp_path / "a")
    write_plots(groups, tmp_path / "b")
    first, second = file_tree(tmp_path / "a"), file_tree(tmp_path / "b")
    assert len(first) == 9 and first == second  # 8 figures and the manifest
    png = (tmp_path / "a" / "aaaaaaaaaaaa-t2" / "latency-vs-batch-s128.png").read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"tIME" not in png


def test_a_plot_changes_when_its_numbers_change():
    results = fixture_results()
    before = section_plots(results)[0].png()
    results[0].metrics["points"][0]["p50_ms"] *= 3
    assert section_plots(results)[0].png() != before


def test_figures_need_two_points_on_their_axis():
    one_batch = [make_result(model=m, metrics={"points": [timed_point(1, 128, v)]})
                 for m, v in SECTION_LATENCY.items()]
    assert section_plots(one_batch) == []


def test_figures_no_longer_produced_are_removed(tmp_path):
    results = fixture_results()
    write_plots(sections(results), tmp_path)
    latency_only = [r for r in results if r.suite == "latency"]
    write_plots(sections(latency_only), tmp_path)
    assert sorted(file_tree(tmp_path)) == ["aaaaaaaaaaaa-t2/latency-vs-batch-s128.png",
                                      "aaaaaaaaaaaa-t2/latency-vs-batch-s512.png",
                                      "manifest.json"]
    assert published_plots(tmp_path) == [tmp_path / p for p in sorted(file_tree(tmp_path))
                                         if p.endswith(".png")]


def test_publish_deletes_only_the_figures_it_made(tmp_path):
    mine = tmp_path / "aaaaaaaaaaaa-t2" / "my-own-chart.png"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a user's file")
    (tmp_path / "notes.png").write_bytes(b"another")
    results = fixture_results()
    write_plots(sections(results), tmp_path)
    write_plots({}, tmp_path)  # nothing produced any more: only what publish made goes
    assert sorted(file_tree(tmp_path)) == ["aaaaaaaaaaaa-t2/my-own-chart.png", "manifest.json",
                                      "notes.png"]
    # A manifest edited to point outside plots/ makes publish delete nothing there.
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(b"x")
    (tmp_path / "manifest.json").write_text(
        '{"schema": "compact-encoder-bench/plots-manifest/1", "files": ["../outside.png"]}')
    write_plots({}, tmp_path)
    assert outside.exists()


def test_a_crafted_section_name_cannot_place_plots_outside(tmp_path):
    results = fixture_results()
    for r in results:
        r.environment.hardware_fingerprint = "../../plot-escape"
    made = write_plots(sections(results), tmp_path / "plots")
    assert made and not (tmp_path / "plot-escape").exists()
    assert all(p.resolve().is_relative_to((tmp_path / "plots").resolve())
               for p in (tmp_path).rglob("*.png"))


def test_pareto_front_keeps_only_undominated_models():
    points = [AccuracyCost("fast-weak", 10, 70, None, 1), AccuracyCost("slow-strong", 100, 90,
              None, 1), AccuracyCost("dominated", 50, 65, None, 1),
              AccuracyCost("middle", 40, 85, None, 1)]
    assert [p.model for p in pareto_front(points)] == ["fast-weak", "middle", "slow-strong"]


def test_accuracy_plot_pairs_each_model_with_its_own_latency():
    plot = next(p for p in section_plots(fixture_results()) if p.kind == "accuracy-vs-latency")
    by_model = {p.model: p for p in plot.points}
    assert by_model["bert-base"].p50_ms > by_model["mobilebert"].p50_ms > \
        by_model["tinybert"].p50_ms
    assert [p.model for p in pareto_front(plot.points)] == ["tinybert", "mobilebert"]
    low, high = by_model["mobilebert"].ci_pct
    assert low < by_model["mobilebert"].accuracy_pct < high


def test_latency_whiskers_come_from_the_samples():
    plot = section_plots(fixture_results())[0]
    assert isinstance(plot, LatencyCurves)
    batch, p50, p10, p90 = sorted(plot.series["tinybert"])[0]
    assert batch == 1 and p10 < p50 < p90


def test_leaderboard_embeds_every_plot_it_writes(tmp_path):
    store = RunStore(tmp_path, "run-1")
    for result in fixture_results():
        result.job_id = f"{result.model.name}__{result.suite}"
        store.write(result)
    done = write_leaderboard(tmp_path)
    (page,) = done.pages
    key = section_key(fixture_results()[0])
    written = sorted((tmp_path / "plots" / key).glob("*.png"))
    assert len(written) == 8
    for png in written:  # every figure on the section's page, from its own folder
        assert f"](../plots/{key}/{png.name})" in page.read_text()
    assert "### Plots" in page.read_text()
    headline = [png for png in written if f"](plots/{key}/{png.name})" in done.path.read_text()]
    assert len(headline) == 1  # and one on the leaderboard


def test_dollar_signs_in_names_are_text_not_math():
    results = fixture_results()
    for r in results:
        r.model.name = r.model.name + "$\\frac{$"  # unparsable as mathtext
    assert all(p.png().startswith(b"\x89PNG") for p in section_plots(results))
