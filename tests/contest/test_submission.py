"""The submission CSV: every rule of the format with its Japanese message, and a property test
that mutated files give a score or a SubmissionError, never anything else."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar_lib.contest import (
    SubmissionError,
    read_student_pack,
    submission_csv,
    validate_submission,
    write_submission,
)

IDS = [3, 1, 2]


def check(text, ids=IDS, **kwargs):
    return validate_submission(text, ids, **kwargs)


def test_labels_come_back_in_the_order_of_ids():
    np.testing.assert_array_equal(check("id,label\n1,5\n2,6\n3,7\n"), [7, 5, 6])
    assert check("id,label\n1,5\n2,6\n3,7\n").dtype == np.int64


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffid,label\n1,5\n2,6\n3,7\n",  # Excel's BOM
        "id,label\r\n1,5\r\n2,6\r\n3,7\r\n",  # Windows line endings
        "id,label\n1,5\n2,6\n3,7",  # no newline at the end
        "id, label\n1, 5\n 2 ,6\n3,7\n",  # spaces around values
        "id,label\n3,7\n2,6\n1,5\n",  # any order
    ],
)
def test_accepted_variants(text):
    np.testing.assert_array_equal(check(text), [7, 5, 6])


def test_blank_lines_at_the_end_are_ignored():
    np.testing.assert_array_equal(check("id,label\n1,5\n2,6\n3,7\n\n\r\n \n"), [7, 5, 6])


def test_bytes_and_str_give_the_same_result():
    text = "id,label\n1,5\n2,6\n3,7\n"
    np.testing.assert_array_equal(check(text.encode()), check(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ファイルが空です"),
        ("\n\n", "ファイルが空です"),
        ("\ufeff\n", "ファイルが空です"),  # a BOM alone
        (
            "ID,Label\n1,5\n2,6\n3,7\n",
            "1 行目（ヘッダ, header）は id,label にしてください。読み取った値: 'ID,Label'",
        ),
        ("1,5\n2,6\n3,7\n", "1 行目（ヘッダ, header）は id,label"),
        (",label\n0,5\n", "pandas なら to_csv(..., index=False) で書けます。"),  # the index
        ("id,label\n1,5\n2,6\r3,7\n", "3 行目の改行コードが CR だけです"),
        ("id,label\n1,5\n\n2,6\n3,7\n", "3 行目: 空行です (empty line)"),
        ("id,label\n1,5,0.9\n2,6\n3,7\n", "2 行目: 3 列あります (wrong number of columns)"),
        ("id,label\n1;5\n2,6\n3,7\n", "2 行目: 1 列あります"),
        ("id,label\n1,5\nx,6\n3,7\n", "3 行目: id が整数ではありません (not an integer): 'x'"),
        (
            "id,label\n1,5\n2,10\n3,7\n",
            "3 行目: label は 0 から 9 の整数にしてください (label out of range)。"
            "読み取った値: '10'",
        ),
        ("id,label\n1,5\n2,-1\n3,7\n", "読み取った値: '-1'"),
        (
            "id,label\n1,5\n2,6.0\n3,7\n",
            "3 行目: label が整数ではありません (not an integer): '6.0'。"
            "0 から 9 の整数で書いてください（3.0 ではなく 3）。",
        ),
        ("id,label\n1,5\n2,6\n\n3,7\n", "4 行目: 空行です"),  # inside the file
        ("id,label\n1,5\n2,Sneaker\n3,7\n", "読み取った値: 'Sneaker'"),
        ("id,label\n1,5\n2,6\n1,7\n", "4 行目: id 1 は 2 行目にもあります (duplicate id)"),
        (
            "id,label\n1,5\n2,6\n3,7\n9,1\n",
            "テストデータにない id があります (unknown ids): 5 行目の 9",
        ),
        ("id,label\n1,5\n2,6\n", "id が 1 件足りません (missing ids)。例: 3。"),
        ("id,label\n", "id が 3 件足りません"),
    ],
)
def test_rejected_with_line_and_value(text, message):
    with pytest.raises(SubmissionError) as err:
        check(text)
    assert message in str(err.value)


def test_encoding_error_names_the_line():
    data = b"id,label\n1,5\n" + "2,六\n".encode("shift_jis") + b"3,7\n"
    with pytest.raises(SubmissionError, match="3 行目が UTF-8 ではありません"):
        check(data)


def test_nul_bytes_are_not_a_csv():
    with pytest.raises(SubmissionError, match="NUL"):
        check("id,label\n1,5\x00\n2,6\n3,7\n")


def test_size_limit_comes_first():
    with pytest.raises(
        SubmissionError,
        match=r"ファイルが大きすぎます \(file too large\): 21 バイト。上限は 10 バイトです",
    ):
        check("id,label\n1,5\n2,6\n3,7\n", max_bytes=10)


def test_num_classes_sets_the_label_range():
    np.testing.assert_array_equal(check("id,label\n1,1\n2,0\n3,1\n", num_classes=2), [1, 1, 0])
    with pytest.raises(SubmissionError, match="0 から 1 の整数"):
        check("id,label\n1,2\n2,0\n3,1\n", num_classes=2)


def test_huge_integers_are_rejected_not_crashing():
    with pytest.raises(SubmissionError, match="id が整数ではありません"):
        check("id,label\n" + "9" * 5000 + ",1\n2,6\n3,7\n")


def test_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="Expected the CSV as bytes or str. Received: list"):
        check(["id,label"])


def test_submission_csv_round_trip(tmp_path):
    ids, labels = np.array([5, 2, 9]), np.array([1, 0, 9])
    text = submission_csv(ids, labels)
    assert text == "id,label\n5,1\n2,0\n9,9\n"
    path = write_submission(tmp_path / "s.csv", ids, labels)
    np.testing.assert_array_equal(validate_submission(path.read_bytes(), ids), labels)


def test_submission_csv_rejects_bad_labels():
    with pytest.raises(
        ValueError, match=r"Expected `labels` with 1 dim \(N,\) and N = len\(ids\) = 2"
    ):
        submission_csv([1, 2], np.zeros((2, 10)))
    with pytest.raises(TypeError, match="Expected integer class labels .* labels.dtype=float64"):
        submission_csv([1, 2], np.array([0.2, 0.9]))


def test_read_student_pack(contest):
    ids, images = read_student_pack(contest.path / "student")
    assert ids.shape == (10_000,) and ids.dtype == np.int64
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    np.testing.assert_array_equal(np.sort(ids), np.arange(1, 10_001))


def test_read_student_pack_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="test_images.npz がありません"):
        read_student_pack(tmp_path)


# --- property: mutated files ------------------------------------------------------------------

VALID = "id,label\n1,5\n2,6\n3,7\n"
_pieces = st.sampled_from(
    [
        "\n",
        "\r\n",
        "\r",
        ",",
        ";",
        " ",
        "\ufeff",
        "\x00",
        "id",
        "label",
        "-",
        "+",
        "1",
        "2",
        "3",
        "9",
        "10",
        "5.0",
        "é",
        "六",
        '"',
        "\t",
    ]
)


@st.composite
def mutated(draw):
    data = bytearray(VALID.encode())
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["insert", "delete", "replace", "raw"]))
        at = draw(st.integers(0, len(data)))
        if action == "delete" and data:
            del data[min(at, len(data) - 1)]
        elif action == "raw":
            data[at:at] = draw(st.binary(min_size=1, max_size=3))
        else:
            piece = draw(_pieces).encode()
            data[at : at + (action == "replace")] = piece
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_give_labels_or_a_clear_error(data):
    try:
        labels = check(data)
    except SubmissionError as err:
        message = str(err)
        assert message and message.isprintable() and message.endswith(("。", ")", "'", '"'))
    else:
        assert labels.shape == (3,) and labels.min() >= 0 and labels.max() <= 9


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=3, max_size=3),
    st.permutations([1, 2, 3]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_any_valid_file_scores_exactly(labels, order, newline, bom):
    by_id = dict(zip([1, 2, 3], labels, strict=True))
    text = newline.join(["id,label"] + [f"{i},{by_id[i]}" for i in order]) + newline
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    np.testing.assert_array_equal(check(data), [by_id[3], by_id[1], by_id[2]])


def test_the_fast_path_and_the_row_by_row_check_agree():
    from seminar_lib.contest.submission import _check_rows, _plain_rows

    rng = np.random.default_rng(0)
    ids = rng.permutation(np.arange(1, 10_001))
    labels = rng.integers(0, 10, len(ids))
    order = rng.permutation(len(ids))  # the file lists the ids in another order
    rows = [f"{ids[k]},{labels[k]}" for k in order]
    np.testing.assert_array_equal(_plain_rows(rows, ids, 10), labels)
    np.testing.assert_array_equal(_check_rows(rows, ids, 10), labels)
    spaced = [row.replace(",", ", ") for row in rows]  # valid, but not plain: the slow path
    assert _plain_rows(spaced, ids, 10) is None
    np.testing.assert_array_equal(
        validate_submission("id,label\n" + "\n".join(spaced), ids), labels
    )
    for broken in ([*rows[:-1], rows[0]], rows[:-1], [*rows[:-1], "99999,1"], [*rows[:-1], "1,10"]):
        assert _plain_rows(broken, ids, 10) is None  # duplicate, missing, unknown, out of range


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_codabench_scorer_accepts_exactly_the_same_files(data):
    """The scoring program of the Codabench bundle (standard library only) and the local check
    agree on every file: both accept it with the same labels, or both refuse it."""
    from seminar_lib.contest import codabench_score

    try:
        local = dict(zip(IDS, check(data).tolist(), strict=True))
    except SubmissionError:
        local = None
    try:
        remote = codabench_score.read_submission(data, set(IDS), 10, 10**6)
    except codabench_score.SubmissionError:
        remote = None
    assert local == remote
