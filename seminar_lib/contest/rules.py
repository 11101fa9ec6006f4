"""The rules of a contest in Japanese: the student pack's README.md and the server's rules page."""

from __future__ import annotations

from seminar_lib.contest.config import ContestConfig
from seminar_lib.contest.scoring import METRIC_NAMES_JA

__all__ = ["DATASET_NAMES_JA", "rules_markdown"]

DATASET_NAMES_JA = {
    "fashion-mnist": "Fashion-MNIST（衣類の 28×28 グレースケール画像、10 クラス）",
    "mnist": "MNIST（手書き数字の 28×28 グレースケール画像、10 クラス）",
}


def rules_markdown(config: ContestConfig, num_images: int) -> str:
    """The rules (Markdown): task, files, metric, leaderboards, limits, final choice, honesty."""
    deadline = (
        config.deadline.strftime("%Y年%m月%d日 %H:%M") + f"（{config.timezone}）"
        if config.deadline is not None
        else "主催者が当日に告げる時刻（その時刻に受付を締め切ります）"
    )
    public = round(config.public_fraction * 100)
    return f"""# {config.title}

## 課題
{DATASET_NAMES_JA[config.dataset]}のテスト画像 {num_images:,} 枚それぞれの
クラス (0〜9) を予測してください。

## 配布ファイル
- `test_images.npz`: `ids` (画像の id) と `images` (画像、uint8、{num_images:,}×28×28)。
  ラベルはありません。
- `sample_submission.csv`: 提出ファイルの見本（すべて 0 と予測した場合）。
- 学習には `data/` の訓練データ（ラベル付き）を使ってください。検証用データ (validation data) は
  訓練データから自分で取り分けます。

## 提出ファイル
- CSV (UTF-8)。1 行目は `id,label`、2 行目からは 1 行に 1 枚、`id,予測ラベル` の形で書きます。
- すべての id をちょうど 1 回ずつ書きます（順番は自由）。ラベルは 0〜9 の整数です。
- `seminar_lib.contest.validate_submission` で提出前に手元で確かめられます。
  形式が正しくないファイルは受け付けず、提出回数にも数えません。

## 評価とリーダーボード
- 評価指標 (metric): {METRIC_NAMES_JA[config.metric]}。
- テスト画像は、どれか分からないように 2 つに分けてあります。{public}% は public
  リーダーボード用で、提出するとすぐにその点数が表示されます。残りの {100 - public}% は private
  リーダーボード用で、締め切りの後に主催者が公開するまで誰にも見えません。
- **最終順位は private の点数で決まります。** public の点数だけを上げる工夫は、private では
  報われないことがあります（リーダーボードへの過学習 overfitting）。

## 提出の回数と締め切り
- 1 チーム 1 日 {config.daily_limit} 回まで（日付は {config.timezone} の暦で数えます）。
- 締め切り: {deadline}。締め切り後の提出は受け付けません。

## 最終提出の選択
- 各チームは最大 {config.max_final} 件の提出を「最終提出 (final)」に選べます。
  選ばなかった場合は public の点数が高い {config.max_final} 件が自動で選ばれます。
- チームの最終スコアは、最終提出のうち private の点数が最も高いものです。
- 同点の場合は、先に提出したチームが上位です。

## 誠実さのルール
- テスト画像は公開データセット {config.dataset} のテスト画像そのものです。
  その正解ラベルを調べたり使ったりすることは**不正 (cheating)** です。
- 学習に使ってよいのは訓練データだけです。テスト画像を目で見てラベルを付けることも禁止です。
- チーム間でトークン（提出用の合言葉）を共有しないでください。
"""
