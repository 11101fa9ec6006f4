"""Importing Keras/TensorFlow without the C++ noise that would land in notebooks as stderr.

``TF_CPP_MIN_LOG_LEVEL=2`` silences TensorFlow's own logging, but on a machine without CUDA
drivers TensorFlow 2.21 still writes two lines per shared library through Abseil *before* Abseil's
logging is initialised, which no environment variable controls. ipykernel forwards such C-level
writes into the notebook as stderr, and so does CUDA's answer when TensorFlow first looks for a
GPU on a machine that has none. So the import and that first look run with file descriptor 2
captured; the known harmless lines are dropped and anything else is written to ``sys.stderr``
unchanged.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

#: Environment every notebook needs before TensorFlow is imported: oneDNN's non-deterministic
#: kernels off, and TensorFlow's C++ INFO/WARNING lines silenced.
TF_ENVIRONMENT = {"TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}

_HARMLESS = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine"
    # No GPU: CUDA's "no device" answer (303) when TensorFlow first looks for one.
    r"|failed call to cuInit: .*UNKNOWN ERROR \(303\)"
)


def import_keras():
    """Set :data:`TF_ENVIRONMENT`, import and return ``keras`` (TensorFlow backend) quietly."""
    os.environ.update(TF_ENVIRONMENT)
    if "keras" in sys.modules:
        return sys.modules["keras"]
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras
            import tensorflow as tf

            tf.config.list_physical_devices()  # looks for a GPU now, while stderr is captured
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            _pass_on(captured)  # also when the import failed: TensorFlow's own words reach the user
    return keras


def _pass_on(captured) -> None:
    """Write what TensorFlow printed to ``sys.stderr``, less the known harmless lines."""
    captured.seek(0)
    text = captured.read().decode("utf-8", errors="replace")
    kept = [line for line in text.splitlines() if line.strip() and not _HARMLESS.search(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)
