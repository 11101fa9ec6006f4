"""Example files of notebook 04: CIFAR-10 batches written from arrays, the messy image folder."""

import numpy as np
import pytest
from PIL import Image

from seminar_lib.datasets import load_cifar10, load_fashion_mnist, load_image_folder
from seminar_lib.datasets.cifar10 import CIFAR10_TRAIN_BATCHES
from seminar_lib.demo_files import (
    DEMO_FOLDER_CLASSES,
    make_demo_image_folder,
    write_cifar10_batches,
)

# --- CIFAR-10 batches -----------------------------------------------------------------------

NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def random_split(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, size=n)


def test_write_cifar10_batches_round_trip(tmp_path, monkeypatch):
    train, test = random_split(23, seed=2), random_split(6, seed=3)
    root = write_cifar10_batches(tmp_path / "cifar-10-batches-py", train, test, NAMES)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [*CIFAR10_TRAIN_BATCHES, "test_batch", "batches.meta"]
    )
    monkeypatch.setenv("SEMINAR_DATA_DIR", str(tmp_path))  # the default root: data/cifar-10-...
    (x_train, y_train), (x_test, y_test), class_names = load_cifar10()
    np.testing.assert_array_equal(x_train, train[0])
    np.testing.assert_array_equal(y_train, train[1])
    np.testing.assert_array_equal(x_test, test[0])
    np.testing.assert_array_equal(y_test, test[1])
    assert class_names == NAMES


def test_write_cifar10_batches_errors(tmp_path):
    x, y = random_split(3, 0)
    with pytest.raises(ValueError, match="Expected 10 class names"):
        write_cifar10_batches(tmp_path, (x, y), (x, y), NAMES[:9])
    with pytest.raises(ValueError, match=r"train images of shape \(N, 32, 32, 3\), uint8"):
        write_cifar10_batches(tmp_path, (x.astype(float), y), (x, y), NAMES)
    with pytest.raises(ValueError, match=r"Expected test labels of shape \(3,\)"):
        write_cifar10_batches(tmp_path, (x, y), (x, y[:2]), NAMES)
    with pytest.raises(ValueError, match="Expected train labels in 0-9. Received: min=0, max=12"):
        write_cifar10_batches(tmp_path, (x, np.array([0, 1, 12])), (x, y), NAMES)
    with pytest.raises(TypeError, match="Expected `root` to be a path"):
        load_cifar10(root=5)


# --- the demo folder ------------------------------------------------------------------------


def test_demo_folder_is_messy_deterministic_and_loads(tmp_path):
    root = make_demo_image_folder(tmp_path / "demo", images_per_class=8, seed=3)
    again = make_demo_image_folder(tmp_path / "again", images_per_class=8, seed=3)
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((root / f).read_bytes() == (again / f).read_bytes() for f in files)
    modes, formats = set(), set()
    for f in files:
        try:
            with Image.open(root / f) as img:
                modes.add(img.mode)
                formats.add(img.format)
        except Exception:
            pass
    assert {"L", "RGB", "RGBA", "P", "I;16"} <= modes and {"PNG", "JPEG", "BMP", "GIF"} <= formats

    data = load_image_folder(root, image_size=28, color_mode="grayscale", verbose=False)
    assert data.class_names == tuple(sorted(DEMO_FOLDER_CLASSES))
    readme = (root / "README.txt").read_text(encoding="utf-8")
    assert "(seminar_lib.demo_files.make_demo_image_folder, seed=3)" in readme
    broken = {"README.txt", "bag/memo.txt", "coat/9992.png", "dress/9993.jpg", "sneaker/9991.jpg"}
    assert {path for path, _ in data.skipped} == broken
    assert len(data.files) == len(files) - len(broken)  # every good file is loaded
    assert all(4 <= count <= 8 for count in data.class_counts.values())
    # The images are Fashion-MNIST test images: each one is close to some test image of its class.
    _, (x_test, y_test) = load_fashion_mnist()
    label = data.class_names.index("trouser")
    first = data.images[data.labels == label][0, :, :, 0].astype(float)
    trousers = x_test[y_test == 1].astype(float)
    distances = np.abs(trousers - first).mean(axis=(1, 2))
    assert distances.min() < 25 < np.median(distances)


def test_demo_folder_never_deletes_other_folders(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("大事なファイル", encoding="utf-8")
    with pytest.raises(ValueError, match="Refusing to write the demo folder into .*mine"):
        make_demo_image_folder(mine)
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "大事なファイル"
    root = make_demo_image_folder(tmp_path / "demo", images_per_class=2, seed=0)
    (root / "tshirt_top" / "extra.png").write_bytes(b"")
    make_demo_image_folder(root, images_per_class=2, seed=0)  # ours: replaced
    assert not (root / "tshirt_top" / "extra.png").exists()
    with pytest.raises(ValueError, match="Expected `images_per_class` >= 2"):
        make_demo_image_folder(tmp_path / "x", images_per_class=1)
    with pytest.raises(TypeError, match="Expected `seed` to be an int >= 0"):
        make_demo_image_folder(tmp_path / "x", seed=-1)
