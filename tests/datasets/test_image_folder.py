"""Image folders: every good file decoded (pixels checked exactly), every bad one reported."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from seminar_lib.datasets import DatasetError, load_image_folder


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
    assert reasons["cat/h_empty.jpg"] == "空のファイルです (0 バイト)"
    assert reasons["dog/g_truncated.png"] == "途中で切れているか、壊れた画像です"
    assert reasons["dog/notes.txt"].startswith("画像のファイルではありません")
    assert reasons["README.md"] == "クラスのフォルダの外にあります"
    assert reasons[".DS_Store"] == "隠しファイル・フォルダなので無視しました"
    assert reasons["cat/.ipynb_checkpoints"] == reasons[".DS_Store"]
    # The report a student reads is Japanese only: no English words in the reasons.
    assert not any(re.search(r"[A-Za-z]{3,}", r.replace("Pillow", "")) for r in reasons.values())
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


def test_importing_the_loaders_is_light():
    """Pillow is imported by the functions that decode images, not by importing the package."""
    code = (
        "import sys, seminar_lib, seminar_lib.datasets, seminar_lib.demo_files, seminar_lib.paths\n"
        "print(sorted(m for m in ('PIL', 'matplotlib', 'tensorflow', 'keras') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
