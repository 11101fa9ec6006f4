"""Checkers of session 7, generative models (notebook ``07_generative.ipynb``): the KL divergence
of two Gaussians, the reparameterised sample, the discriminator's loss and the closed form of
the noising process q(x_t | x_0)."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import (
    Feedback,
    _as_float_array,
    _call,
    _number,
    _uses_forbidden,
)
from seminar_lib.generative import NoiseSchedule, discriminator_loss, gaussian_kl

__all__ = [
    "check_discriminator_loss",
    "check_gaussian_kl",
    "check_q_sample",
    "check_reparameterize",
    "check_reverse_step",
]


def check_gaussian_kl(kl_fn) -> Feedback:
    """第7回 課題1: ``kl_fn(mu1, sigma1, mu2, sigma2)`` returns the KL divergence
    D_KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) of two 1-D Gaussians (sigma: standard deviations)."""
    forbidden = _uses_forbidden(kl_fn, {"gaussian_kl", "kl_to_standard_normal"}, "KL の式")
    if forbidden is not None:
        return forbidden
    cases = [
        (0.0, 1.0, 0.0, 1.0),
        (1.0, 1.0, 0.0, 1.0),
        (0.0, 2.0, 0.0, 1.0),
        (0.5, 0.3, -1.0, 2.0),
    ]
    for mu1, s1, mu2, s2 in cases:
        out, err = _call(kl_fn, mu1, s1, mu2, s2)
        if err is not None:
            return err
        value = _number(out)
        if value is None:
            return Feedback(False, f"1 つの数を返してください（返り値: {out!r}）。")
        expected = float(gaussian_kl(mu1, s1, mu2, s2))
        if np.isclose(value, expected, atol=1e-9):
            continue
        where = (
            f"mu1={mu1}, sigma1={s1}, mu2={mu2}, sigma2={s2} で {value:.4f}"
            f"（正しくは {expected:.4f}）。"
        )
        if np.isclose(value, float(gaussian_kl(mu2, s2, mu1, s1)), atol=1e-9):
            return Feedback(
                False, where + " 1 つ目と 2 つ目の分布が逆です。KL は対称ではありません。"
            )
        if np.isclose(value, expected + 0.5, atol=1e-9):
            return Feedback(False, where + " 最後の -1/2 を忘れていませんか？")
        as_variance = np.log(s2 / s1) + (s1 + (mu1 - mu2) ** 2) / (2 * s2) - 0.5
        if np.isclose(value, float(gaussian_kl(mu1, s1**0.5, mu2, s2**0.5)), atol=1e-9) or (
            np.isclose(value, as_variance, atol=1e-9)
        ):
            return Feedback(False, where + " sigma は標準偏差です。分散は sigma**2 です。")
        return Feedback(
            False,
            where + " log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2)**2) / (2 * sigma2**2) - 1/2 "
            "を項ごとに確かめましょう。",
        )
    return Feedback(True, "4 組のガウス分布で、KL ダイバージェンスが式と一致しました。")


def check_reparameterize(reparameterize_fn) -> Feedback:
    """第7回 課題2: ``reparameterize_fn(mu, log_var, rng)`` returns z = mu + sigma * eps with
    sigma = exp(log_var / 2) and eps ~ N(0, I) drawn from ``rng``, of the shape of ``mu``."""
    forbidden = _uses_forbidden(reparameterize_fn, {"reparameterize", "sample_z"}, "サンプルの式")
    if forbidden is not None:
        return forbidden
    n = 100_000
    mu = np.tile(np.array([[1.0, -2.0, 0.0]]), (n, 1))  # (N, 3)
    var = np.array([0.25, 4.0, 1.0])
    log_var = np.tile(np.log(var), (n, 1))
    out, err = _call(reparameterize_fn, mu.copy(), log_var.copy(), np.random.default_rng(0))
    if err is not None:
        return err
    z, bad = _as_float_array(out, "z")
    if bad is not None:
        return bad
    if z.shape != mu.shape:
        return Feedback(False, f"z の形は mu と同じ {mu.shape} です（返り値の形: {z.shape}）。")
    mean, got_var = z.mean(axis=0), z.var(axis=0)
    if not np.allclose(mean, mu[0], atol=0.05):
        return Feedback(False, f"z の平均が {np.round(mean, 2)} です（正しくは mu = [1, -2, 0]）。")
    if not np.allclose(got_var, var, rtol=0.05):
        hint = f"z の分散が {np.round(got_var, 2)} です（正しくは [0.25, 4, 1]）。"
        if np.allclose(got_var, var**2, rtol=0.05):
            hint += " eps にかけるのは分散ではなく標準偏差 sigma = exp(log_var / 2) です。"
        return Feedback(False, hint)
    again, err = _call(reparameterize_fn, mu[:5] + 3.0, log_var[:5], np.random.default_rng(1))
    first, _ = _call(reparameterize_fn, mu[:5], log_var[:5], np.random.default_rng(1))
    if err is not None or again is None or first is None:
        return err or Feedback(False, "値が返っていません。return を書き忘れていませんか？")
    if not np.allclose(np.asarray(again) - np.asarray(first), 3.0):
        return Feedback(
            False,
            "同じ rng の種で mu だけを 3 増やすと、z もちょうど 3 増えるはずです。eps は引数の "
            "rng から引いていますか（np.random の関数ではなく rng.standard_normal）？",
        )
    return Feedback(
        True, "z の平均と分散が mu と sigma**2 に一致し、eps は rng から引かれています。"
    )


def check_discriminator_loss(d_loss_fn) -> Feedback:
    """第7回 課題3: ``d_loss_fn(d_real, d_fake)`` returns the discriminator's loss
    -mean(log D(x)) - mean(log(1 - D(G(z)))) from D's probabilities "real" (arrays (N,))."""
    forbidden = _uses_forbidden(d_loss_fn, {"discriminator_loss", "BinaryCrossentropy"}, "損失の式")
    if forbidden is not None:
        return forbidden
    rng = np.random.default_rng(7)
    cases = [
        (np.full(4, 0.5), np.full(4, 0.5), "D が見分けられない (D = 0.5) 例"),
        (np.array([0.9, 0.8, 0.95]), np.array([0.1, 0.3, 0.05]), "D がよく見分けている例"),
        (rng.uniform(0.05, 0.95, 50), rng.uniform(0.05, 0.95, 30), "本物 50 枚と偽物 30 枚の例"),
    ]
    for d_real, d_fake, what in cases:
        out, err = _call(d_loss_fn, d_real.copy(), d_fake.copy())
        if err is not None:
            return err
        value = _number(out)
        if value is None:
            return Feedback(False, f"1 つの数を返してください（{what}で返り値: {out!r}）。")
        expected = discriminator_loss(d_real, d_fake)
        if np.isclose(value, expected, rtol=1e-6):
            continue
        hint = f"{what}で {value:.4f} が返りました（正しくは {expected:.4f}）。"
        if np.isclose(value, -expected, rtol=1e-6):
            hint += " 符号が逆です。損失は -log D(x) - log(1 - D(G(z))) で、0 以上です。"
        elif np.isclose(value, -np.log(d_real).sum() - np.log(1 - d_fake).sum(), rtol=1e-6):
            hint += " 合計ではなく、本物と偽物それぞれの平均をとります。"
        elif np.isclose(value, discriminator_loss(d_fake, d_real), rtol=1e-6):
            hint += " 本物のラベルは 1 (log D)、偽物のラベルは 0 (log(1 - D)) です。"
        return Feedback(False, hint)
    return Feedback(True, "識別器の損失が 3 つの例で一致しました。")


def check_q_sample(q_sample_fn) -> Feedback:
    """第7回 課題4: ``q_sample_fn(x0, t, noise, alpha_bars)`` returns x_t = sqrt(a_bar_t) x0 +
    sqrt(1 - a_bar_t) noise, where ``alpha_bars[t - 1]`` is a_bar_t (t = 1..T, one int)."""
    forbidden = _uses_forbidden(q_sample_fn, {"q_sample", "noise_step_by_step"}, "閉じた式")
    if forbidden is not None:
        return forbidden
    schedule = NoiseSchedule(num_steps=50)
    rng = np.random.default_rng(3)
    x0, noise = rng.uniform(-1, 1, (2, 28, 28)), rng.standard_normal((2, 28, 28))
    for t in (1, 10, 50):
        out, err = _call(q_sample_fn, x0.copy(), t, noise.copy(), schedule.alpha_bars.copy())
        if err is not None:
            return err
        x_t, bad = _as_float_array(out, "x_t")
        if bad is not None:
            return bad
        if x_t.shape != x0.shape:
            return Feedback(False, f"x_t の形は x0 と同じ {x0.shape} です（返り値: {x_t.shape}）。")
        expected = schedule.q_sample(x0, t, noise)
        if np.allclose(x_t, expected, atol=1e-9):
            continue
        hint = f"t = {t} で値が違います。"
        a = schedule.alpha_bars
        if t < 50 and np.allclose(x_t, np.sqrt(a[t]) * x0 + np.sqrt(1 - a[t]) * noise):
            hint += (
                " alpha_bars[t] を使っていませんか？ t は 1 から数えるので alpha_bars[t - 1] です。"
            )
        elif np.allclose(x_t, a[t - 1] * x0 + (1 - a[t - 1]) * noise):
            hint += " 係数は alpha_bar そのものではなく、その平方根です。"
        else:
            hint += " x_t = sqrt(a_bar) * x0 + sqrt(1 - a_bar) * noise を確かめましょう。"
        return Feedback(False, hint)
    return Feedback(True, "t = 1, 10, 50 で、閉じた式の x_t が一致しました。")


def check_reverse_step(reverse_step_fn) -> Feedback:
    """第7回 課題5: ``reverse_step_fn(x_t, t, eps_hat, z, betas, alpha_bars)`` returns x_{t-1} =
    (x_t - beta_t / sqrt(1 - a_bar_t) * eps_hat) / sqrt(alpha_t) + sqrt(beta_t) * z, without the
    noise term at t = 1 (``betas[t - 1]`` is beta_t)."""
    forbidden = _uses_forbidden(reverse_step_fn, {"reverse_step", "sample"}, "生成の 1 段")
    if forbidden is not None:
        return forbidden
    schedule = NoiseSchedule(num_steps=200)
    rng = np.random.default_rng(11)
    for t in (200, 100, 2, 1):
        x_t, eps_hat, z = (rng.standard_normal((3, 784)) for _ in range(3))
        args = (x_t.copy(), t, eps_hat.copy(), z.copy(), schedule.betas.copy())
        out, err = _call(reverse_step_fn, *args, schedule.alpha_bars.copy())
        if err is not None:
            return err
        x_prev, bad = _as_float_array(out, "x_{t-1}")
        if bad is not None:
            return bad
        if x_prev.shape != x_t.shape:
            return Feedback(
                False, f"x_{{t-1}} の形は x_t と同じ {x_t.shape} です（返り値: {x_prev.shape}）。"
            )
        expected = schedule.reverse_step(x_t, t, eps_hat, z)
        if np.allclose(x_prev, expected, atol=1e-9):
            continue
        hint = f"t = {t} で値が違います。"
        noise_term = np.sqrt(schedule.betas[t - 1]) * z
        if t == 1 and np.allclose(x_prev, expected + noise_term, atol=1e-9):
            hint += " 最後の段 (t = 1) では、新しいノイズ z を足しません。"
        elif np.allclose(x_prev, expected - noise_term, atol=1e-9):
            hint += " 新しいノイズ sqrt(beta_t) * z を足し忘れていませんか？"
        else:
            hint += (
                " x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * eps_hat) / sqrt(alpha_t)"
                " + sqrt(beta_t) * z を、t - 1 番目の要素で確かめましょう（alpha_t = 1 - beta_t）。"
            )
        return Feedback(False, hint)
    return Feedback(True, "t = 200, 100, 2, 1 で、生成の 1 段の x_{t-1} が一致しました。")
