"""seminar_lib: the library behind the dl-seminar notebooks.

Importing the package is cheap: it needs NumPy only. TensorFlow is imported by the few modules
that need Keras, and by :func:`setup_notebook` to seed Keras, never by ``import seminar_lib``.
"""

from __future__ import annotations

import importlib.util
import os
import random

import numpy as np

from seminar_lib._tfenv import TF_ENVIRONMENT, import_keras
from seminar_lib.datasets import DatasetError

__all__ = ["DatasetError", "__version__", "setup_notebook"]

__version__ = "0.1.0"


# The one figure style of the course: readable on a laptop and on a 1280x720 slide.
FIGURE_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Prepare a notebook (or script) of the course; call it first, in the second cell.

    It sets ``TF_ENABLE_ONEDNN_OPTS=0`` and ``TF_CPP_MIN_LOG_LEVEL=2`` (they only take effect
    before TensorFlow is imported), seeds Python's ``random``, NumPy's global generator and,
    when TensorFlow is installed, Keras (``keras.utils.set_random_seed``); turns on Japanese
    fonts in matplotlib (IPAexGothic from matplotlib-fontja) and the course's figure style.
    In a Jupyter kernel, each figure's PNG output also records the size of its smallest text
    (``output.metadata["image/png"]["seminar_min_text_px"]``, read by ``make slidefit``); the
    image itself is unchanged. Calling it again re-seeds everything and is otherwise harmless.

    Parameters
    ----------
    seed : int
        Non-negative seed used for every generator.

    Returns
    -------
    numpy.random.Generator
        A fresh generator seeded with ``seed``: pass it to every function that draws.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"Expected `seed` to be an int. Received: seed={seed!r}")
    if seed < 0:
        raise ValueError(f"Expected `seed` >= 0. Received: seed={seed}")
    seed = int(seed)
    os.environ.update(TF_ENVIRONMENT)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))

    random.seed(seed)
    np.random.seed(seed)
    if importlib.util.find_spec("tensorflow") is not None:
        import_keras().utils.set_random_seed(seed)

    import matplotlib as mpl
    import matplotlib_fontja

    from seminar_lib._figure_text import record_figure_text_size

    record_figure_text_size()  # only inside IPython; first, as it may set up the inline backend
    matplotlib_fontja.japanize()  # registers IPAexGothic and makes it the default family
    mpl.rcParams.update(FIGURE_STYLE)
    return np.random.default_rng(seed)
