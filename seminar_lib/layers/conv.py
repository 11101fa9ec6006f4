r"""Convolution and pooling for batches of images ``(N, C, H, W)`` (channels first), via im2col.

``im2col`` cuts every window that a filter visits out of the images and lays the windows out
as the rows of one matrix, so that a whole convolution becomes one matrix product
(:math:`N \cdot OH \cdot OW` windows times :math:`C \cdot KH \cdot KW` numbers each).
``col2im`` is its adjoint: it adds every window's numbers back to the pixels they came from,
which is exactly what the backward pass of a convolution needs.

Memory layout is an implementation detail: arrays always have the documented *shapes*, but
some are NumPy views whose axes are stored in another order (the matrix returned by
``im2col`` is stored column by column, for instance), which saves copies.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seminar_lib._validation import as_real_array, check_positive_int, check_rng
from seminar_lib.initializers import INITIALIZERS
from seminar_lib.layers.base import Layer

__all__ = [
    "AvgPool2D",
    "Conv2D",
    "Flatten",
    "GlobalAvgPool2D",
    "MaxPool2D",
    "col2im",
    "conv_output_size",
    "im2col",
]


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Expected `{name}` to be an int. Received: {name}={value!r}")
    if value < minimum:
        raise ValueError(f"Expected `{name}` >= {minimum}. Received: {name}={value!r}")
    return int(value)


def conv_output_size(input_size, kernel_size, stride=1, padding=0) -> int:
    r"""Output length of a convolution or pooling along one axis:
    :math:`OH = \lfloor (H + 2P - KH) / S \rfloor + 1`.

    Raises ``ValueError`` when the window does not fit even once into the padded input.
    """
    input_size = _check_int(input_size, "input_size", 1)
    kernel_size = _check_int(kernel_size, "kernel_size", 1)
    stride = _check_int(stride, "stride", 1)
    padding = _check_int(padding, "padding", 0)
    if kernel_size > input_size + 2 * padding:
        raise ValueError(
            f"Expected `kernel_size` <= input_size + 2 * padding = {input_size + 2 * padding}. "
            f"Received: kernel_size={kernel_size} (input_size={input_size}, padding={padding})"
        )
    return (input_size + 2 * padding - kernel_size) // stride + 1


def _check_images(x, name: str = "x") -> np.ndarray:
    x = as_real_array(x, name)
    if x.ndim != 4:
        raise ValueError(
            f"Expected `{name}` with 4 dims (N, C, H, W). Received: {name}.shape={x.shape}"
        )
    return x


def _windows(x: np.ndarray, kernel_h, kernel_w, stride, padding):
    """View (N, C, OH, OW, KH, KW) of every window of the zero-padded ``x`` (no copy)."""
    N, C, H, W = x.shape
    OH = conv_output_size(H, kernel_h, stride, padding)
    OW = conv_output_size(W, kernel_w, stride, padding)
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(x, (kernel_h, kernel_w), axis=(2, 3))  # (N, C, H', W', KH, KW)
    return win[:, :, : stride * (OH - 1) + 1 : stride, : stride * (OW - 1) + 1 : stride], OH, OW


def im2col(x, kernel_h: int, kernel_w: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Every window of ``x`` as one row of a matrix.

    Parameters
    ----------
    x : array (N, C, H, W)
    kernel_h, kernel_w : window size KH, KW
    stride, padding : step between windows; zeros added on every side

    Returns
    -------
    cols : array (N * OH * OW, C * KH * KW)
        Row ``(n * OH + i) * OW + j`` holds the window whose top-left corner is at output
        position (i, j) of image n, ordered channel, then row, then column.
    """
    x = _check_images(x)
    N, C = x.shape[:2]
    win, OH, OW = _windows(x, kernel_h, kernel_w, stride, padding)
    cols_t = np.ascontiguousarray(win.transpose(1, 4, 5, 0, 2, 3))  # (C, KH, KW, N, OH, OW)
    return cols_t.reshape(C * kernel_h * kernel_w, N * OH * OW).T  # (N*OH*OW, C*KH*KW)


def col2im(
    cols, x_shape, kernel_h: int, kernel_w: int, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Add every row of ``cols`` back to the pixels of its window: the adjoint of ``im2col``.

    ``cols`` (N * OH * OW, C * KH * KW) -> array ``x_shape`` (N, C, H, W). A pixel covered by
    several windows receives the sum of their values (so ``col2im(im2col(x))`` is ``x`` times
    the number of windows covering each pixel).
    """
    if len(x_shape) != 4:
        raise ValueError(f"Expected `x_shape` (N, C, H, W). Received: x_shape={tuple(x_shape)}")
    N, C, H, W = (int(v) for v in x_shape)
    OH = conv_output_size(H, kernel_h, stride, padding)
    OW = conv_output_size(W, kernel_w, stride, padding)
    cols = as_real_array(cols, "cols")
    expected = (N * OH * OW, C * kernel_h * kernel_w)
    if cols.shape != expected:
        raise ValueError(
            f"Expected `cols` with shape {expected} for x_shape={tuple(x_shape)}. "
            f"Received: cols.shape={cols.shape}"
        )
    cols6 = cols.T.reshape(C, kernel_h, kernel_w, N, OH, OW)  # (C, KH, KW, N, OH, OW)
    Hp, Wp = H + 2 * padding, W + 2 * padding
    img = np.zeros((C, N, Hp + stride - 1, Wp + stride - 1), dtype=cols.dtype)
    for i in range(kernel_h):  # a loop over the KH * KW offsets of the window, not over pixels
        for j in range(kernel_w):
            rows = slice(i, i + stride * OH, stride)
            columns = slice(j, j + stride * OW, stride)
            img[:, :, rows, columns] += cols6[:, i, j]  # (C, N, OH, OW)
    img = img[:, :, padding : padding + H, padding : padding + W]  # (C, N, H, W)
    return img.transpose(1, 0, 2, 3)  # (N, C, H, W)


def _padding(padding, kernel_h: int, kernel_w: int) -> int:
    if padding == "valid":
        return 0
    if padding == "same":
        if kernel_h != kernel_w or kernel_h % 2 == 0:
            raise ValueError(
                "Expected an odd square kernel for padding='same'. "
                f"Received: kernel_size=({kernel_h}, {kernel_w})"
            )
        return (kernel_h - 1) // 2
    return _check_int(padding, "padding", 0)


def _pair(value, name: str) -> tuple[int, int]:
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"Expected `{name}` as an int or (h, w). Received: {name}={value!r}")
        return _check_int(value[0], name, 1), _check_int(value[1], name, 1)
    value = _check_int(value, name, 1)
    return value, value


class Conv2D(Layer):
    r"""2-D convolution (cross-correlation, as every framework computes it) with bias.

    :math:`Y_{n,f,i,j} = \sum_{c,u,v} W_{f,c,u,v}\, X_{n,c,\,iS+u-P,\,jS+v-P} + b_f`

    Parameters
    ----------
    in_channels, out_channels : C and F
    kernel_size : int or (KH, KW)
    rng : numpy.random.Generator (draws the initial weights)
    stride : int
    padding : int, "valid" (0) or "same" (output as large as the input, odd kernels)
    init : {"he", "glorot", "small"}
    dtype : float32 (training) or float64 (gradient checks)

    ``W`` is (F, C, KH, KW), ``b`` is (F,). Input (N, C, H, W) -> output (N, F, OH, OW).
    """

    can_skip_input_grad = True

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        rng,
        stride=1,
        padding=0,
        init="he",
        dtype=np.float32,
    ):
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.kernel_h, self.kernel_w = _pair(kernel_size, "kernel_size")
        self.stride = _check_int(stride, "stride", 1)
        self.padding = _padding(padding, self.kernel_h, self.kernel_w)
        check_rng(rng)
        if init not in INITIALIZERS:
            raise ValueError(f"Unknown init {init!r}. Expected one of: {', '.join(INITIALIZERS)}.")
        self.init = init
        shape = (self.out_channels, self.in_channels, self.kernel_h, self.kernel_w)
        W = INITIALIZERS[init](shape, rng, dtype)
        self.params = {"W": W, "b": np.zeros(self.out_channels, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(self.params["b"])}
        self.cols = None
        self.x_shape = None
        self.out = None

    def forward(self, x, training=False):
        x = _check_images(x)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"Expected `x` with {self.in_channels} channels (N, {self.in_channels}, H, W). "
                f"Received: x.shape={x.shape}"
            )
        N, _, H, W = x.shape
        OH = conv_output_size(H, self.kernel_h, self.stride, self.padding)
        OW = conv_output_size(W, self.kernel_w, self.stride, self.padding)
        self.x_shape = x.shape
        self.cols = im2col(x, self.kernel_h, self.kernel_w, self.stride, self.padding)
        W_mat = self.params["W"].reshape(self.out_channels, -1)  # (F, C*KH*KW)
        out = W_mat @ self.cols.T  # (F, C*KH*KW) @ (C*KH*KW, N*OH*OW) -> (F, N*OH*OW)
        out += self.params["b"][:, None]
        self.out = out.reshape(self.out_channels, N, OH, OW).transpose(1, 0, 2, 3)  # (N,F,OH,OW)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW and db; return dx (N, C, H, W), or None when ``input_grad`` is False."""
        dout = self._check_dout(dout, self.out)
        F = self.out_channels
        dout_mat = dout.transpose(1, 0, 2, 3).reshape(F, -1)  # (F, N*OH*OW)
        dW = dout_mat @ self.cols  # (F, N*OH*OW) @ (N*OH*OW, C*KH*KW) -> (F, C*KH*KW)
        self.grads["W"] = dW.reshape(self.params["W"].shape)  # (F, C, KH, KW)
        self.grads["b"] = dout_mat.sum(axis=1)  # (F,)
        if not input_grad:
            return None
        W_mat = self.params["W"].reshape(F, -1)  # (F, C*KH*KW)
        dcols = (W_mat.T @ dout_mat).T  # ((C*KH*KW, F) @ (F, N*OH*OW)).T -> (N*OH*OW, C*KH*KW)
        return col2im(dcols, self.x_shape, self.kernel_h, self.kernel_w, self.stride, self.padding)

    def output_shape(self, input_shape):
        if len(input_shape) != 3 or input_shape[0] != self.in_channels:
            raise ValueError(
                f"Expected input shape ({self.in_channels}, H, W). Received: {tuple(input_shape)}"
            )
        _, H, W = input_shape
        return (
            self.out_channels,
            conv_output_size(H, self.kernel_h, self.stride, self.padding),
            conv_output_size(W, self.kernel_w, self.stride, self.padding),
        )

    def __repr__(self):
        return (
            f"Conv2D({self.in_channels} -> {self.out_channels}, {self.kernel_h}x{self.kernel_w}, "
            f"stride={self.stride}, padding={self.padding})"
        )


class _Pool2D(Layer):
    """Shared geometry of the pooling layers (each channel pooled on its own)."""

    def __init__(self, pool_size=2, stride=None, padding=0):
        super().__init__()
        self.pool_h, self.pool_w = _pair(pool_size, "pool_size")
        self.stride = self.pool_h if stride is None else _check_int(stride, "stride", 1)
        self.padding = _check_int(padding, "padding", 0)
        self.x_shape = None
        self.out = None

    def _scatter(self, dwin: np.ndarray) -> np.ndarray:
        """Add the window gradients ``dwin`` (N, C, OH, OW, PH, PW) back to the input pixels."""
        N, C, H, W = self.x_shape
        _, _, OH, OW = dwin.shape[:4]
        s, p = self.stride, self.padding
        dx = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1), dtype=dwin.dtype)
        for i in range(self.pool_h):  # loop over the PH * PW offsets of the window
            for j in range(self.pool_w):
                dx[:, :, i : i + s * OH : s, j : j + s * OW : s] += dwin[..., i, j]
        return dx[:, :, p : p + H, p : p + W]

    def output_shape(self, input_shape):
        C, H, W = input_shape
        return (
            C,
            conv_output_size(H, self.pool_h, self.stride, self.padding),
            conv_output_size(W, self.pool_w, self.stride, self.padding),
        )

    def __repr__(self):
        return f"{type(self).__name__}({self.pool_h}x{self.pool_w}, stride={self.stride})"


class MaxPool2D(_Pool2D):
    """Max pooling: each window's largest value; the gradient goes to that position only
    (the first one in reading order, when several tie). Padding, if any, never wins (-inf).
    """

    def forward(self, x, training=False):
        x = _check_images(x)
        self.x_shape = x.shape
        N, C, H, W = x.shape
        if self.padding:
            p = self.padding
            x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
        win, OH, OW = _windows(x, self.pool_h, self.pool_w, self.stride, 0)
        flat = win.reshape(N, C, OH, OW, self.pool_h * self.pool_w)  # (N, C, OH, OW, PH*PW)
        self.argmax = flat.argmax(axis=-1)  # (N, C, OH, OW): where each maximum sits
        self.out = flat.max(axis=-1)  # (N, C, OH, OW)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        dwin = np.zeros((*dout.shape, self.pool_h * self.pool_w), dtype=dout.dtype)
        np.put_along_axis(dwin, self.argmax[..., None], dout[..., None], axis=-1)  # at the max
        return self._scatter(dwin.reshape(*dout.shape, self.pool_h, self.pool_w))


class AvgPool2D(_Pool2D):
    """Average pooling: each window's mean; the gradient is shared equally by the window
    (zero padding counts in the mean, as in ``count_include_pad``)."""

    def forward(self, x, training=False):
        x = _check_images(x)
        self.x_shape = x.shape
        win, _, _ = _windows(x, self.pool_h, self.pool_w, self.stride, self.padding)
        self.out = win.mean(axis=(-2, -1))  # (N, C, OH, OW)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        share = dout / (self.pool_h * self.pool_w)  # (N, C, OH, OW)
        dwin = np.broadcast_to(share[..., None, None], (*dout.shape, self.pool_h, self.pool_w))
        return self._scatter(dwin)


class GlobalAvgPool2D(Layer):
    """Mean of each channel over the whole image: (N, C, H, W) -> (N, C)."""

    def __init__(self):
        super().__init__()
        self.x_shape = None
        self.out = None

    def forward(self, x, training=False):
        x = _check_images(x)
        self.x_shape = x.shape
        self.out = x.mean(axis=(2, 3))  # (N, C)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        N, C, H, W = self.x_shape
        dx = np.empty(self.x_shape, dtype=dout.dtype)
        dx[...] = (dout / (H * W))[:, :, None, None]  # every pixel shares its channel's gradient
        return dx

    def output_shape(self, input_shape):
        return (input_shape[0],)


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...), in C order (channel, then row, then column)."""

    def __init__(self):
        super().__init__()
        self.x_shape = None
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        if x.ndim < 2:
            raise ValueError(
                f"Expected `x` with a batch axis (N, ...). Received: x.shape={x.shape}"
            )
        self.x_shape = x.shape
        self.out = x.reshape(len(x), -1)  # (N, d1 * d2 * ...)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        return dout.reshape(self.x_shape).copy()

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)
