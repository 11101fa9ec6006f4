"""Image folders, the CIFAR-10 python format and the demo folder: decoded pixels checked exactly."""

import io
import pickle
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from seminar_lib.datasets import (
    CIFAR10_TRAIN_BATCHES,
    DEMO_FOLDER_CLASSES,
    DatasetError,
    load_cifar10,
    load_fashion_mnist,
    load_image_folder,
    make_demo_image_folder,
    write_cifar10_batches,
)

# --- image folders --------------------------------------------------------------------------


def solid(mode, size, value):
    """A Pillow image of one colour; size is (width, height)."""
    return Image.new(mode, size, value)


@pytest.fixture
def tree(tmp_path):
    """A folder with mixed modes, sizes and formats, broken files and an empty class."""
    root = tmp_path / "photos"
    (root / "cat").mkdir(parents=True)
    (root / "dog" / "puppies").mkdir(parents=True)
    (root / "empty").mkdir()
    solid("L", (10, 12), 77).save(root / "cat" / "a_gray.png")
    solid("RGB", (40, 30), (10, 200, 30)).save(root / "cat" / "b_rgb.bmp")
    rgba = np.zeros((8, 8, 4), dtype=np.uint8)
    rgba[:, :4] = (255, 0, 0, 255)  # left half opaque red, right half fully transparent
    Image.fromarray(rgba, "RGBA").save(root / "cat" / "c_rgba.png")
    solid("RGB", (9, 9), (0, 0, 255)).convert("P").save(root / "dog" / "d_palette.gif")
    Image.fromarray(np.full((6, 5), 257 * 100, dtype=np.uint16)).save(root / "dog" / "e_16bit.png")
    solid("RGB", (16, 16), (120, 60, 30)).save(root / "dog" / "puppies" / "f_nested.png")
    buffer = io.BytesIO()
    solid("RGB", (64, 64), (1, 2, 3)).save(buffer, format="PNG")
    (root / "dog" / "g_truncated.png").write_bytes(buffer.getvalue()[:60])
    (root / "dog" / "notes.txt").write_text("not an image", encoding="utf-8")
    (root / "cat" / "h_empty.jpg").write_bytes(b"")
    (root / "README.md").write_text("about the photos", encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x01")
    (root / "cat" / ".ipynb_checkpoints").mkdir()
    solid("L", (4, 4), 0).save(root / "cat" / ".ipynb_checkpoints" / "x.png")
    return root


GOOD = ["cat/a_gray.png", "cat/b_rgb.bmp", "cat/c_rgba.png", "dog/d_palette.gif"]
GOOD += ["dog/e_16bit.png", "dog/puppies/f_nested.png"]
SKIPPED = [".DS_Store", "README.md", "cat/.ipynb_checkpoints", "cat/h_empty.jpg"]
SKIPPED += ["dog/g_truncated.png", "dog/notes.txt"]


def test_image_folder_loads_every_good_file_and_reports_every_bad_one(tree, capsys):
    data = load_image_folder(tree, image_size=(4, 6), color_mode="rgb")
    assert data.images.shape == (6, 4, 6, 3) and data.images.dtype == np.uint8
    assert data.class_names == ("cat", "dog", "empty")
    assert list(data.files) == GOOD
    assert data.labels.tolist() == [0, 0, 0, 1, 1, 1] and data.labels.dtype == np.int64
    assert [path for path, _ in data.skipped] == SKIPPED
    reasons = dict(data.skipped)
    assert "empty file" in reasons["cat/h_empty.jpg"]
    assert "truncated or corrupt" in reasons["dog/g_truncated.png"]
    assert "not an image" in reasons["dog/notes.txt"]
    assert "not inside a class folder" in reasons["README.md"]
    assert "hidden" in reasons[".DS_Store"]
    assert data.class_counts == {"cat": 3, "dog": 3, "empty": 0}
    printed = capsys.readouterr().out
    assert printed == data.report() + "\n"
    assert "6 枚の画像を読み込みました" in printed and "画像が 1 枚もないクラス: empty" in printed
    assert "dog/g_truncated.png" in printed and "スキップしたファイル 6 件" in printed
    assert repr(data) == "ImageFolder(images=(6, 4, 6, 3) uint8, classes=3, skipped=6)"


def test_image_folder_pixels_per_mode(tree):
    data = load_image_folder(tree, image_size=(4, 6), color_mode="rgb", verbose=False)
    images = dict(zip(data.files, data.images, strict=True))
    np.testing.assert_array_equal(images["cat/a_gray.png"], np.full((4, 6, 3), 77))
    np.testing.assert_array_equal(
        images["cat/b_rgb.bmp"], np.broadcast_to([10, 200, 30], (4, 6, 3))
    )
    np.testing.assert_array_equal(
        images["dog/d_palette.gif"], np.broadcast_to([0, 0, 255], (4, 6, 3))
    )
    np.testing.assert_array_equal(images["dog/e_16bit.png"], np.full((4, 6, 3), 100))  # 16 -> 8 bit
    # Transparent pixels are composited on white (default) or on the given background.
    rgba = images["cat/c_rgba.png"]  # 8x8 -> 4x6: columns 0-1 red, 4-5 transparent
    np.testing.assert_array_equal(rgba[:, :2], np.broadcast_to([255, 0, 0], (4, 2, 3)))
    np.testing.assert_array_equal(rgba[:, 4:], np.full((4, 2, 3), 255))
    black = load_image_folder(tree, image_size=(4, 6), background=0, verbose=False)
    np.testing.assert_array_equal(black.images[2][:, 4:], np.zeros((4, 2, 3)))


def test_image_folder_grayscale_rgba_and_square_size(tree):
    gray = load_image_folder(tree, image_size=5, color_mode="grayscale", verbose=False)
    assert gray.images.shape == (6, 5, 5, 1)
    r, g, b = 10, 200, 30  # ITU-R 601-2 luma, as Pillow's "L" conversion
    assert (
        gray.images[1].min() == gray.images[1].max() == round((r * 299 + g * 587 + b * 114) / 1000)
    )
    rgba = load_image_folder(tree, image_size=(3, 3), color_mode="rgba", verbose=False)
    assert rgba.images.shape == (6, 3, 3, 4)
    assert rgba.images[0, :, :, 3].min() == 255  # opaque gray image
    assert rgba.images[2, :, 0].tolist() == [[255, 0, 0, 255]] * 3
    assert rgba.images[2, :, 2, 3].tolist() == [0, 0, 0]


def test_image_folder_resizes_bilinear_like_pillow(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, size=(30, 50, 3), dtype=np.uint8)
    (tmp_path / "a").mkdir()
    Image.fromarray(pixels).save(tmp_path / "a" / "x.png")
    data = load_image_folder(tmp_path, image_size=(12, 20), verbose=False)
    expected = Image.fromarray(pixels).resize((20, 12), Image.Resampling.BILINEAR)
    np.testing.assert_array_equal(data.images[0], np.asarray(expected))
    same = load_image_folder(tmp_path, image_size=(30, 50), verbose=False)
    np.testing.assert_array_equal(same.images[0], pixels)  # no resize: the exact pixels


def test_image_folder_turns_photos_upright_by_exif(tmp_path):
    pixels = np.zeros((10, 20), dtype=np.uint8)
    pixels[:, 10:] = 255  # left half black, right half white; 20 wide, 10 tall
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; display rotated 90 degrees clockwise
    (tmp_path / "a").mkdir()
    Image.fromarray(pixels).save(tmp_path / "a" / "photo.jpg", exif=exif, quality=95)
    data = load_image_folder(tmp_path, image_size=(20, 10), color_mode="grayscale", verbose=False)
    upright = np.rot90(pixels, k=-1)  # (20, 10): top half black, bottom half white
    assert np.abs(data.images[0, :, :, 0].astype(int) - upright).mean() < 8


def test_image_folder_errors(tmp_path, tree):
    with pytest.raises(DatasetError, match="Image folder not found: .*nowhere"):
        load_image_folder(tmp_path / "nowhere")
    (tmp_path / "file.png").write_bytes(b"x")
    with pytest.raises(DatasetError, match="Not a folder: .*file.png"):
        load_image_folder(tmp_path / "file.png")
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "x.png").write_bytes(b"x")
    with pytest.raises(DatasetError, match=r"No class folders in .*flat.*root/<class>/"):
        load_image_folder(tmp_path / "flat")
    (tmp_path / "bad" / "cls").mkdir(parents=True)
    (tmp_path / "bad" / "cls" / "x.png").write_bytes(b"x")
    with pytest.raises(DatasetError, match=r"No readable image in .*bad \(1 files skipped\)"):
        load_image_folder(tmp_path / "bad")
    with pytest.raises(TypeError, match="Expected `root` to be a path"):
        load_image_folder(3)
    with pytest.raises(
        ValueError, match="Expected `color_mode` to be one of .*'rgb'.*color_mode='RGB'"
    ):
        load_image_folder(tree, color_mode="RGB")
    with pytest.raises(TypeError, match=r"image_size.*Received: image_size=\(3.0, 3\)"):
        load_image_folder(tree, image_size=(3.0, 3))
    with pytest.raises(
        ValueError, match=r"Expected `image_size` >= 1. Received: image_size=\(0, 3\)"
    ):
        load_image_folder(tree, image_size=(0, 3))
    with pytest.raises(ValueError, match="Expected `background` in 0-255"):
        load_image_folder(tree, background=300)
    with pytest.raises(TypeError, match="Expected `verbose` to be True or False"):
        load_image_folder(tree, verbose="yes")


# --- CIFAR-10 -------------------------------------------------------------------------------

NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def random_split(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, size=n)


def test_cifar10_reads_the_official_row_layout(tmp_path):
    """Batches pickled by hand, as the official files are: row = R plane, G plane, B plane."""
    x, y = random_split(5 * 3 + 4, seed=1)
    root = tmp_path / "cifar-10-batches-py"
    root.mkdir()
    rows = np.empty((len(x), 3072), dtype=np.uint8)
    for i in range(len(x)):
        for c in range(3):
            for r in range(32):
                rows[i, c * 1024 + r * 32 : c * 1024 + r * 32 + 32] = x[i, r, :, c]
    names = list(CIFAR10_TRAIN_BATCHES) + ["test_batch"]
    for k, name in enumerate(names):
        part = slice(3 * k, 3 * k + 3) if k < 5 else slice(15, 19)
        batch = {b"data": rows[part], b"labels": y[part].tolist(), b"batch_label": b"x"}
        (root / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {b"label_names": [n.encode() for n in NAMES], b"num_vis": 3072}
    (root / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))

    (x_train, y_train), (x_test, y_test), class_names = load_cifar10(root)
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (4, 32, 32, 3) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, x[:15])
    np.testing.assert_array_equal(x_test, x[15:])
    np.testing.assert_array_equal(y_train, y[:15])
    np.testing.assert_array_equal(y_test, y[15:])
    assert class_names == NAMES
    assert x_train[2, 5, 7, 1] == rows[2, 1024 + 5 * 32 + 7]  # green plane, row 5, column 7


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


def test_cifar10_missing_files_explain_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMINAR_DATA_DIR", str(tmp_path))
    with pytest.raises(
        DatasetError, match=r"CIFAR-10 folder not found: .*cifar-10-batches-py.*data/"
    ):
        load_cifar10()
    root = write_cifar10_batches(tmp_path / "c", random_split(5, 0), random_split(1, 1), NAMES)
    (root / "data_batch_3").unlink()
    with pytest.raises(
        DatasetError, match=r"Missing CIFAR-10 file: .*data_batch_3.*cifar-10-python"
    ):
        load_cifar10(root)


def test_cifar10_corrupt_and_malicious_files(tmp_path):
    root = write_cifar10_batches(tmp_path / "c", random_split(5, 0), random_split(1, 1), NAMES)
    (root / "test_batch").write_bytes(b"\x80\x02garbage")
    with pytest.raises(
        DatasetError, match="Not a CIFAR-10 python batch, or a corrupt one: .*test_batch"
    ):
        load_cifar10(root)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    (root / "test_batch").write_bytes(pickle.dumps({b"data": Evil()}, protocol=2))
    with pytest.raises(
        DatasetError, match="refusing to load __builtin__.getattr.*official archive"
    ):
        load_cifar10(root)
    assert not marker.exists()  # nothing ran
    bad = {b"data": np.zeros((2, 100), dtype=np.uint8), b"labels": [0, 1]}
    (root / "test_batch").write_bytes(pickle.dumps(bad, protocol=2))
    with pytest.raises(DatasetError, match=r"data.shape=\(2, 100\).*expected \(N, 3072\)"):
        load_cifar10(root)
    bad = {b"data": np.zeros((2, 3072), dtype=np.uint8), b"labels": [0, 10]}
    (root / "test_batch").write_bytes(pickle.dumps(bad, protocol=2))
    with pytest.raises(DatasetError, match="Labels outside 0-9"):
        load_cifar10(root)


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


def test_build_dir_is_the_repository_build_folder():
    from seminar_lib.datasets import build_dir

    path = build_dir("test_build_dir")
    assert path.is_dir() and path.parent.name == "build"
    assert path.parent.parent == Path(__file__).resolve().parent.parent
    path.rmdir()
    with pytest.raises(ValueError, match="Expected relative folder names"):
        build_dir("/etc")
