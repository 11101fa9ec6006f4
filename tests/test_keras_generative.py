"""The Keras generative models of session 7: shapes, the losses against the NumPy formulas, the
from-scratch autoencoder against the Keras one, training steps and reproducibility."""

import numpy as np
import pytest

from seminar_lib import setup_notebook
from seminar_lib.generative import (
    NoiseSchedule,
    discriminator_loss,
    generator_loss,
    kl_to_standard_normal,
)
from seminar_lib.layers import Affine, MeanSquaredError, ReLU, Sigmoid
from seminar_lib.models import Sequential
from seminar_lib.optimizers import Adam

setup_notebook(0)  # the TensorFlow environment and seeds, before TensorFlow is imported
import keras  # noqa: E402

from seminar_lib import keras_generative as KG  # noqa: E402
from seminar_lib.keras_models import copy_dense_weights  # noqa: E402


def images(n=64, seed=0):
    """Random "digit-like" images (n, 28, 28, 1) in [0, 1]: a bright square on a dark ground."""
    r = np.random.default_rng(seed)
    x = np.zeros((n, 28, 28, 1), dtype=np.float32)
    for i, (top, left) in enumerate(r.integers(4, 16, size=(n, 2))):
        x[i, top : top + 8, left : left + 8] = 1.0
    return x


def test_mnist_classifier_is_the_session_3_cnn():
    model = KG.build_mnist_classifier()
    assert model.output_shape == (None, 10)
    # conv 5*5*16 + BN 4*16 + conv 5*5*16*32 + BN 4*32 + dense 512*128+128 + dense 128*10+10
    assert model.count_params() == 400 + 64 + 12_800 + 128 + 65_664 + 1_290
    assert [type(layer).__name__ for layer in model.layers][:5] == [
        "Conv2D",
        "BatchNormalization",
        "ReLU",
        "MaxPooling2D",
        "Conv2D",
    ]


def test_half_squared_error_is_the_seminars_squared_error():
    r = np.random.default_rng(1)
    t, o = r.random((5, 7)).astype(np.float32), r.random((5, 7)).astype(np.float32)
    per_sample = np.asarray(KG.half_squared_error(t, o))  # (5,)
    np.testing.assert_allclose(per_sample, 0.5 * ((t - o) ** 2).sum(axis=1), rtol=1e-6)
    assert per_sample.mean() == pytest.approx(MeanSquaredError().forward(o, t), rel=1e-6)


def test_dense_autoencoder_shapes():
    encoder, decoder, autoencoder = KG.build_dense_autoencoder(num_hiddens=16, latent_dim=3)
    x = images(4).reshape(4, 784)
    z = encoder(x)
    assert z.shape == (4, 3) and decoder(z).shape == (4, 784)
    out = np.asarray(autoencoder(x))
    assert out.min() > 0 and out.max() < 1  # sigmoid pixels
    np.testing.assert_allclose(out, np.asarray(decoder(encoder(x))), rtol=1e-6)
    with pytest.raises(ValueError, match=r"Expected `latent_dim` >= 1. Received: latent_dim=0"):
        KG.build_dense_autoencoder(latent_dim=0)


def test_from_scratch_autoencoder_trains_like_the_keras_one():
    """Same weights, same batches, Adam on both: the losses of 20 steps agree."""
    keras.utils.set_random_seed(0)
    _, _, keras_ae = KG.build_dense_autoencoder(num_hiddens=32, latent_dim=2)
    keras_ae.compile(optimizer=keras.optimizers.Adam(1e-3), loss=KG.half_squared_error)
    r = np.random.default_rng(0)
    layers = [Affine(784, 32, r), ReLU(), Affine(32, 2, r), Affine(2, 32, r), ReLU()]
    model = Sequential([*layers, Affine(32, 784, r), Sigmoid()])
    copy_dense_weights(keras_ae, model)
    loss, optimizer = MeanSquaredError(), Adam(lr=1e-3)
    x = images(160).reshape(160, 784)
    for step in range(20):
        batch = x[(step * 8) % 160 : (step * 8) % 160 + 8]
        ours = loss.forward(model.forward(batch, training=True), batch)
        model.backward(loss.backward(), input_grad=False)
        optimizer.update(model.params, model.grads)
        theirs = float(keras_ae.train_on_batch(batch, batch))
        assert ours == pytest.approx(theirs, rel=1e-4), f"step {step}"


def test_vae_terms_match_the_numpy_formulas():
    keras.utils.set_random_seed(0)
    vae = KG.build_vae(num_hiddens=16, latent_dim=2, seed=0)
    x = images(8).reshape(8, 784)
    mu, log_var = (np.asarray(v) for v in vae.encoder(x))
    assert mu.shape == (8, 2) and log_var.shape == (8, 2)
    reconstruction, kl = (float(v) for v in vae.compute_terms(x))
    assert kl == pytest.approx(kl_to_standard_normal(mu, log_var).mean(), rel=1e-5)
    assert 0 < reconstruction < 784 * 2  # per image, summed over 784 pixels
    np.testing.assert_allclose(vae.encode(x), mu, rtol=1e-6)
    assert vae.decode(np.zeros((3, 2))).shape == (3, 784)


def test_vae_reconstruction_is_the_bernoulli_log_likelihood():
    """With log_var -> -inf the sample is mu; the term is then BCE summed over pixels."""
    keras.utils.set_random_seed(0)
    vae = KG.build_vae(num_hiddens=16, latent_dim=2)
    x = images(4).reshape(4, 784)
    log_var_layer = vae.encoder.get_layer("log_var")
    kernel, bias = log_var_layer.get_weights()
    log_var_layer.set_weights([np.zeros_like(kernel), np.full_like(bias, -60.0)])
    mu, _ = vae.encoder(x)
    p = np.clip(np.asarray(vae.decoder(mu)), 1e-7, 1 - 1e-7)  # (4, 784)
    expected = -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1).mean()
    reconstruction, _ = vae.compute_terms(x)
    assert float(reconstruction) == pytest.approx(expected, rel=1e-4)


def test_vae_trains_and_is_reproducible():
    x = images(256).reshape(256, 784)

    def run():
        keras.utils.set_random_seed(0)
        vae = KG.build_vae(num_hiddens=32, latent_dim=2, seed=0)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        return vae.fit(x, batch_size=64, epochs=3, verbose=0).history

    first, second = run(), run()
    assert set(first) == {"loss", "reconstruction", "kl"}
    assert first["loss"][-1] < first["loss"][0]
    for key in first:  # the same seeds give the same run (to float32 rounding: TensorFlow
        # may order a metric's additions differently when the CPU is busy)
        np.testing.assert_allclose(first[key], second[key], rtol=1e-6)
    total = np.array(first["reconstruction"]) + np.array(first["kl"])
    np.testing.assert_allclose(first["loss"], total, rtol=1e-5)


def test_gan_losses_match_the_numpy_formulas():
    r = np.random.default_rng(2)
    real_logits, fake_logits = r.standard_normal((6, 1)), r.standard_normal((6, 1))
    sig = 1 / (1 + np.exp(-np.concatenate([real_logits, fake_logits])))
    d_real, d_fake = sig[:6], sig[6:]
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    keras_d = float(bce(np.ones((6, 1)), real_logits) + bce(np.zeros((6, 1)), fake_logits))
    assert discriminator_loss(d_real, d_fake) == pytest.approx(keras_d, rel=1e-5)
    assert generator_loss(d_fake) == pytest.approx(float(bce(np.ones((6, 1)), fake_logits)), 1e-5)
    assert generator_loss(d_fake, non_saturating=False) == pytest.approx(np.log(1 - d_fake).mean())
    # a discriminator that cannot tell (D = 1/2 everywhere) has loss 2 log 2
    assert discriminator_loss(np.full(4, 0.5), np.full(4, 0.5)) == pytest.approx(2 * np.log(2))
    with pytest.raises(ValueError, match=r"Expected probabilities 0 <= d_fake <= 1"):
        generator_loss(np.array([1.5]))


def test_gan_shapes_and_one_epoch():
    keras.utils.set_random_seed(0)
    generator, discriminator = (
        KG.build_dcgan_generator(latent_dim=8),
        KG.build_dcgan_discriminator(),
    )
    z = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    fake = np.asarray(generator(z))
    assert fake.shape == (5, 28, 28, 1) and fake.min() >= -1 and fake.max() <= 1
    assert discriminator(fake).shape == (5, 1)
    gan = KG.GAN(generator, discriminator, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4), g_optimizer=keras.optimizers.Adam(2e-4))
    weights_before = [w.copy() for w in generator.get_weights()]
    history = gan.fit(images(64) * 2 - 1, batch_size=32, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"}
    assert 0.5 < history["d_loss"][0] < 3.0  # near 2 log 2 = 1.39 at the start
    after = generator.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(weights_before, after, strict=True))
    np.testing.assert_allclose(gan.generate(z), np.asarray(generator(z, training=False)))


def test_denoiser_and_diffusion_training_and_sampling():
    keras.utils.set_random_seed(0)
    schedule = NoiseSchedule(num_steps=10)
    denoiser = KG.build_denoiser(num_steps=10, num_hiddens=16)
    x = images(64).reshape(64, 784) * 2 - 1
    out = denoiser([x[:4], np.array([1, 3, 5, 10], dtype="int32")])
    assert out.shape == (4, 784)
    model = KG.Diffusion(denoiser, schedule, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    history = model.fit(x, batch_size=32, epochs=2, verbose=0).history
    assert list(history) == ["loss"] and 0.01 < history["loss"][0] < 5
    final, kept = model.sample(3, np.random.default_rng(0), keep_every=5)
    assert final.shape == (3, 784) and final.dtype == np.float32
    assert sorted(kept) == [0, 5, 10]
    np.testing.assert_array_equal(kept[0], final)
    again = model.sample(3, np.random.default_rng(0))
    np.testing.assert_array_equal(again, final)  # the same rng gives the same images
    with pytest.raises(TypeError, match="Expected a NoiseSchedule. Received: int"):
        KG.Diffusion(denoiser, 10)


def test_denoiser_passes_the_noisy_image_on():
    """At the start (s_t = 1) the estimate is x_t plus the dense layers' correction: for pure
    noise (large t) the network only has to learn a small correction."""
    keras.utils.set_random_seed(0)
    denoiser = KG.build_denoiser(num_steps=5, num_hiddens=8)
    x = np.random.default_rng(1).standard_normal((6, 784)).astype(np.float32)
    out = np.asarray(denoiser([x, np.full(6, 5, dtype="int32")]))
    correlation = np.corrcoef(out.ravel(), x.ravel())[0, 1]
    assert correlation > 0.9
