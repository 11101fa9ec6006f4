"""The Codabench scoring program: copied as ``score.py`` by seminar_lib.contest.codabench.

    python3 score.py INPUT OUTPUT

INPUT/ref/solution.csv is the answer key (id,label,Usage; a blank label is not scored yet),
INPUT/res/ the participant's zip unpacked, with exactly one .csv file (id,label). Writes
OUTPUT/scores.json with public_<metric> and, when the labels are there, private_<metric>.
The contest's metric, number of classes and size limit are read from settings.json beside
this file. Standard library only: it runs in Codabench's docker image, without seminar_lib;
it checks the file as seminar_lib.contest.submission does and scores as scoring.py does.
"""

import csv
import json
import os
import re
import sys

INT = re.compile(r"[+-]?[0-9]{1,18}")


def settings():
    """{"metric", "num_classes", "max_bytes"} from settings.json next to this program."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "settings.json")) as f:
        return json.load(f)


class SubmissionError(Exception):
    pass


def check(ok, message, *args):
    if not ok:
        raise SubmissionError(message.format(*args))


def find_csv(res_dir):
    found = []
    for root, dirs, files in os.walk(res_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__MACOSX")))
        found += [
            os.path.join(root, f)
            for f in sorted(files)
            if f.lower().endswith(".csv") and not f.startswith(".")
        ]
    names = [os.path.basename(f) for f in found][:5]
    check(len(found) == 1, "zip の中に .csv ファイルがちょうど 1 つ必要です: {}", names)
    return found[0]


def read_submission(data, ids, num_classes, max_bytes):
    """{id: label} from the CSV bytes, checked as seminar_lib.contest.validate_submission."""
    check(len(data) <= max_bytes, "ファイルが大きすぎます: {:,} バイト", len(data))
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # Excel's BOM
    check(data.strip(), "ファイルが空です。1 行目に id,label と書いてください。")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SubmissionError(
            "{} 行目が UTF-8 ではありません。".format(data[: err.start].count(b"\n") + 1)
        ) from None
    check("\x00" not in text, "NUL 文字があります。CSV (テキスト) ではないようです。")
    text = text.replace("\r\n", "\n")  # CRLF as LF; a CR left over ends no line
    check(
        "\r" not in text,
        "{} 行目の改行コードが CR だけです。",
        text[: text.find("\r")].count("\n") + 1,
    )
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()  # the final newline and blank lines after the last row
    header = lines[0] if lines else ""
    check(
        [f.strip() for f in header.split(",")] == ["id", "label"],
        "1 行目 (ヘッダ) は id,label にしてください: {!r}",
        header[:60],
    )
    labels, unknown = {}, []
    for number, line in enumerate(lines[1:], start=2):
        fields = [f.strip() for f in line.split(",")]
        check(len(fields) == 2, "{} 行目: id,label の 2 列にしてください: {!r}", number, line[:60])
        check(INT.fullmatch(fields[0]), "{} 行目: id が整数ではありません: {!r}", number, fields[0])
        check(
            INT.fullmatch(fields[1]) and 0 <= int(fields[1]) < num_classes,
            "{} 行目: label は 0 から {} の整数です: {!r}",
            number,
            num_classes - 1,
            fields[1],
        )
        id_ = int(fields[0])
        check(id_ not in labels, "{} 行目: id {} が 2 回あります。", number, id_)
        labels[id_] = int(fields[1])
        if id_ not in ids:
            unknown.append(id_)
    check(not unknown, "テストデータにない id があります: {}", unknown[:5])
    missing = sorted(set(ids) - set(labels))
    check(not missing, "id が {:,} 件足りません。例: {}", len(missing), missing[:5])
    return labels


def score(metric, y_true, y_pred):
    if metric == "accuracy":
        return sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(y_true)
    f1s = []
    for c in sorted(set(y_true) | set(y_pred)):  # the classes present, as scoring.macro_f1
        tp = sum(t == c and p == c for t, p in zip(y_true, y_pred, strict=True))
        wrong = sum((t == c) != (p == c) for t, p in zip(y_true, y_pred, strict=True))  # FP + FN
        f1s.append(2 * tp / (2 * tp + wrong))
    return sum(f1s) / len(f1s)


def main(input_dir="/app/input", output_dir="/app/output"):
    config = settings()
    metric = config["metric"]
    with open(os.path.join(input_dir, "ref", "solution.csv"), encoding="utf-8", newline="") as f:
        reference = [(int(r["id"]), r["label"], r["Usage"]) for r in csv.DictReader(f)]
    try:
        with open(find_csv(os.path.join(input_dir, "res")), "rb") as f:
            ids = {i for i, _, _ in reference}
            labels = read_submission(f.read(), ids, config["num_classes"], config["max_bytes"])
    except SubmissionError as err:
        print(f"採点できません (invalid submission): {err}", file=sys.stderr)
        return 1
    scores = {}
    for usage in ("Public", "Private"):
        rows = [(int(y), labels[i]) for i, y, u in reference if u == usage and y != ""]
        if rows:
            scores[usage.lower() + "_" + metric] = score(metric, *zip(*rows, strict=True))
    os.makedirs(output_dir, exist_ok=True)
    with open(os.path.join(output_dir, "scores.json"), "w") as f:
        json.dump(scores, f)
    print(f"public_{metric}: {scores['public_' + metric]}")  # never the private one
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
