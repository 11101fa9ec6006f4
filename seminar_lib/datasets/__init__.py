"""Verified, offline dataset loaders and small toy datasets, one module per job.

Nothing here downloads anything. The files are read from the checkout's ``data/`` folder (or
from ``$SEMINAR_DATA_DIR``, see :mod:`seminar_lib.paths`), and every file of the repository is
checked against the SHA-256 of its content, so a missing, truncated or altered file is reported
instead of being used.

============================  ==============================================================
module                        holds
============================  ==============================================================
``datasets.idx``              MNIST and Fashion-MNIST IDX files: ``load_mnist``,
                              ``load_fashion_mnist``, ``FASHION_MNIST_CLASSES(_JA)``
``datasets.cifar10``          CIFAR-10 "python version" batches: ``load_cifar10``,
                              ``CIFAR10_CLASSES_JA`` (read with a restricted unpickler)
``datasets.image_folder``     one sub-folder per class: ``load_image_folder``, ``ImageFolder``
``datasets.course_text``      the course's Japanese text: ``load_course_text``
``datasets.toy``              logic gates: ``LOGIC_GATES``, ``logic_gate``
``datasets._files``           shared by the loaders: ``DatasetError``, checksums, the cache
============================  ==============================================================

The folders themselves (``data_dir``, ``build_dir``) live in :mod:`seminar_lib.paths`; the
example files of notebook 04 and the tests are written by :mod:`seminar_lib.demo_files`.
"""

from seminar_lib.datasets._files import DatasetError
from seminar_lib.datasets.cifar10 import (
    CIFAR10_CLASSES_JA,
    CIFAR10_FOLDER,
    CIFAR10_TRAIN_BATCHES,
    load_cifar10,
)
from seminar_lib.datasets.course_text import load_course_text
from seminar_lib.datasets.idx import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_CLASSES_JA,
    load_fashion_mnist,
    load_mnist,
)
from seminar_lib.datasets.image_folder import COLOR_MODES, ImageFolder, load_image_folder
from seminar_lib.datasets.toy import LOGIC_GATES, logic_gate
from seminar_lib.paths import data_dir

__all__ = [
    "CIFAR10_CLASSES_JA",
    "CIFAR10_FOLDER",
    "CIFAR10_TRAIN_BATCHES",
    "COLOR_MODES",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_CLASSES_JA",
    "LOGIC_GATES",
    "DatasetError",
    "ImageFolder",
    "data_dir",
    "load_cifar10",
    "load_course_text",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "logic_gate",
]
