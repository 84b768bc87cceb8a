"""The independent round-robin timer: its figures are shaped right and its reference is 1×."""

from __future__ import annotations

from suites.latency.crosscheck import crosscheck, main, render


def test_round_robin_figures_and_the_reference_ratio(tiny_model_dirs):
    dirs = [str(tiny_model_dirs["bert"]), str(tiny_model_dirs["distilbert"])]
    reference = f"local:{tiny_model_dirs['bert'].name}"
    result = crosscheck(dirs, [(1, 16), (2, 16)], rounds=4, warmup=1, threads=1,
                        reference=reference)
    assert len(result["points"]) == 4
    for point in result["points"]:
        assert len(point["round_ms"]) == 4 and point["p50_ms"] > 0
        low, high = point["ratio_ci95"]
        assert low <= point["ratio_vs_reference"] <= high
        if point["model"] == reference:
            assert point["ratio_vs_reference"] == low == high == 1.0
    assert "| local:tiny-distilbert | b2/s16 |" in render(result)


def test_the_command_line_writes_json(tmp_path, tiny_model_dirs, capsys):
    out = tmp_path / "x.json"
    assert main(["--models", str(tiny_model_dirs["bert"]), "--reference", "local:tiny-bert",
                 "--points", "1x8", "--rounds", "2", "--warmup", "0", "--threads", "1",
                 "--json", str(out)]) == 0
    assert "× vs local:tiny-bert" in capsys.readouterr().out and out.is_file()


def test_agreement_lines_the_script_up_with_the_published_summary(tmp_path):
    from suites.latency.crosscheck import agreement

    result = {"reference": "bert-base", "points": [
        {"model": "bert-base", "batch_size": 1, "seq_len": 128, "ratio_vs_reference": 1.0},
        {"model": "tinybert", "batch_size": 1, "seq_len": 128, "ratio_vs_reference": 15.0},
        {"model": "mobilebert", "batch_size": 1, "seq_len": 128, "ratio_vs_reference": 3.0}]}
    csv = tmp_path / "summary.csv"
    csv.write_text("section,model,× vs bert-base b1/s128\n"
                   "s1,tinybert,15.6\ns1,mobilebert,3.3\ns1,bert-base,1.0\n", encoding="utf-8")
    rows = {r["model"]: r for r in agreement(result, csv, 5.0)}
    assert set(rows) == {"tinybert", "mobilebert"}  # the reference is not compared to itself
    assert rows["tinybert"]["diff_pct"] == 4.0 and rows["tinybert"]["agrees"]
    assert rows["mobilebert"]["diff_pct"] == 10.0 and not rows["mobilebert"]["agrees"]


def test_each_timed_call_follows_an_untimed_one_unless_cold(monkeypatch):
    from types import SimpleNamespace

    from suites.latency import crosscheck as module

    calls: dict[str, int] = {}

    def fake_load(spec, seed):
        def model(**inputs):
            calls[spec] = calls.get(spec, 0) + 1
        model.config = SimpleNamespace(vocab_size=100)
        return spec, model

    monkeypatch.setattr(module, "_load", fake_load)
    for cold, per_round in ((False, 2), (True, 1)):
        calls.clear()
        result = crosscheck(["a", "b"], [(1, 8)], rounds=5, warmup=1, threads=1,
                            reference="a", cold=cold)
        assert calls == {"a": 1 + 5 * per_round, "b": 1 + 5 * per_round}
        assert ("untimed" in result["timed_call"]) is not cold
        assert "allocator" in result["malloc"]
