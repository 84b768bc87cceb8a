"""Data layer: fingerprints, standardized splits, and the bad-input errors of issue 3."""

from __future__ import annotations

import pytest

from harness.data.errors import DataError
from harness.data.mnli import load_mnli
from harness.data.news import NewsSource, load_news, standard_splits, welfake_source
from tests.accuracy_data import write_mnli_dir, write_news_csv


def test_splits_are_deterministic_stratified_and_disjoint(tmp_path):
    csv = write_news_csv(tmp_path / "w.csv", 400)
    first = standard_splits(welfake_source(str(csv)), tmp_path / "a")
    second = standard_splits(welfake_source(str(csv)), tmp_path / "b")  # made afresh
    again = standard_splits(welfake_source(str(csv)), tmp_path / "a")  # read back
    prints = [{n: s.fingerprint for n, s in splits.items()} for splits in (first, second, again)]
    assert prints[0] == prints[1] == prints[2]
    assert [len(first[n]) for n in ("train", "validation", "test")] == [280, 60, 60]
    ids = [set(first[n].ids) for n in ("train", "validation", "test")]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert first["test"].class_counts() == {"real": 30, "fake": 30}


def test_welfake_sizes_follow_the_reference_split(tmp_path):
    """71,537 rows (72,134 less 597 without title or text) give 50,075 / 10,731 / 10,731."""
    from harness.data.dataset import LabelledTexts, stratified_three_way

    n = 71_537
    data = LabelledTexts("w", tuple(map(str, range(n))), ("t",) * n,
                         tuple(i % 2 for i in range(n)), ("real", "fake"))
    sizes = {k: len(v) for k, v in stratified_three_way(data, (0.7, 0.15, 0.15), 42).items()}
    assert sizes == {"train": 50_075, "validation": 10_731, "test": 10_731}


def test_fingerprint_changes_with_content(tmp_path):
    a = load_news(welfake_source(str(write_news_csv(tmp_path / "a.csv", 50, seed=1))))
    b = load_news(welfake_source(str(write_news_csv(tmp_path / "b.csv", 50, seed=2))))
    assert a.fingerprint != b.fingerprint
    assert load_news(welfake_source(str(tmp_path / "a.csv"))).fingerprint == a.fingerprint


def test_label_map_and_fixed_label(tmp_path):
    csv = write_news_csv(tmp_path / "e.csv", 20, label_column="real", fake_value=0,
                         real_value=1, with_title=False)
    mapped = load_news(NewsSource("e", str(csv), ("text",), "real", {"1": "real", "0": "fake"}))
    default = load_news(NewsSource("e", str(csv), ("text",), "real", {"1": "fake", "0": "real"}))
    assert mapped.labels == tuple(1 - y for y in default.labels)
    fixed = load_news(NewsSource("e", str(csv), ("text",), None, fixed_label="fake"))
    assert set(fixed.labels) == {1}


def test_welfake_drops_rows_without_text_and_records_it(tmp_path):
    csv = tmp_path / "w.csv"
    csv.write_text("title,text,label\na b,c d,1\n,e f,0\ng h,,1\ni j,k l,0\n", encoding="utf-8")
    data = load_news(welfake_source(str(csv)))
    assert len(data) == 2 and data.notes["dropped_blank_text_rows"] == 2
    assert data.texts[0] == "a b c d"


@pytest.mark.parametrize(
    ("content", "source_kwargs", "expected"),
    [
        ("title,body,label\na,b,1\n", {}, r"no column 'text'.*columns are 'title', 'body'"),
        ("title,text,label\na,b,1\nc,d,7\n", {}, r"values outside the label map.*'7' in row 2"),
        ("title,text,label\na,b,1\nc, ,0\n", {"on_blank": "error"},
         r"column 'text' is empty or NaN in row 2"),
        ("title,text,label\na,b,\n", {}, r"column 'label' is empty or NaN in row 1"),
        ("title,text,label\n", {}, r"has no data rows"),
    ],
)
def test_bad_input_names_file_place_and_fix(tmp_path, content, source_kwargs, expected):
    csv = tmp_path / "bad.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=expected) as err:
        load_news(NewsSource("bad", str(csv), **source_kwargs))
    assert str(csv) in str(err.value)


def test_non_utf8_and_missing_file(tmp_path):
    csv = tmp_path / "latin.csv"
    csv.write_bytes("title,text,label\ncaf\xe9,b,1\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"not valid UTF-8 \(byte \d+, line 2.*iconv"):
        load_news(welfake_source(str(csv)))
    with pytest.raises(DataError, match=r"nothere.csv not found.*WELFake_Dataset.csv"):
        load_news(welfake_source(str(tmp_path / "nothere.csv")))


def test_empty_split_after_sampling_is_an_error(tmp_path):
    csv = tmp_path / "w.csv"
    csv.write_text("title,text,label\n,a,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="no rows with text"):
        load_news(welfake_source(str(csv)))


def test_mnli_tsv_loads_glue_labels_and_slices_stratified(tmp_path):
    directory = write_mnli_dir(tmp_path / "mnli", 90)
    matched = load_mnli(str(directory), "validation_matched")
    assert matched.label_names == ("entailment", "neutral", "contradiction")
    assert matched.class_counts() == {"entailment": 30, "neutral": 30, "contradiction": 30}
    sliced = matched.stratified_sample(30, seed=42)
    assert sliced.class_counts() == {"entailment": 10, "neutral": 10, "contradiction": 10}
    assert sliced.fingerprint == matched.stratified_sample(30, seed=42).fingerprint
    assert sliced.fingerprint != matched.stratified_sample(30, seed=7).fingerprint


def test_mnli_bad_labels_and_missing_files(tmp_path):
    (tmp_path / "validation_matched.tsv").write_text(
        "sentence1\tsentence2\tgold_label\na\tb\tentailment\nc\td\tmaybe\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"\['maybe'\] in row 2"):
        load_mnli(str(tmp_path), "validation_matched")
    with pytest.raises(DataError, match="no file named validation_mismatched"):
        load_mnli(str(tmp_path), "validation_mismatched")


# --- degenerate data: an error naming the file and the fix, before any training ---------------
def _rows_csv(path, rows):
    import pandas as pd

    pd.DataFrame(rows, columns=["title", "text", "label"]).to_csv(path, index=False)
    return path


def test_a_one_class_file_is_refused_naming_the_file_and_the_option(tmp_path):
    csv = write_news_csv(tmp_path / "w.csv", 200)
    import pandas as pd

    frame = pd.read_csv(csv)
    frame["label"] = 1
    frame.to_csv(csv, index=False)
    with pytest.raises(DataError) as err:
        standard_splits(welfake_source(str(csv)), tmp_path / "splits")
    message = str(err.value)
    assert str(csv) in message and "0 'real'" in message and "--label-map" in message
    assert not (tmp_path / "splits").exists()


def test_a_label_map_onto_one_class_is_refused_before_reading(tmp_path):
    source = welfake_source(str(tmp_path / "not-even-read.csv"),
                            label_map={"1": "fake", "0": "fake"})
    with pytest.raises(DataError, match=r"every row would be 'fake'.*--label-map"):
        source.check_trainable()


@pytest.mark.parametrize("n_rows", [2, 5])
def test_too_few_rows_for_a_split_name_the_file(tmp_path, n_rows):
    csv = write_news_csv(tmp_path / "tiny.csv", n_rows)
    with pytest.raises(DataError) as err:
        standard_splits(welfake_source(str(csv)), tmp_path / "splits")
    assert str(csv) in str(err.value) and "at least 10 rows of each class" in str(err.value)


def test_duplicates_are_dropped_before_splitting_and_counted(tmp_path):
    csv = write_news_csv(tmp_path / "w.csv", 100, seed=3)
    import pandas as pd

    frame = pd.read_csv(csv)
    repeats = frame.iloc[:30].copy()
    repeats["text"] = repeats["text"].str.upper() + "  "  # same text, other case and spacing
    clash = frame.iloc[30:32].copy()
    clash["label"] = 1 - clash["label"]  # the same text with the other label
    pd.concat([frame, repeats, clash]).to_csv(csv, index=False)
    splits = standard_splits(welfake_source(str(csv)), tmp_path / "splits")
    keys = {n: {" ".join(t.split()).casefold() for t in s.texts} for n, s in splits.items()}
    assert not (keys["train"] & keys["test"] or keys["train"] & keys["validation"]
                or keys["validation"] & keys["test"])
    notes = splits["test"].notes
    assert notes["dropped_duplicate_rows"] == 30
    assert notes["dropped_conflicting_label_rows"] == 4  # both rows of each clashing text
    assert sum(len(s) for s in splits.values()) == 100 - 2
    assert splits["test"].describe()["notes"]["dropped_duplicate_rows"] == 30  # in results


def test_a_sample_too_small_for_the_classes_is_an_error(tmp_path):
    data = load_news(welfake_source(str(write_news_csv(tmp_path / "w.csv", 40))))
    with pytest.raises(DataError, match=r"at least 4 rows"):
        data.stratified_sample(3, seed=0)
    assert len(data.stratified_sample(4, seed=0)) == 4


def test_external_set_errors_name_the_external_options(tmp_path):
    csv = write_news_csv(tmp_path / "other.csv", 20, label_column="verdict", with_title=False)
    external = NewsSource("other", str(csv), ("title",), "label", role="external")
    with pytest.raises(DataError) as err:
        load_news(external)
    assert "--external-text-columns" in str(err.value)
    assert "--external-label-column" in str(err.value)
    mapped = NewsSource("other", str(csv), ("text",), "verdict", {"7": "fake"}, role="external")
    with pytest.raises(DataError, match="--external-label-map"):
        load_news(mapped)
    missing = NewsSource("other", str(tmp_path / "nope.csv"), ("text",), role="external")
    with pytest.raises(DataError, match=r"not found\. Check the path given with --external"):
        load_news(missing)


def test_a_directory_given_as_a_data_file_says_so(tmp_path):
    from harness.data.news import check_source

    with pytest.raises(DataError, match="is a directory, not a file"):
        load_news(welfake_source(str(tmp_path)))
    with pytest.raises(DataError, match="is a directory, not a file"):
        check_source(NewsSource("x", str(tmp_path), ("text",), role="external"))


def test_a_tsv_written_with_quoted_fields_reads_without_literal_quotes(tmp_path):
    import pandas as pd

    from harness.data.tables import read_table

    path = tmp_path / "news.tsv"
    texts = ['He said "no"\tthen left', "plain", '"all quoted"']
    pd.DataFrame({"text": texts, "label": [1, 0, 1]}).to_csv(path, sep="\t", index=False)
    assert list(read_table(path, what="news", fix="")["text"]) == texts
    glue = tmp_path / "glue.tsv"  # an unbalanced quote, as in GLUE: read as it stands
    glue.write_text('s1\ts2\tlabel\n"open quote\tb\t1\nc\td\t0\n', encoding="utf-8")
    assert list(read_table(glue, what="mnli", fix="")["s1"]) == ['"open quote', "c"]
