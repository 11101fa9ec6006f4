"""Checkers for the exercises (課題): instant feedback in Japanese, one module per session.

Each checker runs the student's answer on known cases and returns a
:class:`~seminar_lib.exercises._feedback.Feedback`, which shows as one line in the notebook: a
pass, or a specific hint (wrong shape, wrong value on which input, an error raised, not
implemented yet). Checkers never raise because of the answer.

Modules, named for their session, each serving one notebook (a session with many exercises
has two):

- ``s00_numpy`` (``00_python_numpy.ipynb``, 課題1–4): ``check_squares_of_evens``,
  ``check_flatten_images``, ``check_normalize_rows``, ``check_select_class``
- ``s00_maths`` (``00_python_numpy.ipynb``, 課題5–6): ``check_two_layer_forward``,
  ``check_grad_wb``
- ``s01_perceptron`` (``01_neuron_perceptron.ipynb``): ``check_perceptron``,
  ``check_gate_weights``, ``check_tanh_grad``, ``check_xor``
- ``s02_mlp`` (``02_mlp_softmax.ipynb``): ``check_softmax``, ``check_hyperparameters``
- ``s02_layers`` (``02_mlp_softmax.ipynb``, the student's own layers): ``check_affine_layer``,
  ``check_relu_layer``, ``check_softmax_with_loss``, ``check_two_layer_net``
- ``s03_cnn`` (``03_deep_cnn.ipynb``): ``check_conv_output_size``, ``check_maxpool_forward``,
  ``check_edge_filter``, ``check_conv_forward``
- ``s03_layers`` (``03_deep_cnn.ipynb``, the student's own layer): ``check_dropout_layer``
- ``s04_data`` (``04_data_cnn.ipynb``): ``check_cifar_row``, ``check_one_hot``,
  ``check_standardize``, ``check_to_float_images``
- ``s04_cnn`` (``04_data_cnn.ipynb``, 5 節): ``check_fashion_cnn`` (re-exported by ``s04_data``)
- ``s05_contest`` (``05_contest.ipynb``): ``check_macro_f1``, ``check_public_private``,
  ``check_is_valid_submission``
- ``s06_rnn`` (``06_rnn_lstm.ipynb``): ``check_rnn_step``, ``check_lstm_step``,
  ``check_make_windows``, ``check_temperature_softmax``
- ``s07_generative`` (``07_generative.ipynb``): ``check_gaussian_kl``, ``check_reparameterize``,
  ``check_discriminator_loss``, ``check_q_sample``
- ``s08_attention`` (``08_attention_transformer.ipynb``): ``check_attention_weights``,
  ``check_causal_mask``, ``check_positional_encoding``, ``check_attention_head``

``_feedback`` holds ``Feedback`` and the helpers the session modules share.

A notebook imports the checker of its session and calls it on the student's function (or
values); the cell ends on the call, so the one-line feedback is the cell's output::

    from seminar_lib.exercises.s02_mlp import check_softmax

    check_softmax(softmax)  # ✅ 正解です！ ... or ❌ もう一歩です: <hint>

This package re-exports nothing: import from the session module.
"""
