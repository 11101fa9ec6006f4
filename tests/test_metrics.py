"""Metrics: the confusion matrix."""

import numpy as np
import pytest

from seminar_lib import plotting
from seminar_lib.metrics import confusion_matrix


def test_confusion_matrix_counts():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert counts.dtype == np.int64
    assert confusion_matrix([0], [0], num_classes=3).shape == (3, 3)
    with pytest.raises(ValueError, match=r"of one shape \(N,\)"):
        confusion_matrix([0, 1], [0])


def test_confusion_matrix_is_a_metric_not_a_plot():
    assert "confusion_matrix" not in plotting.__all__
    assert not hasattr(plotting, "confusion_matrix")
