"""Course tooling: re-execute notebooks, write student copies, build and measure slides, the corpus.

Run from the checkout (the tooling is not installed with the teaching package)::

    python -m tools execute [NOTEBOOK ...]
    python -m tools student [NOTEBOOK ...] [--out DIR]   # default build/student
    python -m tools slides  [NOTEBOOK ...] [--out DIR]   # default build/slides
    python -m tools slidefit [NOTEBOOK ...] [--out DIR] [--screenshots]  # default build/slidefit
    python -m tools site [NOTEBOOK ...] [--out DIR]      # default build/site
    python -m tools handout [NOTEBOOK ...] [--out DIR]   # default build/handout (two zips)
    python -m tools corpus                               # data/course-text/course_text_ja.txt
    python -m tools start|lab [JUPYTERLAB OPTIONS ...]   # JupyterLab on my-notebooks/ | notebooks/

Without NOTEBOOK arguments every ``notebooks/*.ipynb`` is processed, in sorted order.
The modules, one job each: :mod:`tools.notebooks` (listing, reading and checking notebooks),
:mod:`tools.execute`, :mod:`tools.student`, :mod:`tools.slides`, :mod:`tools.slidefit` (every
slide measured in headless Chromium, driven by :mod:`tools.headless`: too tall, text too small;
exit status 1 when a slide is too tall), :mod:`tools.site` (the static course site),
:mod:`tools.handout` (the zips for the lab's shared drive), :mod:`tools.lab` (the student's copies
and a Japanese JupyterLab) and :mod:`tools.corpus`.
They need nbformat, nbclient and nbconvert (``pip install -e '.[tools]'``, part of
``make setup``), imported inside the functions that use them; nothing here imports TensorFlow.
"""
