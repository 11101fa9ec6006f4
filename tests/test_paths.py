"""The data and build folders: the environment variables, the checkout, and an installed copy."""

from pathlib import Path

import pytest

import seminar_lib
from seminar_lib import paths
from seminar_lib.datasets import load_mnist
from seminar_lib.paths import BUILD_DIR_ENV, DATA_DIR_ENV, build_dir, data_dir

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(BUILD_DIR_ENV, raising=False)


def fake_package(monkeypatch, root: Path, *, checkout: bool) -> Path:
    """Make paths.py believe that the package lives in ``root/seminar_lib``."""
    (root / "seminar_lib").mkdir(parents=True)
    if checkout:
        (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
        (root / "data").mkdir()
    monkeypatch.setattr(paths, "_PACKAGE_DIR", root / "seminar_lib")
    return root


def test_names_of_the_environment_variables():
    assert (DATA_DIR_ENV, BUILD_DIR_ENV) == ("SEMINAR_DATA_DIR", "SEMINAR_BUILD_DIR")


def test_data_dir_is_the_checkouts_data_folder(no_env):
    assert data_dir() == CHECKOUT / "data"
    assert (data_dir() / "README.md").is_file()


def test_build_dir_is_the_repository_build_folder(tmp_path, monkeypatch, no_env):
    assert paths._checkout() == CHECKOUT  # this checkout, an editable install
    root = fake_package(monkeypatch, tmp_path / "course", checkout=True)
    path = build_dir("demo", "images")  # created in the (fake) checkout, not in this one
    assert path == root / "build" / "demo" / "images" and path.is_dir()
    assert build_dir() == root / "build"
    assert data_dir() == root / "data"
    with pytest.raises(ValueError, match="Expected relative folder names"):
        build_dir("/etc")
    with pytest.raises(ValueError, match=r"Expected relative folder names. Received: \('a', ''\)"):
        build_dir("a", "")


def test_data_dir_env_overrides_the_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "my data"))
    assert data_dir() == tmp_path / "my data"
    monkeypatch.setenv(DATA_DIR_ENV, "")  # empty: as if unset
    assert data_dir() == CHECKOUT / "data"


def test_build_dir_env_overrides_the_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv(BUILD_DIR_ENV, str(tmp_path / "out"))
    path = build_dir("checkpoints")
    assert path == tmp_path / "out" / "checkpoints" and path.is_dir()
    assert build_dir() == tmp_path / "out"


def test_installed_elsewhere_names_the_variable_to_set(tmp_path, monkeypatch, no_env):
    site = tmp_path / "site-packages"
    fake_package(monkeypatch, site, checkout=False)
    with pytest.raises(seminar_lib.DatasetError, match=r"outside a checkout.*SEMINAR_DATA_DIR"):
        data_dir()
    with pytest.raises(seminar_lib.DatasetError, match="SEMINAR_DATA_DIR"):
        load_mnist()  # the loaders report it too
    with pytest.raises(RuntimeError, match=r"outside a checkout.*SEMINAR_BUILD_DIR") as e:
        build_dir("logs")
    assert type(e.value) is RuntimeError
    assert not (site / "build").exists() and not (tmp_path / "build").exists()
    # The variables are the way out.
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(BUILD_DIR_ENV, str(tmp_path / "build"))
    assert data_dir() == tmp_path / "data"
    assert build_dir("logs") == tmp_path / "build" / "logs"


def test_a_folder_with_pyproject_but_no_data_is_not_a_checkout(tmp_path, monkeypatch, no_env):
    root = fake_package(monkeypatch, tmp_path / "other", checkout=False)
    (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    assert paths._checkout() is None
    with pytest.raises(seminar_lib.DatasetError, match="SEMINAR_DATA_DIR"):
        data_dir()
