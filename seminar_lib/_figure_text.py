"""The smallest text of each inline figure, stored with the figure for ``make slidefit``.

How large a figure's labels look on a slide cannot be read from the PNG; the kernel knows it.
:func:`record_figure_text_size` (called by ``setup_notebook``) wraps IPython's PNG formatter
for matplotlib figures: the image is unchanged, and the output's metadata gains
``{"image/png": {"seminar_min_text_px": X}}``, X being the font size of the smallest visible,
non-empty text of the figure in pixels of that PNG (font size in points x dpi / 72, with the dpi
of the PNG itself: ``figure.dpi`` for the inline backend, twice that for "retina"). tools/slidefit
scales X by the width the image is shown at. nbval does not compare output metadata.

The inline backend installs its own formatter when it is activated: ``setup_notebook`` activates
it first (when matplotlib is set to it, as in a Jupyter kernel), then wraps the formatter. Should
something install it again (``set_matplotlib_formats``, another backend and back), the wrapper is
also put back before and after each cell runs: ``post_execute`` callbacks run in the order they
were registered, and ours comes before the inline backend's ``flush_figures`` that shows the
cell's figures (unless a figure was drawn before ``setup_notebook``). A figure shown by
``plt.show()`` in the very cell that replaced the formatter has no size (``make slidefit`` lists
it as unknown).
"""

from __future__ import annotations

import base64
import struct
import sys

__all__ = ["TEXT_SIZE_KEY", "min_text_px", "png_dpi", "record_figure_text_size"]

#: Key of the smallest text size in ``output.metadata["image/png"]``.
TEXT_SIZE_KEY = "seminar_min_text_px"


def png_dpi(png: bytes) -> float | None:
    """Resolution stored in the pHYs chunk of ``png`` (matplotlib writes it), or ``None``."""
    position = 8  # after the PNG signature
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        if kind == b"pHYs":
            x_per_unit, _, unit = struct.unpack(">IIB", png[position + 8 : position + 17])
            # Unit 1: per metre, rounded to whole pixels per metre (150 dpi: 150.0124).
            return round(x_per_unit * 0.0254, 1) if unit == 1 else None
        if kind == b"IDAT":
            return None  # pHYs comes before the image data
        position += 12 + length
    return None


def min_text_px(fig, dpi: float) -> float | None:
    """Smallest font size of the visible, non-empty texts of ``fig``, in pixels at ``dpi``.

    Artists hidden themselves or inside a hidden parent (an invisible axes) do not count;
    ``None`` when the figure has no text.
    """
    from matplotlib.text import Text

    sizes = []
    stack = [fig]
    while stack:
        artist = stack.pop()
        if not artist.get_visible():
            continue
        if isinstance(artist, Text) and artist.get_text().strip():
            sizes.append(artist.get_fontsize())
        stack.extend(artist.get_children())
    return round(min(sizes) * dpi / 72, 2) if sizes else None


class _PngWithTextSize:
    """IPython PNG formatter for figures: ``inner``'s image, plus the smallest text size."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, fig):
        result = self.inner(fig)
        if result is None:  # an empty figure shows nothing
            return None
        data, metadata = result if isinstance(result, tuple) else (result, None)
        png = base64.b64decode(data) if isinstance(data, str) else data
        px = min_text_px(fig, png_dpi(png) or fig.dpi)
        if px is None:
            return result
        return data, {**(metadata or {}), TEXT_SIZE_KEY: px}

    def __repr__(self):
        return f"_PngWithTextSize({self.inner!r})"


def _wrap_png_formatter(shell) -> None:
    """Wrap the PNG formatter registered for ``Figure`` in ``shell``, once (if there is one)."""
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    current = formatter.type_printers.get(Figure)
    if current is not None and not isinstance(current, _PngWithTextSize):
        formatter.for_type(Figure, _PngWithTextSize(current))


def record_figure_text_size() -> None:
    """In an IPython kernel, store each figure's smallest text size with its PNG output.

    Does nothing outside IPython (a script, a test); IPython is never imported here.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    # First the callbacks, so that ours runs before the inline backend's `flush_figures`.
    for event in ("pre_execute", "post_execute"):
        if _rewrap not in shell.events.callbacks[event]:
            shell.events.register(event, _rewrap)
    if _inline_backend_requested():
        # Importing the backend sets it up now (activate, register its formatters); otherwise
        # that happens at the first figure, and a plt.show() in that cell would show the
        # figure before the wrapper is back. Later imports of the module do nothing.
        import matplotlib_inline.backend_inline  # noqa: F401
    _wrap_png_formatter(shell)


def _inline_backend_requested() -> bool:
    """Whether matplotlib is set to the inline backend (a Jupyter kernel sets MPLBACKEND)."""
    import matplotlib as mpl

    try:
        backend = mpl.get_backend(auto_select=False)  # matplotlib >= 3.10: does not resolve it
    except TypeError:
        backend = mpl.rcParams._get("backend")  # as matplotlib_inline does for older versions
    return backend in ("inline", "module://matplotlib_inline.backend_inline")


def _rewrap() -> None:
    """Put the wrapper back if the inline backend replaced it (an IPython event callback)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        _wrap_png_formatter(shell)
