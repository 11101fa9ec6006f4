r"""The mathematics of session 7 (generative models) in plain NumPy.

- VAE: the KL divergence of Gaussians and the reparameterisation trick
  :math:`z = \mu + \sigma \varepsilon`.
- Diffusion (DDPM, Ho et al. 2020): the noise schedule :math:`\beta_t`, the closed form
  :math:`q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\,x_0,\ (1 - \bar\alpha_t) I)`,
  noising step by step, and one reverse (sampling) step.
- How good generated digits are, judged by a classifier: the share it classifies with confidence,
  and how evenly the classes are covered.

The Keras models that use these formulas are in ``seminar_lib.keras_generative``.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import (
    as_real_array,
    check_ndim,
    check_positive,
    check_positive_int,
    check_rng,
)

__all__ = [
    "NoiseSchedule",
    "class_coverage",
    "confident_share",
    "discriminator_loss",
    "gaussian_kl",
    "generator_loss",
    "kl_to_standard_normal",
    "reparameterize",
]


def gaussian_kl(mu1, sigma1, mu2, sigma2):
    r"""KL divergence of two 1-D Gaussians, elementwise:
    :math:`D_{KL}(\mathcal{N}(\mu_1, \sigma_1^2) \,\|\, \mathcal{N}(\mu_2, \sigma_2^2))` =

    .. math:: \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2}
              - \frac{1}{2}

    Parameters
    ----------
    mu1, sigma1, mu2, sigma2 : float or array_like (broadcast together)
        Means and standard deviations (``sigma`` > 0).

    Returns
    -------
    float or ndarray
        >= 0, and 0 exactly when the two Gaussians are the same.
    """
    mu1, mu2 = as_real_array(mu1, "mu1"), as_real_array(mu2, "mu2")
    sigma1, sigma2 = as_real_array(sigma1, "sigma1"), as_real_array(sigma2, "sigma2")
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if np.any(sigma <= 0):
            raise ValueError(f"Expected `{name}` > 0. Received: min {name}={sigma.min()}")
    kl = np.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2) - 0.5
    return kl[()]  # a 0-d result as a plain number


def kl_to_standard_normal(mu, log_var):
    r"""The VAE's KL term: :math:`D_{KL}(\mathcal{N}(\mu, \sigma^2 I) \,\|\, \mathcal{N}(0, I))`
    per sample, summed over the latent dimensions, with :math:`\sigma^2 = e^{\log\sigma^2}`:

    .. math:: \frac{1}{2}\sum_j \left(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\right)

    Parameters
    ----------
    mu, log_var : array (N, J)
        What the encoder outputs for N images: the mean and the log-variance of J latent values.

    Returns
    -------
    ndarray (N,)
    """
    mu, log_var = as_real_array(mu, "mu"), as_real_array(log_var, "log_var")
    check_ndim(mu, 2, "mu", "(N, J)")
    if log_var.shape != mu.shape:
        raise ValueError(
            f"Expected `log_var` with the shape of `mu` {mu.shape}. "
            f"Received: log_var.shape={log_var.shape}"
        )
    return 0.5 * np.sum(mu**2 + np.exp(log_var) - 1.0 - log_var, axis=1)  # (N, J) -> (N,)


def reparameterize(mu, log_var, rng: np.random.Generator):
    r"""A sample :math:`z = \mu + \sigma \odot \varepsilon` with
    :math:`\varepsilon \sim \mathcal{N}(0, I)` and :math:`\sigma = e^{\frac{1}{2}\log\sigma^2}`:
    the randomness is an input, so gradients flow through :math:`\mu` and :math:`\sigma`.

    Parameters
    ----------
    mu, log_var : array (N, J)
    rng : numpy.random.Generator
        Draws :math:`\varepsilon`.

    Returns
    -------
    ndarray (N, J), the dtype of ``mu``
    """
    check_rng(rng)
    mu, log_var = as_real_array(mu, "mu"), as_real_array(log_var, "log_var")
    if log_var.shape != mu.shape:
        raise ValueError(
            f"Expected `log_var` with the shape of `mu` {mu.shape}. "
            f"Received: log_var.shape={log_var.shape}"
        )
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)  # ε ~ N(0, I), same shape as mu
    return mu + np.exp(0.5 * log_var) * eps


def _check_probabilities(p, name: str) -> np.ndarray:
    p = as_real_array(p, name)
    if p.size == 0 or np.any((p < 0) | (p > 1)):
        raise ValueError(f"Expected probabilities 0 <= {name} <= 1 (the output of a sigmoid)")
    return np.clip(p, 1e-7, 1 - 1e-7)  # log(0) would be -inf


def discriminator_loss(d_real, d_fake) -> float:
    r"""The GAN discriminator's loss :math:`-\frac{1}{N}\sum \log D(x) - \frac{1}{M}\sum
    \log(1 - D(G(z)))`: binary cross-entropy with label 1 for real images and 0 for generated ones.

    Parameters
    ----------
    d_real : array (N,) or (N, 1)
        D's probabilities "real" for real images.
    d_fake : array (M,) or (M, 1)
        D's probabilities "real" for generated images.
    """
    d_real, d_fake = _check_probabilities(d_real, "d_real"), _check_probabilities(d_fake, "d_fake")
    return float(-np.mean(np.log(d_real)) - np.mean(np.log(1.0 - d_fake)))


def generator_loss(d_fake, non_saturating: bool = True) -> float:
    r"""The GAN generator's loss on D's probabilities for generated images.

    ``non_saturating=True`` (what is trained in practice): :math:`-\frac{1}{M}\sum\log D(G(z))`.
    ``False``: the minimax game's :math:`\frac{1}{M}\sum\log(1 - D(G(z)))`, which is flat while D
    easily spots the fakes (D(G(z)) near 0), so G learns slowly at the start.
    """
    d_fake = _check_probabilities(d_fake, "d_fake")
    if non_saturating:
        return float(-np.mean(np.log(d_fake)))
    return float(np.mean(np.log(1.0 - d_fake)))


class NoiseSchedule:
    r"""The noise schedule of a diffusion model (DDPM): :math:`\beta_1, \dots, \beta_T` rising
    linearly from ``beta_start`` to ``beta_end``. The defaults are DDPM's schedule (1,000 steps,
    1e-4 to 0.02) scaled to 200 steps, which keeps its end point: :math:`\bar\alpha_T \approx
    3 \times 10^{-5}`, so :math:`x_T` is noise.

    Step t adds noise: :math:`x_t = \sqrt{1 - \beta_t}\,x_{t-1} + \sqrt{\beta_t}\,\varepsilon`.
    With :math:`\alpha_t = 1 - \beta_t` and
    :math:`\bar\alpha_t = \alpha_1 \alpha_2 \cdots \alpha_t`, t steps at once have the closed form
    :math:`x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 - \bar\alpha_t}\,\varepsilon`.

    Arrays are indexed by t - 1: ``betas[0]`` is :math:`\beta_1`, ``alpha_bars[t - 1]`` is
    :math:`\bar\alpha_t`. Time steps t are 1..T everywhere else.
    """

    def __init__(self, num_steps: int = 200, beta_start: float = 5e-4, beta_end: float = 0.1):
        self.num_steps = check_positive_int(num_steps, "num_steps")
        beta_start = check_positive(beta_start, "beta_start")
        beta_end = check_positive(beta_end, "beta_end")
        if not beta_start <= beta_end < 1:
            raise ValueError(
                "Expected 0 < beta_start <= beta_end < 1. "
                f"Received: beta_start={beta_start}, beta_end={beta_end}"
            )
        self.betas = np.linspace(beta_start, beta_end, self.num_steps)  # (T,) float64
        self.alphas = 1.0 - self.betas  # (T,)
        self.alpha_bars = np.cumprod(self.alphas)  # (T,): ᾱ_t = α_1 α_2 ... α_t

    def __repr__(self):
        return (
            f"NoiseSchedule(num_steps={self.num_steps}, beta_start={self.betas[0]:g}, "
            f"beta_end={self.betas[-1]:g})"
        )

    def _check_t(self, t) -> np.ndarray:
        t = np.asarray(t)
        if not np.issubdtype(t.dtype, np.integer) or t.size == 0:
            raise TypeError(f"Expected integer time steps `t`. Received: t={t!r}")
        if t.min() < 1 or t.max() > self.num_steps:
            raise ValueError(
                f"Expected time steps 1 <= t <= {self.num_steps}. "
                f"Received: min={t.min()}, max={t.max()}"
            )
        return t

    def _per_sample(self, values: np.ndarray, t: np.ndarray, ndim: int) -> np.ndarray:
        """``values[t - 1]`` shaped to broadcast over samples: t (N,) -> (N, 1, ..., 1)."""
        v = values[t - 1]
        return v.reshape(v.shape + (1,) * (ndim - v.ndim))

    def q_sample(self, x0, t, noise):
        r"""Noisy images
        :math:`x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 - \bar\alpha_t}\,\varepsilon` in one go
        (the closed form of :math:`q(x_t \mid x_0)`).

        Parameters
        ----------
        x0 : array (N, ...), float
            Clean images (the course scales pixels to [-1, 1] for diffusion).
        t : int or int array (N,)
            Time steps 1..T; one int noises every image to the same step.
        noise : array like ``x0``
            :math:`\varepsilon \sim \mathcal{N}(0, I)`.

        Returns
        -------
        ndarray like ``x0``
        """
        x0, noise = as_real_array(x0, "x0"), as_real_array(noise, "noise")
        if noise.shape != x0.shape:
            raise ValueError(
                f"Expected `noise` with the shape of `x0` {x0.shape}. "
                f"Received: noise.shape={noise.shape}"
            )
        t = self._check_t(t)
        if t.ndim == 1 and len(t) != len(x0):
            raise ValueError(f"Expected one time step per image ({len(x0)}). Received: {len(t)}")
        a_bar = self._per_sample(self.alpha_bars, t, x0.ndim)  # (N, 1, ...) or a number
        x_t = np.sqrt(a_bar) * x0 + np.sqrt(1.0 - a_bar) * noise
        return x_t.astype(x0.dtype, copy=False)

    def noise_step_by_step(self, x0, t: int, rng: np.random.Generator):
        r"""Apply the forward steps :math:`x_s = \sqrt{1 - \beta_s}\,x_{s-1} + \sqrt{\beta_s}\,
        \varepsilon_s` for s = 1..t, with fresh noise at each step; return :math:`x_t`.

        The result (float64) has the distribution of :meth:`q_sample`'s (that is what the closed
        form says); the loop is here to show it and to test it.
        """
        check_rng(rng)
        x = as_real_array(x0, "x0")
        t = int(self._check_t(t))
        for s in range(1, t + 1):
            eps = rng.standard_normal(x.shape)  # fresh noise of step s
            x = np.sqrt(self.alphas[s - 1]) * x + np.sqrt(self.betas[s - 1]) * eps
        return x  # float64

    def reverse_step(self, x_t, t: int, predicted_noise, noise):
        r"""One sampling step of DDPM, from :math:`x_t` to :math:`x_{t-1}`:

        .. math:: x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\left(x_t - \frac{\beta_t}
                  {\sqrt{1 - \bar\alpha_t}}\,\hat\varepsilon\right) + \sqrt{\beta_t}\,z

        where :math:`\hat\varepsilon` is the network's estimate of the noise in :math:`x_t` and
        :math:`z \sim \mathcal{N}(0, I)` (no noise is added at the last step, t = 1).

        Parameters
        ----------
        x_t, predicted_noise, noise : arrays of one shape (N, ...)
        t : int
            The current step, T down to 1.
        """
        x_t = as_real_array(x_t, "x_t")
        predicted_noise = as_real_array(predicted_noise, "predicted_noise")
        noise = as_real_array(noise, "noise")
        if predicted_noise.shape != x_t.shape or noise.shape != x_t.shape:
            raise ValueError(
                f"Expected `predicted_noise` and `noise` with the shape of `x_t` {x_t.shape}. "
                f"Received: {predicted_noise.shape} and {noise.shape}"
            )
        t = int(self._check_t(t))
        beta, alpha, a_bar = self.betas[t - 1], self.alphas[t - 1], self.alpha_bars[t - 1]
        mean = (x_t - beta / np.sqrt(1.0 - a_bar) * predicted_noise) / np.sqrt(alpha)
        x_prev = mean + np.sqrt(beta) * noise if t > 1 else mean
        return x_prev.astype(x_t.dtype, copy=False)


def _check_probs(probs) -> np.ndarray:
    probs = as_real_array(probs, "probs")
    check_ndim(probs, 2, "probs", "(N, K)")
    if len(probs) == 0:
        raise ValueError("Expected at least one row in `probs`. Received: probs.shape=(0, K)")
    if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            "Expected class probabilities in `probs` (rows >= 0 summing to 1): apply softmax "
            "to the classifier's logits first"
        )
    return probs


def confident_share(probs, threshold: float = 0.9) -> float:
    """The share of images whose most likely class has probability > ``threshold``.

    A classifier trained on real digits is confident on most real digits; on generated images,
    this share says how many of them look clearly like one digit.

    Parameters
    ----------
    probs : array (N, K)
        Class probabilities (softmax outputs) of a classifier, one row per image.
    threshold : float in (0, 1)
    """
    probs = _check_probs(probs)
    threshold = check_positive(threshold, "threshold")
    if threshold >= 1:
        raise ValueError(f"Expected `threshold` < 1. Received: threshold={threshold}")
    return float((probs.max(axis=1) > threshold).mean())


def class_coverage(probs) -> dict:
    """How evenly the images spread over the K classes, by the classifier's predictions.

    Returns
    -------
    dict
        ``"counts"``: int array (K,), images predicted as each class;
        ``"evenness"``: the entropy of the class shares divided by log K, 1.0 when every class
        has the same share and 0.0 when all images are one class (mode collapse shows here);
        ``"missing"``: the classes never predicted.
    """
    probs = _check_probs(probs)
    N, K = probs.shape
    counts = np.bincount(probs.argmax(axis=1), minlength=K)  # (K,)
    shares = counts / N
    nonzero = shares[shares > 0]
    entropy = 0.0 - np.sum(nonzero * np.log(nonzero))  # 0.0 - ...: never "-0.0"
    return {
        "counts": counts,
        "evenness": float(entropy / np.log(K)),
        "missing": [int(k) for k in np.flatnonzero(counts == 0)],
    }
