"""Figure helpers of the course, one module per topic.

Every helper takes ``ax=None``, draws on that Axes (a new figure when it is None) and returns
the Axes; none calls ``plt.show()``. Call :func:`seminar_lib.setup_notebook` first so that
Japanese text renders with IPAexGothic. matplotlib is imported inside the helpers, so importing
this package is cheap.

=========================  =================================================================
module                     holds
=========================  =================================================================
``plotting.images``        data and images: ``show_images``, ``plot_pixel_values``,
                           ``plot_class_counts``, ``plot_split_class_counts``,
                           ``show_misclassified``, ``show_weights``, ``show_filters``,
                           ``show_feature_maps``, ``plot_matrix``
``plotting.training``      training curves and diagnostics: ``plot_learning_curves``,
                           ``plot_confusion_matrix``, ``plot_layer_histograms``,
                           ``plot_param_counts``
``plotting.diagrams``      network diagrams and history: ``draw_network``, ``plot_timeline``,
                           ``plot_nested_sets``, ``draw_unrolled_rnn``, ``draw_lstm_cell``
``plotting.generative``    generated images: ``show_image_grid``, ``plot_latent_space``
``plotting.attention``     attention weight maps and the positional encoding:
                           ``plot_attention``, ``plot_positional_encoding``
``plotting.neuron``        the biological neuron: ``plot_action_potential``
``plotting.boundaries``    functions of the input: ``plot_activations``,
                           ``plot_decision_boundary``, ``plot_perceptron_epochs``
``plotting._common``       shared: class colours and markers, the Axes to draw on
=========================  =================================================================

The confusion matrix itself (the counts) is a metric: :func:`seminar_lib.metrics.confusion_matrix`.
"""

from seminar_lib.plotting.attention import plot_attention, plot_positional_encoding
from seminar_lib.plotting.boundaries import (
    plot_activations,
    plot_decision_boundary,
    plot_perceptron_epochs,
)
from seminar_lib.plotting.diagrams import (
    draw_lstm_cell,
    draw_network,
    draw_unrolled_rnn,
    plot_nested_sets,
    plot_timeline,
)
from seminar_lib.plotting.generative import plot_latent_space, show_image_grid
from seminar_lib.plotting.images import (
    plot_class_counts,
    plot_matrix,
    plot_pixel_values,
    plot_split_class_counts,
    show_feature_maps,
    show_filters,
    show_images,
    show_misclassified,
    show_weights,
)
from seminar_lib.plotting.neuron import plot_action_potential
from seminar_lib.plotting.training import (
    plot_confusion_matrix,
    plot_layer_histograms,
    plot_learning_curves,
    plot_param_counts,
)

__all__ = [
    "draw_lstm_cell",
    "draw_network",
    "draw_unrolled_rnn",
    "plot_action_potential",
    "plot_activations",
    "plot_attention",
    "plot_class_counts",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_latent_space",
    "plot_layer_histograms",
    "plot_learning_curves",
    "plot_matrix",
    "plot_nested_sets",
    "plot_param_counts",
    "plot_perceptron_epochs",
    "plot_pixel_values",
    "plot_positional_encoding",
    "plot_split_class_counts",
    "plot_timeline",
    "show_feature_maps",
    "show_filters",
    "show_image_grid",
    "show_images",
    "show_misclassified",
    "show_weights",
]
