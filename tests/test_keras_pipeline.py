"""Session 4's Keras helpers: augmentation layers, the CNN builder and the tf.data pipeline."""

import numpy as np
import pytest

from seminar_lib import setup_notebook

setup_notebook(seed=0)
keras = pytest.importorskip("keras")

from seminar_lib.keras_models import (  # noqa: E402
    build_augmentation,
    build_fashion_cnn,
    make_dataset,
)


def images(n=8, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28, 1), dtype=np.float32)


def test_augmentation_changes_images_in_training_only():
    x = images()
    augment = build_augmentation(flip=True, rotation=0.1, zoom=0.1, translation=0.1, seed=0)
    assert [type(layer).__name__ for layer in augment.layers] == [
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
        "RandomTranslation",
    ]
    np.testing.assert_array_equal(np.asarray(augment(x, training=False)), x)
    out = np.asarray(augment(x, training=True))
    assert out.shape == x.shape and not np.allclose(out, x)


def test_flip_only_mirrors_each_image_or_keeps_it():
    x = images(16)
    out = np.asarray(build_augmentation()(x, training=True))  # the default: flip only
    mirrored = np.array([np.array_equal(o, i[:, ::-1]) for o, i in zip(out, x, strict=True)])
    kept = np.array([np.array_equal(o, i) for o, i in zip(out, x, strict=True)])
    assert np.all(mirrored | kept) and mirrored.any() and kept.any()
    with pytest.raises(ValueError, match="at least one augmentation"):
        build_augmentation(flip=False)


def test_fashion_cnn_shapes_and_parameters():
    model = build_fashion_cnn()
    assert model.output_shape == (None, 10)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [conv.output.shape for conv in convs] == [
        (None, 28, 28, 32),
        (None, 14, 14, 32),
        (None, 14, 14, 64),
        (None, 7, 7, 64),
        (None, 7, 7, 128),
    ]
    kernels = 9 * (1 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 128)
    batch_norm = 4 * (32 + 32 + 64 + 64 + 128)  # gamma, beta, moving mean and variance
    assert model.count_params() == kernels + batch_norm + 6272 * 10 + 10
    logits = np.asarray(model(images(3), training=False))
    assert logits.shape == (3, 10) and np.all(np.isfinite(logits))


def test_make_dataset_batches_shuffles_and_augments():
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1) * np.ones((1, 28, 28, 1), np.float32)
    y = np.arange(10)
    batches = list(make_dataset(x, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert np.concatenate([np.asarray(b[1]) for b in batches]).tolist() == list(range(10))
    shuffled = make_dataset(x, y, 4, shuffle=True, seed=1)
    epoch1, epoch2 = ([int(v) for b in shuffled for v in np.asarray(b[1])] for _ in range(2))
    assert sorted(epoch1) == list(range(10)) and epoch1 != list(range(10))
    assert epoch2 != epoch1  # a new order every epoch
    for xb, yb in make_dataset(x, y, 5, augment=build_augmentation(flip=True, translation=0.0)):
        xb, yb = np.asarray(xb), np.asarray(yb)
        np.testing.assert_array_equal(xb[:, 0, 0, 0], yb)  # flipping a constant image keeps it
    with pytest.raises(ValueError, match=r"same number of examples. Received: X.shape=\(10, 28"):
        make_dataset(x, y[:3])
    with pytest.raises(ValueError, match="Expected `batch_size` >= 1"):
        make_dataset(x, y, batch_size=0)


def augmented_epochs(num_epochs=2):
    """Every image of ``num_epochs`` epochs of an augmented pipeline, built after seeding."""
    keras.utils.set_random_seed(0)
    x = images(n=256, seed=3)
    ds = make_dataset(x, np.arange(256), batch_size=8, shuffle=True, augment=build_augmentation())
    return [np.concatenate([np.asarray(xb) for xb, _ in ds]) for _ in range(num_epochs)]


def test_augmented_pipeline_is_the_same_on_every_run():
    # The random layers draw from one seed state; maps running in parallel drew from it in a
    # different order on each run, so two executions of notebook 04 trained different weights.
    first, second = augmented_epochs(), augmented_epochs()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])  # still new flips and order in every epoch
