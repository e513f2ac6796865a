"""Held-out rows: the validation split of early stopping, of paths and of the CLI."""

# SPDX-License-Identifier: BSD-3-Clause

import math
import warnings

import numpy as np
from sklearn.model_selection import train_test_split


def validation_split(n_samples, fraction, stratify, random_state, stacklevel):
    """Training and held-out row indices, ``fraction`` of the ``n_samples`` rows held out.

    Stratified by the labels ``stratify`` (None: not stratified) when that is
    possible: every class needs 2 samples and each part a sample of every
    class. Otherwise the split is a plain random one, with a warning
    (scikit-learn's MLPs do not stratify multiclass targets at all);
    ``stacklevel`` as for :func:`warnings.warn`, counted from this function's caller.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._training._split import validation_split
    >>> train, test = validation_split(10, 0.2, np.arange(10) % 2, 0, stacklevel=1)
    >>> len(train), np.bincount(np.arange(10)[test] % 2).tolist()
    (8, [1, 1])
    """
    if stratify is not None:
        classes, counts = np.unique(stratify, return_counts=True)
        n_test = math.ceil(fraction * n_samples)
        reason = None
        if counts.min() < 2:
            reason = f"class {classes.tolist()[counts.argmin()]!r} has a single sample"
        elif min(n_test, n_samples - n_test) < len(classes):
            reason = f"{n_test} held-out samples cannot cover {len(classes)} classes"
        if reason:
            warnings.warn(
                f"The held-out part cannot be stratified ({reason}); the split is "
                "a plain random one, which may miss some classes.",
                stacklevel=stacklevel + 1,
            )
            stratify = None
    return train_test_split(
        np.arange(n_samples), test_size=fraction, random_state=random_state, stratify=stratify
    )


def early_stopping_split(n_samples, fraction, stratify, sample_weight, random_state, stacklevel):
    """Sorted training rows and held-out rows of an early-stopping fit.

    As :func:`validation_split`, and checked: the held-out part needs 2
    samples, at least one of positive weight.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._training._split import early_stopping_split
    >>> train, held_out = early_stopping_split(10, 0.2, None, None, 0, stacklevel=1)
    >>> train.tolist() == sorted(train.tolist()), len(held_out)
    (True, 2)
    """
    train, held_out = validation_split(
        n_samples, fraction, stratify, random_state, stacklevel=stacklevel + 1
    )
    if len(held_out) < 2:
        raise ValueError(
            f"validation_fraction={fraction} leaves {len(held_out)} validation "
            f"sample(s) out of {n_samples}; early_stopping needs at least 2."
        )
    if sample_weight is not None and not sample_weight[held_out].any():
        raise ValueError(
            f"sample_weight is zero for every one of the {len(held_out)} held-out "
            "samples early_stopping scores: give more samples a positive weight, "
            "raise validation_fraction or fit with early_stopping=False."
        )
    return np.sort(train), held_out
