import base64
import json
import os
import random
import struct
import subprocess
import sys
import warnings
from functools import partial

import numpy as np
import pytest

import seminar_lib


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def test_import_does_not_import_tensorflow_or_matplotlib():
    result = run_python(
        "import sys, seminar_lib, seminar_lib.functions, seminar_lib.perceptron, "
        "seminar_lib.datasets, seminar_lib.plotting, seminar_lib.exercises, seminar_lib.gradcheck, "
        "seminar_lib.layers, seminar_lib.models, seminar_lib.optimizers, seminar_lib.training, "
        "seminar_lib.initializers\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_setup_sets_tf_environment_before_import_and_writes_nothing_to_stderr():
    result = run_python(
        "import os, sys, seminar_lib\n"
        "assert 'tensorflow' not in sys.modules\n"
        "rng = seminar_lib.setup_notebook(3)\n"
        "import tensorflow as tf\n"
        "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
        "print(float(tf.random.uniform(())))\n"
        "print(rng.integers(1000))\n"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[:2] == ["0", "2"]
    assert lines[3] == str(np.random.default_rng(3).integers(1000))
    assert result.stderr == ""  # not even TensorFlow's pre-logging lines
    again = run_python(
        "import seminar_lib, tensorflow as tf\nseminar_lib.setup_notebook(3)\n"
        "print(float(tf.random.uniform(())))"
    )
    assert again.stdout.split()[0] == lines[2]  # Keras/TensorFlow seeded the same way


def test_setup_seeds_python_numpy_and_returns_a_generator():
    rng = seminar_lib.setup_notebook(7)
    assert isinstance(rng, np.random.Generator)
    first = (random.random(), np.random.rand(), rng.random())
    rng = seminar_lib.setup_notebook(7)  # a second call is harmless and re-seeds
    assert (random.random(), np.random.rand(), rng.random()) == first
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_setup_turns_on_japanese_fonts_without_missing_glyphs(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    seminar_lib.setup_notebook(0)
    assert matplotlib.rcParams["font.family"] == ["IPAexGothic"]
    assert "ipaexg" in font_manager.findfont("IPAexGothic").lower()
    fig, ax = plt.subplots()
    ax.set_title("活性化関数とパーセプトロン −1")
    ax.plot([-1, 1], [-1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would raise
        fig.savefig(tmp_path / "ja.png")
    plt.close(fig)
    assert (tmp_path / "ja.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (-1, ValueError, r"Expected `seed` >= 0. Received: seed=-1"),
        (1.5, TypeError, r"Expected `seed` to be an int. Received: seed=1.5"),
        (True, TypeError, r"Expected `seed` to be an int. Received: seed=True"),
    ],
)
def test_setup_rejects_bad_seeds(seed, error, message):
    with pytest.raises(error, match=message):
        seminar_lib.setup_notebook(seed)


def test_version():
    assert seminar_lib.__version__ == "0.1.0"


# The teaching package needs none of the course tooling, Jupyter or (at import) TensorFlow:
# every submodule except the Keras builders imports with these blocked.
BLOCKED_MODULES = ("nbformat", "nbclient", "nbconvert", "IPython", "tensorflow", "keras")
BLOCKED_PREFIXES = ("jupyter",)  # jupyter_core, jupyter_client, jupyterlab, ...
NEEDS_KERAS = {
    "seminar_lib.keras_models",
    "seminar_lib.keras_generative",
    "seminar_lib.keras_language",
}


def test_every_submodule_imports_without_tooling_jupyter_or_tensorflow():
    result = run_python(
        "import importlib, json, pkgutil, sys\n"
        f"for name in {BLOCKED_MODULES!r}:\n"
        "    sys.modules[name] = None  # `import name` now raises ImportError\n"
        "class Blocker:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.startswith({BLOCKED_PREFIXES!r}):\n"
        "            raise ImportError(f'{name} is blocked')\n"
        "sys.meta_path.insert(0, Blocker())\n"
        "import seminar_lib\n"
        "failed = {}\n"
        "names = [m.name for m in pkgutil.walk_packages(seminar_lib.__path__, 'seminar_lib.',\n"
        "         onerror=lambda name: failed.setdefault(name, 'package failed to import'))]\n"
        "for name in names:\n"
        f"    if name in {sorted(NEEDS_KERAS)!r}:\n"
        "        continue\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed[name] = f'{type(error).__name__}: {error}'\n"
        "print(json.dumps({'imported': len(names), 'failed': failed}))\n"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["failed"] == {}
    assert report["imported"] > 10  # the walk found the submodules


def test_import_seminar_lib_leaves_tensorflow_out():
    result = run_python("import sys, seminar_lib\nprint('tensorflow' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# Figures record their smallest text for `make slidefit` (seminar_lib/_figure_text.py).


def inline_png(**kwargs):
    """The PNG formatter the inline backend registers for figures (see IPython.core.pylabtools)."""
    from IPython.core.pylabtools import print_figure

    return partial(print_figure, fmt="png", base64=True, **kwargs)


@pytest.mark.parametrize(("print_kwargs", "dpi"), [({}, 100), ({"dpi": 150}, 150)])
def test_png_formatter_records_the_smallest_text_in_png_pixels(print_kwargs, dpi):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seminar_lib._figure_text import TEXT_SIZE_KEY, _PngWithTextSize, png_dpi

    seminar_lib.setup_notebook(0)  # figure.dpi 100: the dpi of inline PNGs
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("7 ポイントのラベル", fontsize=7)
    ax.set_title("hidden", fontsize=5, visible=False)  # hidden texts do not count
    ax.text(0.5, 0.5, " ", fontsize=4)  # nor do empty ones
    inner = inline_png(**print_kwargs)
    data, metadata = _PngWithTextSize(inner)(fig)
    plt.close(fig)
    assert data == inner(fig)  # the image is unchanged
    assert png_dpi(base64.b64decode(data)) == pytest.approx(dpi, abs=0.01)
    assert metadata == {TEXT_SIZE_KEY: pytest.approx(7 * dpi / 72, abs=0.01)}


def test_png_formatter_keeps_retina_metadata_and_empty_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import retina_figure

    from seminar_lib._figure_text import TEXT_SIZE_KEY, _PngWithTextSize

    seminar_lib.setup_notebook(0)
    fig, ax = plt.subplots()
    ax.set_xlabel("x", fontsize=7)
    data, metadata = _PngWithTextSize(partial(retina_figure, base64=True))(fig)
    assert metadata["width"] == struct.unpack(">I", base64.b64decode(data)[16:20])[0] // 2
    assert metadata[TEXT_SIZE_KEY] == pytest.approx(7 * 200 / 72, abs=0.01)  # PNG px at 2x
    assert _PngWithTextSize(inline_png())(plt.figure()) is None  # nothing to show
    plt.close("all")


def test_figure_text_size_needs_no_ipython():
    result = run_python(
        "import sys\n"
        "sys.modules['IPython'] = None  # `import IPython` now raises ImportError\n"
        "from seminar_lib._figure_text import record_figure_text_size\n"
        "record_figure_text_size()  # what setup_notebook calls: nothing to do outside IPython\n"
        "print('matplotlib' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_figures_of_a_kernel_carry_their_text_size_whenever_pyplot_is_set_up():
    """In a kernel the metadata is there in the notebooks' order (pyplot, then setup), for a
    first figure shown by plt.show() too, and after a later ``%matplotlib inline`` or a switch to
    retina PNGs, which reinstall the formatter."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from nbformat.v4 import new_code_cell, new_notebook

    figure = "fig, ax = plt.subplots()\nax.set_xlabel('x', fontsize=7);"
    cells = [
        "import matplotlib.pyplot as plt\nfrom seminar_lib import setup_notebook\n"
        "rng = setup_notebook(seed=0)",
        "with plt.rc_context({'font.size': 14}):  # the first figure, shown at once\n"
        "    fig, ax = plt.subplots()\n    ax.set_xlabel('x', fontsize=7)\n    plt.show()",
        figure,
        f"%matplotlib inline\n{figure}",
        f"from matplotlib_inline.backend_inline import set_matplotlib_formats\n"
        f"set_matplotlib_formats('retina')\n{figure}",
    ]
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    found = []
    for cell in nb.cells[1:]:
        outputs = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(outputs) == 1, nbformat.writes(nb)[-3000:]
        found.append(outputs[0].metadata["image/png"]["seminar_min_text_px"])
    px_7pt = 7 * 100 / 72  # at figure.dpi 100; retina PNGs have twice the pixels
    assert found == pytest.approx([px_7pt, px_7pt, px_7pt, 2 * px_7pt], abs=0.01)
