"""Verdicts: every claim's file validates against the JSON Schema; statuses follow the rule."""

from __future__ import annotations

import json

import jsonschema
import pytest

from bench.report.verdicts import (
    SCHEMA_PATH,
    Finding,
    assess,
    build_verdict,
    judge,
    write_verdicts,
)
from models_registry.claims import all_claims
from tests.factories import make_result

CLAIM_M = "mobilebert-2004.02984-table4-mobilebert-mnli-m"


def _mnli_result(model: str, accuracy: float, ci: tuple[float, float], protocol="proxy-slice"):
    split = {"n": 1000, "accuracy": accuracy, "ci95": {"accuracy": list(ci)},
             "data": {"fingerprint": "f" * 64, "notes": {"sampled_from": 9815}}}
    return make_result(
        model=model, suite="mnli-proxy",
        metrics={"checkpoint_origin": "hub:typeform/mobilebert-uncased-mnli",
                 "label_mapping": {"decided_by": "config id2label"}, "protocol": protocol,
                 "splits": {"validation_matched": split, "validation_mismatched": split}},
    )


def _validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_claim_file_validates(tmp_path):
    from bench.run.store import RunStore

    RunStore(tmp_path, "r").write(_mnli_result("mobilebert", 0.8383, (0.815, 0.861)))
    paths = write_verdicts(tmp_path)
    assert len(paths) == len(all_claims()) >= 13
    validator = _validator()
    for path in paths:
        validator.validate(json.loads(path.read_text()))
    record = json.loads((tmp_path / "verdicts" / f"{CLAIM_M}.json").read_text())
    verdict = record["verdict"]
    assert record["verdicts"] == {"post": verdict, "pre": None}
    assert (verdict["status"], verdict["score"], verdict["protocol_match"]) == (
        "reproduced", 0.8383, "proxy")
    citation = verdict["claim_citation"]
    assert (citation["section"], citation["row"], citation["column"], citation["pdf_page"]) == (
        "Table 4", "MobileBERT", "MNLI-m", 6)
    assert citation["reported_value"] == 83.3 and "9815" in citation["notes"]
    assert write_verdicts(tmp_path) and json.loads(
        (tmp_path / "verdicts" / f"{CLAIM_M}.json").read_text()) == record  # deterministic


def test_schema_rejects_extra_or_missing_keys():
    claim = all_claims()[CLAIM_M]
    record = build_verdict(claim, [])
    validator = _validator()
    validator.validate(record)
    bad = json.loads(json.dumps(record))
    bad["verdict"]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)
    del record["verdict"]["protocol_match"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(record)


@pytest.mark.parametrize(
    ("value", "ci", "status"),
    [(83.8, (81.5, 86.1), "reproduced"), (81.0, (78.7, 83.5), "inconclusive"),
     (75.0, (72.0, 78.0), "not_reproduced")],
)
def test_status_rule(value, ci, status):
    claim = all_claims()[CLAIM_M]  # 83.3 within ±1.0
    finding = Finding(value, value / 100, ci, "proxy", "2026-01-01T00:00:00+00:00", "test")
    got, confidence = judge(claim, finding)
    assert got == status and 0 < confidence < 0.8


def test_offline_size_claim_is_judged_from_the_registry():
    verdict = build_verdict(all_claims()["mobilebert-2004.02984-abstract-4.3x-smaller"], [])
    assert verdict["verdict"]["status"] == "reproduced"
    assert verdict["verdict"]["score"] == pytest.approx(109_483_778 / 24_582_914, abs=1e-4)


def test_the_speed_verdict_explains_which_factor_falls_short():
    from tests.factories import latency_point

    results = []
    for model, p50, flops in (("bert-base", 150.0, 22.35e9), ("mobilebert", 50.0, 5.39e9)):
        point = {**latency_point(1, 128, p50), "flops": flops}
        results.append(make_result(model=model, metrics={"points": [point], "skipped": []}))
    claim = all_claims()["mobilebert-2004.02984-abstract-5.5x-faster"]
    record = build_verdict(claim, results)
    assert record["verdict"]["status"] == "not_reproduced"
    notes = record["verdict"]["claim_citation"]["notes"]
    assert "FLOPs allow 4.15× at equal efficiency (75% of the claimed 5.5×)" in notes
    assert "efficiency ×0.72; the claim needs ×1.33" in notes and "both fall short" in notes


def test_the_speed_verdict_takes_the_fewest_threads_timed():
    from dataclasses import replace

    from tests.factories import latency_point

    results = []
    for threads, mine in ((2, 50.0), (1, 40.0)):
        for model, p50 in (("bert-base", 150.0), ("mobilebert", mine)):
            r = make_result(model=model, threads=threads,
                            metrics={"points": [latency_point(1, 128, p50)], "skipped": []},
                            finished_at=f"2026-11-2{threads}T09:00:00+00:00")
            results.append(replace(r, job_id=f"{model}__t{threads}"))
    finding, _, _ = assess(all_claims()["mobilebert-2004.02984-abstract-5.5x-faster"], results)
    assert finding.value == pytest.approx(150.0 / 40.0, rel=0.01)
    assert "1 thread(s)" in finding.provenance
