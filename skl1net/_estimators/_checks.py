"""Checks of inputs the compiled kernels trust, and of a model's own consistency.

Three kinds of input reach code that does not check them itself:

- the index arrays of a sparse matrix, which the compiled kernels and
  scipy's sparse products follow without bounds checks (an out-of-range
  column index reads or writes outside the weight matrix);
- the class weights and sample weights, whose sign, finiteness and scale
  decide the sign and the size of every gradient;
- the fitted attributes of a model that was loaded from a file (or set by
  hand) rather than fitted in this process: the weight matrices must chain,
  the output layer must match the classes, and every value must be finite.

Each check is one pass over an index or weight array, run once per call (not
per mini-batch), and raises a one-line ``ValueError`` naming what is wrong.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.utils.extmath import row_norms

from .._network._mlp import ACTIVATIONS


# -- sparse input ----------------------------------------------------------------
def _check_range(name, what, index, bound):
    """Raise unless every entry of the integer array ``index`` is in ``[0, bound)``."""
    if index.dtype.kind not in "iu":
        raise ValueError(
            f"Invalid {name}: its {what} have dtype {index.dtype}, not an integer type."
        )
    if len(index) == 0:
        return
    low, high = index.min(), index.max()
    if low < 0 or high >= bound:
        bad = low if low < 0 else high
        raise ValueError(
            f"Invalid {name}: the sparse matrix is corrupt, its {what} must lie in "
            f"[0, {bound}) but it holds {int(bad)}."
        )


def check_sparse_structure(X, name="X"):
    """Raise ``ValueError`` if the index arrays of a sparse matrix ``X`` are malformed.

    Checks what scipy's ``check_format(full_check=True)`` checks (the index
    pointer starts at 0, never decreases and ends within the index array;
    every index is in range), in a few vectorized passes over the index
    arrays, and without modifying ``X`` (``check_format`` prunes it). Dense
    input and sparse formats without index arrays pass unchecked.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from skl1net._estimators._checks import check_sparse_structure
    >>> X = sp.csr_matrix([[1.0, 0.0], [0.0, 2.0]])
    >>> check_sparse_structure(X)
    >>> X.indices[0] = 5
    >>> check_sparse_structure(X)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Invalid X: the sparse matrix is corrupt, its column indices must lie in [0, 2) ...
    """
    if not sp.issparse(X):
        return
    fmt = X.format
    if fmt == "coo":
        row, col = X.row, X.col
        if row.shape != col.shape or row.shape != X.data.shape:
            raise ValueError(
                f"Invalid {name}: the sparse matrix is corrupt, its row, col and data "
                "arrays differ in length."
            )
        _check_range(name, "row indices", row, X.shape[0])
        _check_range(name, "column indices", col, X.shape[1])
        return
    if fmt not in ("csr", "csc", "bsr"):
        return
    n_major, n_minor = X.shape if fmt != "csc" else X.shape[::-1]
    if fmt == "bsr":
        n_major, n_minor = n_major // X.blocksize[0], n_minor // X.blocksize[1]
    what = "row indices" if fmt == "csc" else "column indices"
    indptr, indices = np.asarray(X.indptr), np.asarray(X.indices)
    if indptr.dtype.kind not in "iu" or indptr.ndim != 1 or len(indptr) != n_major + 1:
        raise ValueError(
            f"Invalid {name}: the sparse matrix is corrupt, its index pointer (indptr) "
            f"must be {n_major + 1} integers, got {indptr.dtype} of shape "
            f"{indptr.shape}."
        )
    if indices.ndim != 1 or len(indices) != len(X.data):
        raise ValueError(
            f"Invalid {name}: the sparse matrix is corrupt, its indices and data "
            f"differ in length ({len(indices)} and {len(X.data)})."
        )
    if indptr[0] != 0 or indptr[-1] > len(indices) or np.any(indptr[1:] < indptr[:-1]):
        raise ValueError(
            f"Invalid {name}: the sparse matrix is corrupt, its index pointer (indptr) "
            f"must rise from 0 to at most {len(indices)} without decreasing."
        )
    _check_range(name, what, indices[: indptr[-1]], n_minor)


# -- weights ---------------------------------------------------------------------
def relative_weights(weights):
    """``weights`` divided by their maximum (None stays None), computed in float64.

    The objective is a weighted *mean*, so scaling every weight by one factor
    changes nothing but the range of the sums: weights near the float64 limit
    (1e305) would overflow them. The weights must be finite, non-negative and
    not all zero (checked before).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._estimators._checks import relative_weights
    >>> relative_weights(np.array([1e305, 2e305])).tolist()
    [0.5, 1.0]
    """
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=np.float64)
    top = weights.max() if weights.size else 0.0
    return weights / top if top > 0 else weights


def check_class_weight(class_weight, classes):
    """Raise ``ValueError`` unless the dict ``class_weight`` suits ``classes``.

    Its keys must be classes (those of ``classes_``) and its values finite,
    non-negative numbers, as ``sample_weight`` must be: a negative weight
    flips the sign of its samples' loss, so that training maximizes it.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._estimators._checks import check_class_weight
    >>> check_class_weight({0: 1.0, 1: 2.0}, np.array([0, 1, 2]))
    >>> check_class_weight({0: -1.0}, np.array([0, 1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: class_weight must map classes to finite, non-negative numbers; class 0 ...
    """
    if not isinstance(class_weight, dict):
        return
    known = set(classes.tolist())
    unknown = [key for key in class_weight if key not in known]
    if unknown:
        raise ValueError(
            f"class_weight has keys that are not classes: {unknown!r}; the classes "
            f"are {classes.tolist()!r}."
        )
    for key, value in class_weight.items():
        if (
            not isinstance(value, Real)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(
                "class_weight must map classes to finite, non-negative numbers; "
                f"class {key!r} has {value!r}."
            )
    every_class = len(class_weight) == len(known)
    if class_weight and every_class and not any(class_weight.values()):
        raise ValueError("class_weight is zero for every class: no sample would count.")


# -- feature scale ---------------------------------------------------------------
#: ``eta='auto'`` refuses features whose mean row norm is below this. The
#: first layer's pre-activations then move by at most about ``eta * ||x||^2``
#: (times the momentum's gain of 10) per step, 1e-6 at this norm: they stay at
#: their random start for any feasible number of steps. (On scikit-learn's
#: digits scaled to a mean row norm of 0.01 the defaults, even with
#: ``lmbda=0``, train to chance in 50 epochs; at 0.1 they reach 73 %.)
TINY_ROW_NORM = 1e-3


def check_features_not_overflowing(X):
    """Raise ``ValueError`` if the squared norms of the rows of ``X`` overflow its dtype.

    Checked on the data of every ``fit`` and ``partial_fit``, whatever the
    solver and ``eta``: under SGD such features diverge, but Adam's steps are
    bounded by ``eta`` and would train on, with a huge finite loss.
    """
    if X.shape[0]:
        with np.errstate(over="ignore"):
            check_feature_scale(row_norms(X, squared=True), X, tiny=False)


def check_feature_scale(sq_norms, X, tiny=True):
    """Raise ``ValueError`` if the features are out of the range a network can train on.

    ``sq_norms`` are the squared norms of the rows of ``X``. Their mean must
    be finite (features around 1e154 overflow it in float64, 1e19 in float32:
    no step size is then both positive and stable) and, if ``tiny`` and
    unless every feature is zero, at least ``TINY_ROW_NORM ** 2``.
    """
    with np.errstate(over="ignore"):
        mean = float(np.mean(sq_norms, dtype=np.float64))
    if not math.isfinite(mean):
        largest = float(abs(X).max())
        raise ValueError(
            f"The features are too large to train on: their squared norms overflow "
            f"{X.dtype} (largest |X| is {largest:.3g}). Standardize them, for example "
            "with sklearn.preprocessing.StandardScaler."
        )
    if tiny and 0 < mean < TINY_ROW_NORM**2:
        raise ValueError(
            "The features are too small to train on (mean row norm "
            f"{math.sqrt(mean):.3g}): the first layer's outputs barely depend on "
            "them and the model predicts about the same for every input. Standardize them, for "
            "example with sklearn.preprocessing.StandardScaler."
        )


# -- fitted models ---------------------------------------------------------------
class _Inconsistent(ValueError):
    """A fitted model's attributes contradict each other (a ``ValueError``)."""

    def __init__(self, message):
        super().__init__(f"Inconsistent model: {message}")


def check_model(est, *, finite=True):
    """Raise ``ValueError`` naming the first inconsistency of a fitted model ``est``.

    Checks that ``coefs_`` and ``intercepts_`` are lists of float arrays of
    one dtype (weights dense or CSR, with sound index arrays), that the shapes
    chain from ``n_features_in_`` through every layer with
    ``intercepts_[i].shape == (coefs_[i].shape[1],)``, that ``n_layers_``,
    ``n_outputs_``, ``out_activation_`` and (for a classifier) ``classes_``
    match the output layer, and, with ``finite``, that every weight and bias
    is finite.
    """
    try:
        n_outputs = _check_layers(est)
        _check_outputs(est, n_outputs)
    except (AttributeError, TypeError) as exc:  # a missing or mistyped attribute
        raise _Inconsistent(f"{exc}.") from None
    if finite:
        check_finite_weights(est)


def _check_layers(est):
    """Check the weight matrices and bias vectors; return the output layer's units."""
    coefs, intercepts = list(est.coefs_), list(est.intercepts_)
    if not coefs or len(coefs) != len(intercepts):
        raise _Inconsistent(
            f"{len(coefs)} weight matrices and {len(intercepts)} bias vectors; a "
            "network needs one of each per layer, at least one."
        )
    dtype = getattr(coefs[0], "dtype", None)
    if dtype not in (np.float32, np.float64):
        raise _Inconsistent(f"coefs_[0] has dtype {dtype}, not float32 or float64.")
    n_in = est.n_features_in_
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        dense = isinstance(W, np.ndarray) and W.ndim == 2
        if not (dense or (sp.issparse(W) and W.format == "csr")):
            raise _Inconsistent(f"coefs_[{i}] is not a 2-D array or CSR matrix.")
        if not isinstance(b, np.ndarray):
            raise _Inconsistent(f"intercepts_[{i}] is not an array.")
        for name, value in ((f"coefs_[{i}]", W), (f"intercepts_[{i}]", b)):
            if value.dtype != dtype:
                raise _Inconsistent(
                    f"{name} has dtype {value.dtype}, coefs_[0] {dtype}."
                )
        if sp.issparse(W):
            check_sparse_structure(W, f"coefs_[{i}]")
        if W.shape[0] != n_in:
            source = "n_features_in_ is" if i == 0 else f"coefs_[{i - 1}] has"
            unit = "features" if i == 0 else "columns"
            raise _Inconsistent(
                f"coefs_[{i}] has {W.shape[0]} rows but {source} {n_in} {unit}."
            )
        if b.shape != (W.shape[1],):
            raise _Inconsistent(
                f"intercepts_[{i}] has shape {b.shape}, coefs_[{i}] {W.shape[1]} "
                f"columns: it must have shape ({W.shape[1]},)."
            )
        n_in = W.shape[1]
    names = getattr(est, "feature_names_in_", None)
    if names is not None and len(names) != est.n_features_in_:
        raise _Inconsistent(
            f"{len(names)} feature names for {est.n_features_in_} features."
        )
    if est.n_layers_ != len(coefs) + 1:
        raise _Inconsistent(
            f"n_layers_ is {est.n_layers_} but the network has {len(coefs) + 1} layers."
        )
    return n_in


def _check_outputs(est, n_units):
    """Check that an output layer of ``n_units`` suits the targets of ``est``."""
    if isinstance(est, ClassifierMixin):  # (cheaper than is_classifier)
        classes = np.asarray(est.classes_)
        if est._multilabel:
            expected, which = len(classes), f"classes_ has {len(classes)} labels"
        else:
            expected = 1 if len(classes) == 2 else len(classes)
            which = f"classes_ has {len(classes)} classes"
            if len(classes) < 2:
                raise _Inconsistent(f"{which}, fewer than 2.")
        if expected != n_units:
            raise _Inconsistent(f"{which} but the output layer has {n_units} units.")
        if not np.array_equal(np.asarray(est._label_binarizer.classes_), classes):
            raise _Inconsistent(
                "classes_ differs from the classes of its label binarizer."
            )
    if est.n_outputs_ != n_units:
        raise _Inconsistent(
            f"n_outputs_ is {est.n_outputs_} but the output layer has {n_units} units."
        )
    valid = isinstance(est.activation, str) and est.activation in ACTIVATIONS
    if not valid or est.out_activation_ != est._out_activation:
        raise _Inconsistent(
            f"activation={est.activation!r} and out_activation_="
            f"{est.out_activation_!r}; the outputs need {est._out_activation!r}."
        )


def check_finite_weights(est):
    """Raise ``ValueError`` naming the first weights or biases holding NaN or inf."""
    for kind in ("coefs_", "intercepts_"):
        for i, value in enumerate(getattr(est, kind)):
            data = value.data if sp.issparse(value) else value
            if not np.isfinite(data).all():
                raise _Inconsistent(
                    f"{kind}[{i}] contains NaN or infinity; the model is damaged. "
                    "Refit it or load an intact copy."
                )
