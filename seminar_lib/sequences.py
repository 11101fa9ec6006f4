"""Sequence data for session 6: characters to ids, sliding windows, sampling with temperature.

Pure NumPy. Randomness is passed in as ``rng`` (a ``numpy.random.Generator``).
"""

from __future__ import annotations

import collections

import numpy as np

from seminar_lib._validation import as_real_array, check_positive, check_positive_int, check_rng

__all__ = [
    "CharVocab",
    "make_recall_task",
    "make_windows",
    "next_token_windows",
    "sample_with_temperature",
]


class CharVocab:
    """A character vocabulary: every distinct character of a text gets an id (a token id).

    Ids are given by frequency (the most common character is 0; ties in code-point order), so
    the same text always gives the same ids. Characters seen fewer than ``min_count`` times share
    the id of ``unknown``, which is then the last id; with ``min_count=1`` there is no unknown
    character and encoding a character outside the text raises ``ValueError``.

    Parameters
    ----------
    text : str
    min_count : int
        Rarer characters are mapped to ``unknown``.
    unknown : str
        One character standing for every rare or unseen one (only used when ``min_count > 1``).
    keep : str
        Characters that get their own id however rare they are (for example the characters of
        a prompt that text generation starts from).

    Examples
    --------
    >>> vocab = CharVocab("すもももももももものうち")
    >>> vocab.encode("もも").tolist()
    [0, 0]
    >>> vocab.decode(vocab.encode("すもも"))
    'すもも'
    """

    def __init__(self, text: str, min_count: int = 1, unknown: str = "□", keep: str = ""):
        if not isinstance(text, str) or not text:
            raise TypeError(f"Expected `text` to be a non-empty str. Received: {text!r:.40}")
        self.min_count = check_positive_int(min_count, "min_count")
        if not isinstance(unknown, str) or len(unknown) != 1:
            raise ValueError(f"Expected `unknown` to be one character. Received: {unknown!r}")
        counts = collections.Counter(text)
        if not isinstance(keep, str):
            raise TypeError(f"Expected `keep` to be a str. Received: {type(keep).__name__}")
        if unknown in keep:
            raise ValueError(f"Expected `keep` without the unknown character {unknown!r}.")
        wanted = {c for c, n in counts.items() if n >= self.min_count} | set(keep)
        kept = sorted(wanted, key=lambda c: (-counts[c], c))
        self.unknown = unknown if set(counts) - set(kept) else None
        if self.unknown is not None:
            if unknown in kept:
                raise ValueError(
                    f"Expected `unknown` to be a character that is not kept in the vocabulary. "
                    f"Received: unknown={unknown!r}, which occurs {counts[unknown]} times"
                )
            kept.append(unknown)
        self.chars: list[str] = kept
        self.index = {c: i for i, c in enumerate(kept)}
        self.counts = counts

    @property
    def size(self) -> int:
        """The number of ids V (the width of the one-hot vectors and of the softmax)."""
        return len(self.chars)

    def __len__(self) -> int:
        return self.size

    def encode(self, text: str) -> np.ndarray:
        """Token ids (L,) int64 of ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"Expected `text` to be a str. Received: {type(text).__name__}")
        if self.unknown is None:
            missing = sorted({c for c in text if c not in self.index})
            if missing:
                raise ValueError(
                    f"Expected characters of the vocabulary. Received: {''.join(missing[:10])!r} "
                    "(not in the text the vocabulary was built from; use min_count > 1 to map "
                    "rare and unseen characters to an unknown character)"
                )
            return np.array([self.index[c] for c in text], dtype=np.int64)
        unk = self.index[self.unknown]
        return np.array([self.index.get(c, unk) for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        """The text of token ids (any integer array or list)."""
        ids = np.asarray(ids)
        if ids.size and (ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(
                f"Expected integer ids in [0, {self.size}). Received: dtype={ids.dtype}, "
                f"min={ids.min()}, max={ids.max()}"
            )
        return "".join(self.chars[i] for i in ids.reshape(-1))

    def __repr__(self) -> str:
        head = "".join(self.chars[:10])
        return f"CharVocab(size={self.size}, min_count={self.min_count}, most common={head!r})"


def _check_sequence(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf" or arr.ndim not in (1, 2):
        raise ValueError(
            f"Expected `{name}` as a series of numbers (T,) or (T, F). "
            f"Received: {name}.shape={arr.shape}, {name}.dtype={arr.dtype}"
        )
    return arr


def make_windows(series, input_len: int, horizon: int = 1, stride: int = 1):
    """Cut a time series into (past window, future value) pairs for forecasting.

    Window i is ``series[s : s + input_len]`` with ``s = i * stride``; its target is the value
    ``horizon`` steps after the window's last value, ``series[s + input_len - 1 + horizon]``.

    Parameters
    ----------
    series : array (T,) or (T, F)
    input_len : int
        L, the number of past steps the model sees.
    horizon : int
        How many steps ahead to predict (1 = the next value).
    stride : int
        Steps between the starts of consecutive windows.

    Returns
    -------
    X : array (N, L, F), the dtype of ``series`` (F = 1 for a 1-D series)
    y : array (N, F)
    """
    arr = _check_sequence(series, "series")
    input_len = check_positive_int(input_len, "input_len")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]  # (T,) -> (T, 1)
    span = input_len + horizon  # steps covered by one window and its target
    if len(arr) < span:
        raise ValueError(
            f"Expected a series of at least input_len + horizon = {span} steps. "
            f"Received: {len(arr)} steps"
        )
    starts = np.arange(0, len(arr) - span + 1, stride)  # (N,)
    X = arr[starts[:, np.newaxis] + np.arange(input_len)]  # (N, L, F)
    y = arr[starts + input_len - 1 + horizon]  # (N, F)
    return X, y


def next_token_windows(ids, seq_len: int, stride: int | None = None):
    """Inputs and targets for a language model: each target is the input shifted by one.

    Window i is ``ids[s : s + seq_len]`` and its target ``ids[s + 1 : s + seq_len + 1]``, with
    ``s = i * stride`` (default ``stride = seq_len``: windows side by side, no overlap).

    Returns
    -------
    X, Y : int64 arrays (N, seq_len)
    """
    arr = np.asarray(ids)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(
            f"Expected `ids` with 1 dim (L,) of integer token ids. "
            f"Received: ids.shape={arr.shape}, ids.dtype={arr.dtype}"
        )
    seq_len = check_positive_int(seq_len, "seq_len")
    stride = seq_len if stride is None else check_positive_int(stride, "stride")
    if len(arr) < seq_len + 1:
        raise ValueError(
            f"Expected at least seq_len + 1 = {seq_len + 1} ids. Received: {len(arr)} ids"
        )
    starts = np.arange(0, len(arr) - seq_len, stride)  # (N,)
    idx = starts[:, np.newaxis] + np.arange(seq_len)  # (N, seq_len)
    return arr[idx].astype(np.int64), arr[idx + 1].astype(np.int64)


def sample_with_temperature(logits, temperature: float, rng: np.random.Generator) -> int:
    r"""Draw one token id from :math:`\mathrm{softmax}(\text{logits} / T)`.

    A temperature :math:`T < 1` sharpens the distribution (safe, repetitive text), :math:`T > 1`
    flattens it (varied, stranger text); as :math:`T \to 0` it becomes the argmax.

    Parameters
    ----------
    logits : array (V,)
    temperature : float > 0
    rng : numpy.random.Generator
    """
    logits = as_real_array(logits, "logits")
    if logits.ndim != 1 or logits.size == 0:
        raise ValueError(
            f"Expected `logits` with 1 dim (V,). Received: logits.shape={logits.shape}"
        )
    temperature = check_positive(temperature, "temperature")
    check_rng(rng)
    z = logits.astype(np.float64) / temperature  # (V,)
    z -= z.max()  # the largest is 0: exp cannot overflow
    probs = np.exp(z)
    probs /= probs.sum()
    return int(rng.choice(len(probs), p=probs))


def make_recall_task(num_samples: int, seq_len: int, rng: np.random.Generator, noise: float = 1.0):
    """A task that needs a long memory: remember the first input of a sequence until its end.

    The first step of every sequence is +1 or -1 (the class, 1 or 0); every later step is noise
    drawn from N(0, ``noise``^2). Only after reading all ``seq_len`` steps does the model answer
    which sign the first step had, so the information must survive ``seq_len - 1`` steps of
    noise. In notebook 06 (200 steps, 16 units) a plain RNN stays at chance, while an LSTM
    learns it once its forget gate starts nearly open (forget bias 6 instead of Keras's 1).

    Returns
    -------
    X : float32 array (N, T, 1)
    y : int64 array (N,), 1 where the first step was +1
    """
    num_samples = check_positive_int(num_samples, "num_samples")
    seq_len = check_positive_int(seq_len, "seq_len")
    noise = check_positive(noise, "noise")
    check_rng(rng)
    y = rng.integers(0, 2, size=num_samples)  # (N,) classes 0/1
    X = rng.normal(0.0, noise, size=(num_samples, seq_len, 1))  # (N, T, 1) noise
    X[:, 0, 0] = 2.0 * y - 1.0  # the first step: -1 or +1
    return X.astype(np.float32), y.astype(np.int64)
