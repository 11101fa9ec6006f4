"""Tests of seminar_lib.exercises.s07_generative and of its notebook 07_generative.ipynb."""

import numpy as np
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s07_generative import (
    check_discriminator_loss,
    check_gaussian_kl,
    check_q_sample,
    check_reparameterize,
    check_reverse_step,
)


def good_kl(mu1, sigma1, mu2, sigma2):
    return np.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2) - 0.5


def test_check_gaussian_kl():
    assert check_gaussian_kl(good_kl).passed
    swapped = check_gaussian_kl(lambda m1, s1, m2, s2: good_kl(m2, s2, m1, s1))
    assert not swapped.passed and "逆です" in swapped.message
    no_half = check_gaussian_kl(lambda m1, s1, m2, s2: good_kl(m1, s1, m2, s2) + 0.5)
    assert not no_half.passed and "-1/2" in no_half.message
    variances = check_gaussian_kl(lambda m1, s1, m2, s2: good_kl(m1, s1**0.5, m2, s2**0.5))
    assert not variances.passed and "標準偏差" in variances.message
    half_variance = check_gaussian_kl(
        lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1 + (m1 - m2) ** 2) / (2 * s2) - 0.5
    )  # sigma used as the variance in the second term only
    assert not half_variance.passed and "標準偏差" in half_variance.message
    assert not check_gaussian_kl(lambda m1, s1, m2, s2: 0.0).passed


def good_reparameterize(mu, log_var, rng):
    return mu + np.exp(0.5 * log_var) * rng.standard_normal(mu.shape)


def test_check_reparameterize():
    assert check_reparameterize(good_reparameterize).passed
    with_normal = check_reparameterize(
        lambda mu, lv, rng: rng.normal(mu, np.exp(0.5 * lv))
    )  # the same thing, written with rng.normal
    assert with_normal.passed
    variance = check_reparameterize(
        lambda mu, lv, rng: mu + np.exp(lv) * rng.standard_normal(mu.shape)
    )
    assert not variance.passed and "標準偏差" in variance.message
    global_rng = check_reparameterize(
        lambda mu, lv, rng: mu + np.exp(0.5 * lv) * np.random.standard_normal(mu.shape)
    )
    assert not global_rng.passed and "rng" in global_rng.message
    no_mean = check_reparameterize(
        lambda mu, lv, rng: np.exp(0.5 * lv) * rng.standard_normal(mu.shape)
    )
    assert not no_mean.passed and "平均" in no_mean.message


def good_d_loss(d_real, d_fake):
    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))


def test_check_discriminator_loss():
    assert check_discriminator_loss(good_d_loss).passed
    flipped = check_discriminator_loss(lambda r, f: -good_d_loss(r, f))
    assert not flipped.passed and "符号" in flipped.message
    summed = check_discriminator_loss(lambda r, f: -np.log(r).sum() - np.log(1 - f).sum())
    assert not summed.passed and "平均" in summed.message
    labels = check_discriminator_loss(lambda r, f: good_d_loss(f, r))
    assert not labels.passed and "ラベル" in labels.message


def good_q_sample(x0, t, noise, alpha_bars):
    a_bar = alpha_bars[t - 1]
    return np.sqrt(a_bar) * x0 + np.sqrt(1 - a_bar) * noise


def test_check_q_sample():
    assert check_q_sample(good_q_sample).passed
    off_by_one = check_q_sample(
        lambda x0, t, n, ab: np.sqrt(ab[t]) * x0 + np.sqrt(1 - ab[t]) * n if t < len(ab) else x0
    )
    assert not off_by_one.passed and "alpha_bars[t - 1]" in off_by_one.message
    no_sqrt = check_q_sample(lambda x0, t, n, ab: ab[t - 1] * x0 + (1 - ab[t - 1]) * n)
    assert not no_sqrt.passed and "平方根" in no_sqrt.message
    wrong_shape = check_q_sample(lambda x0, t, n, ab: x0[0])
    assert not wrong_shape.passed and "形" in wrong_shape.message


def good_reverse_step(x_t, t, eps_hat, z, betas, alpha_bars):
    beta, a_bar = betas[t - 1], alpha_bars[t - 1]
    mean = (x_t - beta / np.sqrt(1 - a_bar) * eps_hat) / np.sqrt(1 - beta)
    return mean + np.sqrt(beta) * z if t > 1 else mean


def test_check_reverse_step():
    assert check_reverse_step(good_reverse_step).passed

    def always_noise(x_t, t, eps_hat, z, betas, alpha_bars):
        mean = good_reverse_step(x_t, t, eps_hat, z, betas, alpha_bars)
        return mean + np.sqrt(betas[0]) * z if t == 1 else mean

    last = check_reverse_step(always_noise)
    assert not last.passed and "t = 1" in last.message
    no_noise = check_reverse_step(
        lambda x, t, e, z, b, ab: good_reverse_step(x, t, e, 0 * z, b, ab)
    )
    assert not no_noise.passed and "足し忘れ" in no_noise.message
    off_by_one = check_reverse_step(
        lambda x, t, e, z, b, ab: good_reverse_step(x, min(t + 1, 200), e, z, b, ab)
    )
    assert not off_by_one.passed and "t - 1 番目" in off_by_one.message


def test_checkers_reject_the_library_and_unimplemented_answers():
    from seminar_lib.generative import gaussian_kl

    def uses_library(mu1, sigma1, mu2, sigma2):
        return gaussian_kl(mu1, sigma1, mu2, sigma2)

    assert "gaussian_kl" in check_gaussian_kl(uses_library).message

    def stub(*args):
        raise NotImplementedError

    for checker in (
        check_gaussian_kl,
        check_reparameterize,
        check_discriminator_loss,
        check_q_sample,
    ):
        feedback = checker(stub)
        assert not feedback.passed and feedback.message.startswith("まだ実装されていません")


def test_notebook_07_passes_every_checker():
    assert len(checker_cells("07_generative.ipynb")) >= 5
    assert_every_checker_passes("07_generative.ipynb")
