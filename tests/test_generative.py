"""The NumPy mathematics of session 7: KL divergences, the reparameterisation trick, the noise
schedule of a diffusion model and the classifier-based quality of generated images."""

import numpy as np
import pytest

from seminar_lib.generative import (
    NoiseSchedule,
    class_coverage,
    confident_share,
    gaussian_kl,
    kl_to_standard_normal,
    reparameterize,
)


def normal_logpdf(x, mu, sigma):
    return -0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)


@pytest.mark.parametrize(
    ("mu1", "sigma1", "mu2", "sigma2"), [(0.0, 1.0, 0.0, 1.0), (1.0, 0.5, -0.5, 2.0), (3, 2, 0, 1)]
)
def test_gaussian_kl_matches_a_monte_carlo_estimate(mu1, sigma1, mu2, sigma2):
    x = np.random.default_rng(0).normal(mu1, sigma1, size=400_000)  # samples of the first
    estimate = np.mean(normal_logpdf(x, mu1, sigma1) - normal_logpdf(x, mu2, sigma2))
    kl = gaussian_kl(mu1, sigma1, mu2, sigma2)
    assert isinstance(kl, float)
    assert kl == pytest.approx(estimate, abs=0.01)


def test_gaussian_kl_known_values_and_broadcasting():
    assert gaussian_kl(0.0, 1.0, 0.0, 1.0) == 0.0
    assert gaussian_kl(1.0, 1.0, 0.0, 1.0) == pytest.approx(0.5)  # (mu1 - mu2)^2 / 2
    assert gaussian_kl(0.0, 2.0, 0.0, 1.0) == pytest.approx(np.log(0.5) + 2 - 0.5)
    kl = gaussian_kl(np.array([0.0, 1.0]), 1.0, 0.0, 1.0)
    np.testing.assert_allclose(kl, [0.0, 0.5])
    # not symmetric
    assert gaussian_kl(0.0, 1.0, 0.0, 2.0) != pytest.approx(gaussian_kl(0.0, 2.0, 0.0, 1.0))


def test_gaussian_kl_rejects_a_non_positive_sigma():
    with pytest.raises(ValueError, match=r"Expected `sigma2` > 0. Received: min sigma2=0.0"):
        gaussian_kl(0.0, 1.0, 0.0, 0.0)
    with pytest.raises(TypeError, match="Expected `mu1` to be an array of real numbers"):
        gaussian_kl("a", 1.0, 0.0, 1.0)


def test_kl_to_standard_normal_sums_the_one_dimensional_kls():
    r = np.random.default_rng(1)
    mu, log_var = r.standard_normal((5, 3)), r.standard_normal((5, 3))
    expected = gaussian_kl(mu, np.exp(0.5 * log_var), 0.0, 1.0).sum(axis=1)  # (5,)
    np.testing.assert_allclose(kl_to_standard_normal(mu, log_var), expected, rtol=1e-12)
    assert kl_to_standard_normal(np.zeros((2, 4)), np.zeros((2, 4))).tolist() == [0.0, 0.0]


def test_kl_to_standard_normal_checks_shapes():
    with pytest.raises(ValueError, match=r"Expected `mu` with 2 dims \(N, J\). Received: mu.shape"):
        kl_to_standard_normal(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"Expected `log_var` with the shape of `mu` \(2, 3\)"):
        kl_to_standard_normal(np.zeros((2, 3)), np.zeros((2, 2)))


def test_reparameterize_has_the_encoders_mean_and_variance():
    mu = np.array([[1.0, -2.0, 0.0]], dtype=np.float32).repeat(200_000, axis=0)  # (N, 3)
    log_var = np.log(np.array([[0.25, 4.0, 1.0]], dtype=np.float32)).repeat(200_000, axis=0)
    z = reparameterize(mu, log_var, np.random.default_rng(0))
    assert z.shape == mu.shape and z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0, 0.0], atol=0.02)
    np.testing.assert_allclose(z.var(axis=0), [0.25, 4.0, 1.0], rtol=0.02)


def test_reparameterize_is_reproducible_and_moves_with_mu():
    mu, log_var = np.zeros((4, 2)), np.zeros((4, 2))
    a = reparameterize(mu, log_var, np.random.default_rng(3))
    b = reparameterize(mu + 5.0, log_var, np.random.default_rng(3))
    np.testing.assert_allclose(b - a, 5.0)  # the same eps: z depends on mu smoothly
    with pytest.raises(TypeError, match="Expected `rng` to be a numpy.random.Generator"):
        reparameterize(mu, log_var, 0)


def test_noise_schedule_values():
    s = NoiseSchedule(num_steps=5, beta_start=0.1, beta_end=0.5)
    np.testing.assert_allclose(s.betas, [0.1, 0.2, 0.3, 0.4, 0.5])
    np.testing.assert_allclose(s.alpha_bars, np.cumprod([0.9, 0.8, 0.7, 0.6, 0.5]))
    assert repr(s) == "NoiseSchedule(num_steps=5, beta_start=0.1, beta_end=0.5)"
    default = NoiseSchedule()
    assert default.num_steps == 200 and default.alpha_bars[-1] < 1e-4  # x_T is noise


def test_closed_form_matches_noising_step_by_step():
    """Many images noised t steps one by one have the mean and variance of q(x_t | x_0)."""
    s = NoiseSchedule(num_steps=50, beta_start=1e-3, beta_end=0.05)
    x0 = np.tile(np.array([[-1.0, 0.0, 0.5, 1.0]]), (100_000, 1))  # (N, 4): 4 pixel values
    for t in (1, 10, 50):
        stepped = s.noise_step_by_step(x0, t, np.random.default_rng(t))
        a_bar = s.alpha_bars[t - 1]
        np.testing.assert_allclose(stepped.mean(axis=0), np.sqrt(a_bar) * x0[0], atol=0.01)
        np.testing.assert_allclose(stepped.var(axis=0), 1 - a_bar, rtol=0.03, atol=1e-4)
    # one step with the same noise is exactly the closed form at t = 1
    eps = np.random.default_rng(9).standard_normal(x0[:3].shape)
    one = np.sqrt(1 - s.betas[0]) * x0[:3] + np.sqrt(s.betas[0]) * eps
    np.testing.assert_allclose(s.q_sample(x0[:3], 1, eps), one, rtol=1e-12)


def test_q_sample_per_image_steps_and_dtype():
    s = NoiseSchedule(num_steps=10)
    x0 = np.ones((3, 2, 2), dtype=np.float32)
    noise = np.zeros_like(x0)
    x_t = s.q_sample(x0, np.array([1, 5, 10]), noise)
    assert x_t.dtype == np.float32 and x_t.shape == (3, 2, 2)
    np.testing.assert_allclose(x_t[:, 0, 0], np.sqrt(s.alpha_bars[[0, 4, 9]]), rtol=1e-6)


@pytest.mark.parametrize(
    ("t", "error", "message"),
    [
        (0, ValueError, r"Expected time steps 1 <= t <= 10. Received: min=0, max=0"),
        (np.array([1, 11, 2]), ValueError, r"Received: min=1, max=11"),
        (1.5, TypeError, r"Expected integer time steps `t`"),
        (np.array([1, 2]), ValueError, r"Expected one time step per image \(3\). Received: 2"),
    ],
)
def test_q_sample_rejects_bad_steps(t, error, message):
    s = NoiseSchedule(num_steps=10)
    with pytest.raises(error, match=message):
        s.q_sample(np.zeros((3, 4)), t, np.zeros((3, 4)))


def test_noise_schedule_rejects_bad_betas():
    with pytest.raises(ValueError, match=r"Expected 0 < beta_start <= beta_end < 1"):
        NoiseSchedule(10, beta_start=0.2, beta_end=0.1)
    with pytest.raises(ValueError, match=r"Expected `beta_end` > 0"):
        NoiseSchedule(10, beta_start=0.1, beta_end=-1.0)
    with pytest.raises(TypeError, match=r"Expected `num_steps` to be an int"):
        NoiseSchedule(10.0)


def test_reverse_step_with_the_true_noise_recovers_the_mean_of_the_posterior():
    """Given the true noise, one reverse step from x_t gives the DDPM posterior mean of x_{t-1}:
    sqrt(a_bar_{t-1}) beta_t / (1 - a_bar_t) x0
    + sqrt(alpha_t) (1 - a_bar_{t-1}) / (1 - a_bar_t) x_t."""
    s = NoiseSchedule(num_steps=20, beta_start=1e-3, beta_end=0.1)
    r = np.random.default_rng(4)
    x0, eps = r.standard_normal((6, 5)), r.standard_normal((6, 5))
    for t in (2, 7, 20):
        x_t = s.q_sample(x0, t, eps)
        b, a, ab, ab_prev = (
            s.betas[t - 1],
            s.alphas[t - 1],
            s.alpha_bars[t - 1],
            s.alpha_bars[t - 2],
        )
        posterior_mean = (
            np.sqrt(ab_prev) * b / (1 - ab) * x0 + np.sqrt(a) * (1 - ab_prev) / (1 - ab) * x_t
        )
        out = s.reverse_step(x_t, t, eps, np.zeros_like(x_t))
        np.testing.assert_allclose(out, posterior_mean, rtol=1e-10, atol=1e-12)
    # at t = 1 no noise is added, and the true noise gives x_0 back exactly
    x_1 = s.q_sample(x0, 1, eps)
    np.testing.assert_allclose(s.reverse_step(x_1, 1, eps, r.standard_normal((6, 5))), x0)


def test_reverse_step_adds_sqrt_beta_noise():
    s = NoiseSchedule(num_steps=10)
    x = np.zeros((2, 3))
    out = s.reverse_step(x, 5, np.zeros_like(x), np.ones_like(x))
    np.testing.assert_allclose(out, np.sqrt(s.betas[4]))
    with pytest.raises(ValueError, match=r"Expected `predicted_noise` and `noise` with the shape"):
        s.reverse_step(x, 5, np.zeros((2, 2)), np.ones_like(x))


def test_confident_share_and_class_coverage():
    probs = np.array(
        [[0.95, 0.05, 0.0], [0.5, 0.5, 0.0], [0.0, 0.05, 0.95], [0.0, 0.91, 0.09]]
    )  # (4, 3)
    assert confident_share(probs) == 0.75
    assert confident_share(probs, threshold=0.92) == 0.5
    cover = class_coverage(probs)
    assert cover["counts"].tolist() == [2, 1, 1]
    expected = -(0.5 * np.log(0.5) + 2 * 0.25 * np.log(0.25)) / np.log(3)
    assert cover["evenness"] == pytest.approx(expected)
    assert cover["missing"] == []
    one_class = class_coverage(np.eye(10)[np.zeros(50, dtype=int)])  # all images one class
    assert one_class["evenness"] == 0.0 and one_class["missing"] == list(range(1, 10))
    assert class_coverage(np.eye(10)[np.arange(50) % 10])["evenness"] == pytest.approx(1.0)


def test_quality_functions_reject_logits_and_bad_thresholds():
    with pytest.raises(ValueError, match="apply softmax to the classifier's logits first"):
        confident_share(np.array([[2.0, -1.0]]))
    with pytest.raises(ValueError, match=r"Expected `probs` with 2 dims \(N, K\)"):
        class_coverage(np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"Expected `threshold` < 1. Received: threshold=1.0"):
        confident_share(np.array([[0.5, 0.5]]), threshold=1.0)
