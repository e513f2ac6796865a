"""Offline data sets for the benchmarks: scikit-learn's digits, and a harder 28x28 version.

``digits28`` upsamples each 8x8 digit to 20x20 (bilinear) and pastes it at a
random offset on a 28x28 canvas, several times per image with different
offsets: MNIST-sized inputs (784 pixels, empty borders, translation
variability) built from data that ships with scikit-learn, so the benchmark
runs offline and deterministically. Train and test images come from disjoint
original digits, so shifted copies of a test digit are never trained on.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def digits(random_state=0):
    """scikit-learn's 8x8 digits scaled to [0, 1]: (X_train, X_test, y_train, y_test)."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=random_state)


def _shifted_copies(images, labels, copies, rng):
    big = zoom(images.reshape(-1, 8, 8), (1, 2.5, 2.5), order=1)  # (n, 20, 20)
    big = np.clip(big, 0, None) / 16.0
    n = len(images) * copies
    out = np.zeros((n, 28, 28))
    offsets = rng.integers(0, 9, size=(n, 2))
    for k, (dy, dx) in enumerate(offsets):
        out[k, dy : dy + 20, dx : dx + 20] = big[k % len(images)]
    return out.reshape(n, 784), np.tile(labels, copies)


def digits28(copies=6, random_state=0):
    """Shifted 28x28 digits: (X_train, X_test, y_train, y_test), float64 in [0, 1]."""
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    rng = np.random.default_rng(random_state)
    X_tr, y_tr = _shifted_copies(X_tr, y_tr, copies, rng)
    X_te, y_te = _shifted_copies(X_te, y_te, copies, rng)
    return X_tr, X_te, y_tr, y_te


def _distorted_copies(images, labels, copies, rng):
    from scipy.ndimage import affine_transform

    big = np.clip(zoom(images.reshape(-1, 8, 8), (1, 2.5, 2.5), order=1), 0, None) / 16.0
    n = len(images) * copies
    out = np.empty((n, 28, 28))
    canvas = np.zeros((28, 28))
    for k in range(n):
        canvas[:] = 0
        canvas[4:24, 4:24] = big[k % len(images)]
        angle = np.deg2rad(rng.uniform(-20, 20))
        scale = rng.uniform(0.85, 1.15)
        shear = rng.uniform(-0.2, 0.2)
        # output pixel p samples the input at A @ (p - c) + c + shift
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        A = rot @ np.array([[1.0, shear], [0.0, 1.0]]) / scale
        shift = rng.uniform(-3.5, 3.5, size=2)
        c = np.array([13.5, 13.5])
        out[k] = affine_transform(canvas, A, offset=c - A @ c + shift, order=1)
    out += rng.normal(0.0, 0.1, out.shape)
    return np.clip(out, 0, 1).reshape(n, 784), np.tile(labels, copies)


def digits28_distorted(copies=6, random_state=0):
    """28x28 digits rotated (+-20 deg), scaled, sheared, shifted, with pixel noise.

    Like :func:`digits28`, but each copy also gets a random affine distortion
    and Gaussian pixel noise (sd 0.1, clipped to [0, 1]: a third of all pixels
    are exactly zero, against 84% in ``digits28``): a third image set with a
    different input distribution, to check that defaults are not tuned to
    one data set. Train and test images come from disjoint original digits.
    """
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    rng = np.random.default_rng(random_state + 1)
    X_tr, y_tr = _distorted_copies(X_tr, y_tr, copies, rng)
    X_te, y_te = _distorted_copies(X_te, y_te, copies, rng)
    return X_tr, X_te, y_tr, y_te


DATASETS = {"digits": digits, "digits28": digits28, "digits28d": digits28_distorted}
