r"""Keras 3 generative models of session 7: autoencoder, VAE, DCGAN and a small diffusion model.

Each model that trains on something other than ``(input, target)`` pairs is a ``keras.Model``
with its own ``train_step`` (the Keras idiom for new training rules), so ``fit`` still draws the
batches, runs the epochs and records the history. The mathematics (the KL term, the noise
schedule, the sampling step) is written out in NumPy in ``seminar_lib.generative``; the Keras
versions here compute the same formulas with ``keras.ops`` so that gradients flow.

Importing this module imports TensorFlow (quietly, through ``seminar_lib._tfenv``).
"""

from __future__ import annotations

import numpy as np

from seminar_lib._tfenv import import_keras
from seminar_lib._validation import check_positive_int
from seminar_lib.generative import NoiseSchedule

keras = import_keras()
ops = keras.ops
L = keras.layers

__all__ = [
    "GAN",
    "VAE",
    "Diffusion",
    "build_dcgan_discriminator",
    "build_dcgan_generator",
    "build_dense_autoencoder",
    "build_denoiser",
    "build_mnist_classifier",
    "build_vae",
    "half_squared_error",
]


def half_squared_error(y_true, y_pred):
    r"""The seminar's squared error :math:`E_n = \frac{1}{2}\sum_k (T_k - O_k)^2` per sample, as a
    Keras loss (Keras averages it over the batch, as ``layers.MeanSquaredError`` does)."""
    return 0.5 * ops.sum(ops.square(y_true - y_pred), axis=-1)


def build_mnist_classifier(bn_momentum: float = 0.9):
    """The CNN of session 3 (two 5x5 convolutions with batch norm and pooling), logits out.

    Conv 16 -> BN -> ReLU -> pool -> Conv 32 -> BN -> ReLU -> pool -> Dense 128 -> Dense 10.
    Input (N, 28, 28, 1) pixels in [0, 1]; compile it with
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``. ``bn_momentum`` 0.9 (Keras:
    0.99) lets the batch-norm averages used for prediction follow the weights within one epoch.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            L.Conv2D(16, 5, use_bias=False),  # (N, 24, 24, 16)
            L.BatchNormalization(momentum=bn_momentum),
            L.ReLU(),
            L.MaxPooling2D(),  # (N, 12, 12, 16)
            L.Conv2D(32, 5, use_bias=False),  # (N, 8, 8, 32)
            L.BatchNormalization(momentum=bn_momentum),
            L.ReLU(),
            L.MaxPooling2D(),  # (N, 4, 4, 32)
            L.Flatten(),  # (N, 512)
            L.Dense(128, activation="relu"),
            L.Dense(10),  # (N, 10) logits
        ],
        name="mnist_cnn",
    )


def build_dense_autoencoder(input_dim: int = 784, num_hiddens: int = 128, latent_dim: int = 2):
    """A dense autoencoder: encoder ``input_dim -> num_hiddens (ReLU) -> latent_dim`` (linear),
    decoder ``latent_dim -> num_hiddens (ReLU) -> input_dim (sigmoid)``.

    Returns
    -------
    encoder, decoder, autoencoder : keras.Sequential
        ``autoencoder`` is the encoder followed by the decoder (they share their layers); train
        it with the images as both input and target.
    """
    input_dim = check_positive_int(input_dim, "input_dim")
    num_hiddens = check_positive_int(num_hiddens, "num_hiddens")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    encoder = keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),  # (N, 784)
            L.Dense(num_hiddens, activation="relu"),  # (N, 128)
            L.Dense(latent_dim),  # (N, 2): the code z
        ],
        name="encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),  # (N, 2)
            L.Dense(num_hiddens, activation="relu"),  # (N, 128)
            L.Dense(input_dim, activation="sigmoid"),  # (N, 784): pixels in (0, 1)
        ],
        name="decoder",
    )
    autoencoder = keras.Sequential([keras.Input(shape=(input_dim,)), encoder, decoder], name="ae")
    return encoder, decoder, autoencoder


# ----------------------------------------------------------------------------------------- VAE
def build_vae(input_dim: int = 784, num_hiddens: int = 256, latent_dim: int = 2, seed: int = 0):
    """A dense VAE: the encoder outputs the mean and the log-variance of ``latent_dim`` values,
    the decoder maps a latent vector to pixel probabilities. Returns a :class:`VAE`."""
    input_dim = check_positive_int(input_dim, "input_dim")
    num_hiddens = check_positive_int(num_hiddens, "num_hiddens")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    x = keras.Input(shape=(input_dim,))  # (N, 784)
    h = L.Dense(num_hiddens, activation="relu")(x)  # (N, 256)
    mu = L.Dense(latent_dim, name="mu")(h)  # (N, J)
    log_var = L.Dense(latent_dim, name="log_var")(h)  # (N, J)
    encoder = keras.Model(x, [mu, log_var], name="encoder")
    decoder = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),  # (N, J)
            L.Dense(num_hiddens, activation="relu"),  # (N, 256)
            L.Dense(input_dim, activation="sigmoid"),  # (N, 784): Bernoulli probabilities
        ],
        name="decoder",
    )
    return VAE(encoder, decoder, seed=seed)


class VAE(keras.Model):
    r"""A variational autoencoder (Kingma & Welling 2014) trained on the negative ELBO

    .. math:: \underbrace{-\sum_i \left[x_i \log \hat x_i + (1 - x_i)\log(1 - \hat x_i)\right]}
              _{\text{reconstruction}} + \underbrace{D_{KL}(\mathcal{N}(\mu, \sigma^2 I) \,\|\,
              \mathcal{N}(0, I))}_{\text{KL}}

    averaged over the batch, with :math:`\hat x` decoded from :math:`z = \mu + \sigma\varepsilon`.
    ``fit(X)`` takes the images only (pixels in [0, 1]); the history has ``loss``,
    ``reconstruction`` and ``kl``.
    """

    def __init__(self, encoder, decoder, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.latent_dim = decoder.input_shape[-1]
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {
            name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")
        }

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, x, training=False):
        mu, log_var = self.encoder(x, training=training)
        return self.decoder(self.sample_z(mu, log_var), training=training)

    def sample_z(self, mu, log_var):
        """The reparameterisation trick: z = mu + sigma * eps, eps ~ N(0, I)."""
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps

    def compute_terms(self, x, training=False):
        """The two terms of the loss, each averaged over the batch: (reconstruction, kl)."""
        mu, log_var = self.encoder(x, training=training)  # (N, J) each
        x_hat = self.decoder(self.sample_z(mu, log_var), training=training)  # (N, 784)
        bce = ops.binary_crossentropy(x, x_hat)  # (N, 784): per pixel
        reconstruction = ops.mean(ops.sum(bce, axis=-1))
        kl = 0.5 * ops.sum(ops.square(mu) + ops.exp(log_var) - 1.0 - log_var, axis=-1)  # (N,)
        return reconstruction, ops.mean(kl)

    def _record(self, reconstruction, kl):
        for name, value in (("loss", reconstruction + kl), ("reconstruction", reconstruction)):
            self.trackers[name].update_state(value)
        self.trackers["kl"].update_state(kl)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction, kl = self.compute_terms(x, training=True)
            loss = reconstruction + kl
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self._record(reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._record(*self.compute_terms(x))

    def decode(self, z) -> np.ndarray:
        """Pixel probabilities (N, 784) decoded from latent vectors z (N, J), as NumPy."""
        return np.asarray(self.decoder(np.asarray(z, dtype="float32"), training=False))

    def encode(self, x) -> np.ndarray:
        """The means mu (N, J) of the latent code of images x (N, 784), as NumPy."""
        mu, _ = self.encoder(np.asarray(x, dtype="float32"), training=False)
        return np.asarray(mu)


# ----------------------------------------------------------------------------------------- GAN
def build_dcgan_generator(latent_dim: int = 64, width: int = 16):
    """DCGAN generator (Radford et al. 2016, scaled down for a CPU): noise (N, latent_dim) ->
    images (N, 28, 28, 1) in [-1, 1] through a dense layer and two transposed convolutions that
    double the size (7 -> 14 -> 28), with batch norm and ReLU, ``tanh`` at the end."""
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    width = check_positive_int(width, "width")
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),  # (N, 64)
            L.Dense(7 * 7 * 2 * width, use_bias=False),  # (N, 7*7*32)
            L.BatchNormalization(),
            L.ReLU(),
            L.Reshape((7, 7, 2 * width)),  # (N, 7, 7, 32)
            L.Conv2DTranspose(
                width, 4, strides=2, padding="same", use_bias=False
            ),  # (N, 14, 14, 16)
            L.BatchNormalization(),
            L.ReLU(),
            L.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),  # (N, 28, 28, 1)
        ],
        name="generator",
    )


def build_dcgan_discriminator(width: int = 16):
    """DCGAN discriminator: images (N, 28, 28, 1) in [-1, 1] -> one logit per image (real > 0),
    through two stride-2 convolutions with LeakyReLU (slope 0.2) and dropout."""
    width = check_positive_int(width, "width")
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            L.Conv2D(width, 4, strides=2, padding="same"),  # (N, 14, 14, 16)
            L.LeakyReLU(0.2),
            L.Conv2D(2 * width, 4, strides=2, padding="same"),  # (N, 7, 7, 32)
            L.LeakyReLU(0.2),
            L.Flatten(),  # (N, 1568)
            L.Dropout(0.3),
            L.Dense(1),  # (N, 1): logit of "real"
        ],
        name="discriminator",
    )


class GAN(keras.Model):
    r"""A GAN (Goodfellow et al. 2014) trained by alternating two steps on each batch.

    1. Discriminator D: minimise :math:`-\log D(x) - \log(1 - D(G(z)))` (real -> 1, fake -> 0).
    2. Generator G, the non-saturating loss: minimise :math:`-\log D(G(z))` (instead of the
       minimax's :math:`\log(1 - D(G(z)))`, whose gradient vanishes while D wins easily).

    Compile with ``compile(d_optimizer=..., g_optimizer=...)``; ``fit(X)`` takes the real images
    (N, 28, 28, 1) in [-1, 1]. The history has ``d_loss`` and ``g_loss``.
    """

    def __init__(self, generator, discriminator, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = generator.input_shape[-1]
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, data):
        import tensorflow as tf

        real = data[0] if isinstance(data, tuple) else data  # (N, 28, 28, 1)
        n = ops.shape(real)[0]
        ones, zeros = ops.ones((n, 1)), ops.zeros((n, 1))
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:  # 1. the discriminator: real -> 1, fake -> 0
            fake = self.generator(z, training=True)
            d_real = self.discriminator(real, training=True)
            d_fake = self.discriminator(fake, training=True)
            d_loss = self.bce(ones, d_real) + self.bce(zeros, d_fake)
        d_vars = self.discriminator.trainable_weights
        self.d_optimizer.apply(tape.gradient(d_loss, d_vars), d_vars)

        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:  # 2. the generator: make D say "real" (-log D(G(z)))
            g_loss = self.bce(ones, self.discriminator(self.generator(z, training=True)))
        g_vars = self.generator.trainable_weights
        self.g_optimizer.apply(tape.gradient(g_loss, g_vars), g_vars)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    def generate(self, z) -> np.ndarray:
        """Images (N, 28, 28, 1) in [-1, 1] from noise z (N, latent_dim), as NumPy."""
        return np.asarray(self.generator(np.asarray(z, dtype="float32"), training=False))


# ----------------------------------------------------------------------------------- diffusion
def build_denoiser(num_steps: int, num_hiddens: int = 512, input_dim: int = 784):
    """A small denoiser: from a noisy image x_t and its step t, estimate the noise in x_t.

    Inputs ``[x_t (N, input_dim), t (N,) int]``; output the noise estimate (N, input_dim):

        noise = s_t * x_t + (two dense layers of x_t and t)

    The noise has as many independent values as there are pixels, and most of it is still in
    x_t, so the first term passes x_t on, scaled by a number s_t learned for each step; the dense
    layers (swish activation, the step joined in as a learned vector) correct it with what they
    know about digits. Real diffusion models use a U-Net of convolutions; a dense network keeps
    the training within CPU minutes.
    """
    num_steps = check_positive_int(num_steps, "num_steps")
    num_hiddens = check_positive_int(num_hiddens, "num_hiddens")
    input_dim = check_positive_int(input_dim, "input_dim")
    x_t = keras.Input(shape=(input_dim,), name="x_t")  # (N, 784)
    t = keras.Input(shape=(), dtype="int32", name="t")  # (N,)
    emb = L.Embedding(num_steps + 1, 64)(t)  # (N, 64): a learned vector per step
    scale = L.Embedding(num_steps + 1, 1, embeddings_initializer="ones")(t)  # (N, 1): s_t
    h = L.Concatenate()([x_t, emb])  # (N, 848)
    h = L.Dense(num_hiddens, activation="swish")(h)  # (N, 512)
    h = L.Concatenate()([h, emb])  # the step again, for the second layer
    h = L.Dense(num_hiddens, activation="swish")(h)  # (N, 512)
    noise = scale * x_t + L.Dense(input_dim)(h)  # (N, 784): the estimated noise
    return keras.Model([x_t, t], noise, name="denoiser")


class Diffusion(keras.Model):
    r"""DDPM training (Ho et al. 2020): for each image pick a step t uniformly from 1..T and a
    noise :math:`\varepsilon`, make :math:`x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 -
    \bar\alpha_t}\,\varepsilon` and train the denoiser to predict :math:`\varepsilon`:
    minimise the mean of :math:`\|\varepsilon - \hat\varepsilon(x_t, t)\|^2`.

    ``fit(X)`` takes clean images (N, 784) in [-1, 1]. :meth:`sample` runs the reverse steps
    T..1 with :meth:`NoiseSchedule.reverse_step`.
    """

    def __init__(self, denoiser, schedule: NoiseSchedule, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(schedule, NoiseSchedule):
            raise TypeError(f"Expected a NoiseSchedule. Received: {type(schedule).__name__}")
        self.denoiser, self.schedule = denoiser, schedule
        self.alpha_bars = ops.convert_to_tensor(schedule.alpha_bars.astype("float32"))  # (T,)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs, training=False):
        return self.denoiser(inputs, training=training)

    def train_step(self, data):
        import tensorflow as tf

        x0 = data[0] if isinstance(data, tuple) else data  # (N, 784)
        n = ops.shape(x0)[0]
        t = keras.random.randint((n,), 1, self.schedule.num_steps + 1, seed=self.seed_generator)
        noise = keras.random.normal(ops.shape(x0), seed=self.seed_generator)
        a_bar = ops.expand_dims(ops.take(self.alpha_bars, t - 1), -1)  # (N, 1)
        x_t = ops.sqrt(a_bar) * x0 + ops.sqrt(1.0 - a_bar) * noise  # q(x_t | x_0)
        with tf.GradientTape() as tape:
            loss = ops.mean(ops.square(noise - self.denoiser([x_t, t], training=True)))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def sample(self, num_images: int, rng: np.random.Generator, keep_every: int | None = None):
        """Generate ``num_images`` images from pure noise x_T, step by step down to x_0.

        Returns the final images (N, 784) (float32, about [-1, 1]) and, when
        ``keep_every`` is set, a dict {t: x_t} of intermediate images every ``keep_every`` steps
        (with x_T and x_0 under t = T and t = 0).
        """
        num_images = check_positive_int(num_images, "num_images")
        shape = (num_images, *self.denoiser.input_shape[0][1:])
        x = rng.standard_normal(shape).astype("float32")  # x_T ~ N(0, I)
        T = self.schedule.num_steps
        kept = {T: x.copy()} if keep_every else None
        for t in range(T, 0, -1):
            steps = np.full(num_images, t, dtype="int32")
            eps_hat = np.asarray(self.denoiser([x, steps], training=False))
            noise = rng.standard_normal(shape).astype("float32")
            x = self.schedule.reverse_step(x, t, eps_hat, noise)  # x_t -> x_{t-1}
            if keep_every and ((t - 1) % keep_every == 0):
                kept[t - 1] = x.copy()
        return (x, kept) if keep_every else x
