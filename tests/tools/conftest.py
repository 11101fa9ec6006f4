import pytest
from notebook_factory import write_small_notebook


@pytest.fixture
def small_notebook(tmp_path):
    """Path of a small executed notebook in the test's own folder."""
    return write_small_notebook(tmp_path / "nb.ipynb")
