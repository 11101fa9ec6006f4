"""The rules of a contest in Japanese: the student pack's README.md and the server's rules page."""

from __future__ import annotations

from seminar_lib.contest.config import ContestConfig
from seminar_lib.contest.scoring import METRIC_NAMES_JA

__all__ = ["DATASET_NAMES_JA", "DATASET_TITLES", "japanese_time", "rules_markdown"]

DATASET_NAMES_JA = {
    "fashion-mnist": "Fashion-MNIST（衣類の 28×28 グレースケール画像、10 クラス）",
    "mnist": "MNIST（手書き数字の 28×28 グレースケール画像、10 クラス）",
}
DATASET_TITLES = {"fashion-mnist": "Fashion-MNIST", "mnist": "MNIST"}


def japanese_time(moment, year: bool = False) -> str:
    """``12月9日 18:00`` (or ``2026年12月9日 18:00``) in the moment's own time zone."""
    text = f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{moment.year}年{text}" if year else text


def rules_markdown(config: ContestConfig, num_images: int) -> str:
    """The rules (Markdown, one line per paragraph or item): task, files, how to submit, metric,
    leaderboards, limits, final choice, honesty."""
    deadline = (
        f"{japanese_time(config.deadline, year=True)}（{config.timezone}）"
        if config.deadline is not None
        else "主催者が当日に知らせます（private リーダーボードの公開と同時に受付を終えます）"
    )
    public = round(config.public_fraction * 100)
    dataset = DATASET_TITLES[config.dataset]
    return f"""# {config.title}

## 課題
{DATASET_NAMES_JA[config.dataset]}のテスト画像 {num_images:,} 枚それぞれのクラス (0〜9) を予測してください。

## 配布ファイル
- `test_images.npz`: `ids`（画像の id）と `images`（画像、uint8、{num_images:,}×28×28）。ラベルはありません。
- `sample_submission.csv`: 提出ファイルの見本（すべて 0 と予測した場合）。
- 学習には `data/` の訓練データ（ラベル付き）を使ってください。検証用データ (validation data) は訓練データから自分で取り分けます。

## 提出ファイル
- CSV (UTF-8)。1 行目は `id,label`、2 行目からは 1 行に 1 枚、`id,予測ラベル` の形で書きます。
- すべての id をちょうど 1 回ずつ書きます（順番は自由）。ラベルは 0〜9 の整数です。
- `seminar_lib.contest.validate_submission` で提出前に手元で確かめられます。形式が正しくないファイルは受け付けず、提出回数にも数えません。

## 提出のしかた
- 主催者が知らせるアドレスの `/team` ページで、チームのトークン (token) を入力してログインし、CSV をアップロードします。
- ノートブックからは `seminar_lib.contest.submit(labels, ids=ids, url=..., token=...)` で提出できます（public スコアが返ります）。
- 最終提出は、private リーダーボードの公開までに `/team` ページで選んでください。

## 評価とリーダーボード
- 評価指標 (metric): {METRIC_NAMES_JA[config.metric]}。
- テスト画像は public 用と private 用の 2 つに分けてあります（どの画像がどちらかは公開しません）。{public}% が public 用で、提出するとすぐにその点数が表示されます。残りの {100 - public}% が private 用で、締め切りの後に主催者が公開するまで誰にも見えません。
- **最終順位は private の点数で決まります。** public の点数だけを上げる工夫は、private では報われないことがあります（リーダーボードへの過学習, overfitting）。

## 提出の回数と締め切り
- 提出は 1 チーム 1 日 {config.daily_limit} 回までです（日付は {config.timezone} の 0 時に切り替わります）。
- 締め切り: {deadline}。締め切りの後の提出は受け付けません。

## 最終提出の選択
- 各チームは最大 {config.max_final} 件の提出を「最終提出 (final)」に選べます。選ばなかった場合は、public の点数が高い {config.max_final} 件が自動で選ばれます。
- チームの最終スコアは、最終提出のうち private の点数が最も高いものです。
- 同点の場合は、その点数の提出を先に出したチームが上位です。

## 誠実さのルール
- テスト画像は公開データセット {dataset} のテスト画像そのものです。その正解ラベルを調べたり使ったりすることは**不正 (cheating)** です。
- 学習に使ってよいのは訓練データだけです。テスト画像を目で見てラベルを付けることも禁止です。
- チーム間でトークン（提出用の合言葉）を共有しないでください。
"""
