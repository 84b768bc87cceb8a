"""SQuAD files: the official layout and hub-layout JSON lines load the same questions; every
defect stops the load with the file, the question and the fix."""

from __future__ import annotations

import json

import pytest

from harness.data.errors import DataError
from harness.data.squad import load_squad
from tests.squad_data import qa_articles, write_squad


def _official(tmp_path, qas, context="alpha beta gamma"):
    path = tmp_path / "dev.json"
    path.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [
        {"context": context, "qas": qas}]}]}), encoding="utf-8")
    return path


def test_official_json_and_json_lines_load_alike(tmp_path):
    official = load_squad(str(write_squad(tmp_path / "dev.json", 30, version="2.0")), "2.0")
    lines = tmp_path / "dev.jsonl"
    with lines.open("w", encoding="utf-8") as handle:
        for e in official.examples:
            handle.write(json.dumps({"id": e.id, "title": e.title, "context": e.context,
                                     "question": e.question,
                                     "answers": {"text": list(e.answers),
                                                 "answer_start": list(e.answer_starts)}}) + "\n")
    flat = load_squad(str(lines), "2.0")
    assert sorted(flat.examples, key=lambda e: e.id) == sorted(official.examples,
                                                               key=lambda e: e.id)
    described = official.describe()
    assert described["n"] == 30 and 0 < described["no_answer"] < 30


def test_slice_is_seeded_fixed_and_keeps_the_answerable_share(tmp_path):
    data = load_squad(str(write_squad(tmp_path / "dev.json", 200, version="2.0")), "2.0")
    a, b = data.sample(50, seed=3), data.sample(50, seed=3)
    assert a.examples == b.examples and a.fingerprint == b.fingerprint
    assert a.describe()["sampled_from"] == 200
    share = data.describe()["has_answer"] / 200
    assert abs(a.describe()["has_answer"] / 50 - share) <= 0.02
    assert data.sample(50, seed=4).fingerprint != a.fingerprint
    assert data.sample(None, seed=0) is data


@pytest.mark.parametrize(("qas", "expected"), [
    ([{"id": "x", "question": "q?", "answers": [{"text": "beta", "answer_start": 0}]}],
     "not at answer_start 0"),
    ([{"id": "x", "question": "  ", "answers": []}], "empty or non-text question"),
    ([{"id": "x", "answers": []}], "has no 'question'"),
    ([{"id": "x", "question": "q?", "answers": []}], "Pass it as --squad-v2"),
    ([{"id": "x", "question": "q?", "answers": [{"text": "beta", "answer_start": 6}]},
      {"id": "x", "question": "r?", "answers": [{"text": "beta", "answer_start": 6}]}],
     "appears twice"),
])
def test_defects_name_the_file_question_and_fix(tmp_path, qas, expected):
    path = _official(tmp_path, qas)
    with pytest.raises(DataError, match=expected) as caught:
        load_squad(str(path), "1.1")
    assert str(path) in str(caught.value)


def test_unreadable_files(tmp_path):
    bad = tmp_path / "dev.json"
    bad.write_bytes(b'{"data": [{"title": "caf\xe9"}]}')
    with pytest.raises(DataError, match="not UTF-8"):
        load_squad(str(bad), "1.1")
    bad.write_text('{"paragraphs": []}', encoding="utf-8")
    with pytest.raises(DataError, match="official SQuAD JSON"):
        load_squad(str(bad), "1.1")
    bad.write_text(json.dumps({"data": [{"title": "t"}]}), encoding="utf-8")
    with pytest.raises(DataError, match=r"data\[0\] has no 'paragraphs'"):
        load_squad(str(bad), "1.1")
    with pytest.raises(DataError, match="--squad-v1 FILE"):
        load_squad(str(tmp_path / "missing.json"), "1.1")


def test_generated_articles_are_valid_squad():
    articles = qa_articles(10, seed=0, unanswerable=0.5)
    qas = [qa for a in articles for p in a["paragraphs"] for qa in p["qas"]]
    assert len(qas) == 10
    for article in articles:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                for answer in qa["answers"]:
                    start = answer["answer_start"]
                    assert paragraph["context"][start:start + len(answer["text"])] == \
                        answer["text"]


def test_a_non_object_answer_and_deep_nesting_are_named_not_dropped(tmp_path):
    path = _official(tmp_path, [{"id": "q1", "question": "which?", "answers": [
        {"text": "beta", "answer_start": 6}, "gamma"]}])
    with pytest.raises(DataError, match=r"qas\[0\]\.answers\[1\] must be an object"):
        load_squad(str(path), "1.1")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataError, match="nested too deeply"):
        load_squad(str(deep), "1.1")


@pytest.mark.parametrize("data, hint", [
    ("\ufeff{}".encode("utf-16"), "UTF-16 byte-order mark"),
    (b"\x1f\x8b\x08\x00\x00", "gzip-compressed"),
    ("{caf\xe9}".encode("latin-1"), "cp1252"),
])
def test_the_non_utf8_hint_fits_what_the_file_is(tmp_path, data, hint):
    path = tmp_path / "dev.json"
    path.write_bytes(data)
    with pytest.raises(DataError, match=hint):
        load_squad(str(path), "1.1")
