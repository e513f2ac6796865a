"""L1MLPClassifierCV: choose ``lmbda`` by cross-validation along warm-started paths."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._classifier import L1MLPClassifier
from .._training._path import check_scale, lmbda_grid, snapshot, walk


def _rows(a, rows):
    return None if a is None else _safe_indexing(a, rows)


def _fold_scores(estimator, X, y, sample_weight, train, test, lmbdas, warm_max_iter):
    """Held-out (weighted) accuracy of each ``lmbda`` along the path fitted on ``train``."""
    X_test, y_test, sw_test = _rows(X, test), _rows(y, test), _rows(sample_weight, test)
    scores = np.empty(len(lmbdas))
    path = walk(
        estimator, _rows(X, train), _rows(y, train), lmbdas, warm_max_iter,
        _rows(sample_weight, train),
    )
    for i, est, _ in path:
        scores[i] = est.score(X_test, y_test, sample_weight=sw_test)
    return scores


def _full_path(estimator, X, y, sample_weight, lmbdas, warm_max_iter):
    """The models of the path fitted on all the data, in the order of ``lmbdas``."""
    models = [None] * len(lmbdas)
    for i, est, _ in walk(estimator, X, y, lmbdas, warm_max_iter, sample_weight):
        models[i] = snapshot(est, estimator)
    return models


def _delegate(name):
    def get(self):
        check_is_fitted(self)
        return getattr(self.best_estimator_, name)

    get.__doc__ = f"``best_estimator_.{name}``."
    return property(get)


class L1MLPClassifierCV(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """L1MLPClassifier whose ``lmbda`` is chosen by cross-validation.

    For each fold, the whole grid of ``lmbdas`` is fitted on the training
    part as one warm-started path (:func:`skl1net.lmbda_path`: from the
    smallest ``lmbda`` up, the first fit from scratch with ``max_iter``
    epochs, each later one from the previous solution with ``warm_max_iter``
    epochs) and every solution is scored on the held-out part only. The
    ``lmbda`` with the best mean accuracy over the folds (the largest one,
    i.e. the sparsest model, among ties) is chosen. The same path is run on
    all the data beside the folds (joblib, ``n_jobs``), and the final model is
    its point at the chosen ``lmbda``: the very procedure the folds scored,
    with no refit from scratch after the search.

    Warm-started points need only a fraction of a cold fit's epochs, which is
    where the time saved over :class:`~sklearn.model_selection.GridSearchCV`
    comes from. The choice is not always GridSearchCV's: a warm start from a
    denser network and a cold start reach different solutions of the same
    non-convex objective, so the two CV curves agree only up to fold noise.
    For the cold fit GridSearchCV would refit, use
    ``clone(cv.estimator).set_params(lmbda=cv.lmbda_).fit(X, y)``.

    Parameters
    ----------
    estimator : L1MLPClassifier, default=None
        The model to tune (its ``lmbda`` is ignored); ``None`` means
        ``L1MLPClassifier()``.
    lmbdas : int or array-like of float, default=10
        The grid: its values, or how many values
        :func:`skl1net._training._path.lmbda_grid` picks from the data (log-spaced from
        the smallest ``lmbda`` that zeroes the first layer down to ``ratio``
        times it).
    ratio : float, default=1e-2
        Smallest over largest ``lmbda`` of an automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`sklearn.model_selection.check_cv`; ``None`` is 5-fold
        stratified.
    n_jobs : int, default=None
        Paths fitted in parallel (joblib: one per fold and one on all the
        data); ``None`` is 1, -1 all cores.
    warm_max_iter : int, 'auto' or None, default='auto'
        Epoch budget of every warm-started fit of a path: 'auto' is
        ``max(10, max_iter // 10)`` capped at ``max_iter``; ``None`` is
        ``max_iter`` as well. A warm fit also stops earlier when the
        estimator's own ``tol`` rule is met.

    Attributes
    ----------
    lmbda_ : float
        The chosen ``lmbda``.
    lmbdas_ : ndarray of shape (n_lmbdas,)
        The grid.
    scores_ : ndarray of shape (n_folds, n_lmbdas)
        Held-out accuracy of every fold and ``lmbda``.
    best_estimator_ : L1MLPClassifier
        The point at ``lmbda_`` of the path fitted on all the data (its
        ``max_iter`` and ``warm_start`` are the template's; ``n_iter_``
        counts the epochs of the path up to it).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during fit, when ``X`` has string column names.
    coefs_, intercepts_, zero_fraction_, support_, n_features_selected_, feature_importances_
        Those of ``best_estimator_``.

    See Also
    --------
    skl1net.lmbda_path : The path each fold computes.
    sklearn.model_selection.GridSearchCV : The same choice, one cold fit per value.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net import L1MLPClassifierCV
    >>> X, y = load_digits(return_X_y=True)
    >>> base = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=20, random_state=0)
    >>> cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3, 1e-4], cv=3).fit(X / 16, y)
    >>> cv.scores_.shape
    (3, 3)
    >>> float(cv.lmbda_) in (1e-2, 1e-3, 1e-4)
    True
    """

    _parameter_constraints: dict = {
        "estimator": [L1MLPClassifier, None],
        "lmbdas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "ratio": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "warm_max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
    }

    def __init__(
        self, estimator=None, *, lmbdas=10, ratio=1e-2, cv=None, n_jobs=None, warm_max_iter="auto"
    ):
        self.estimator = estimator
        self.lmbdas = lmbdas
        self.ratio = ratio
        self.cv = cv
        self.n_jobs = n_jobs
        self.warm_max_iter = warm_max_iter

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose ``lmbda`` by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : {array-like, sparse matrix} of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 2-D indicator matrix for multilabel targets
            (folds then unstratified; the score is the subset accuracy).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples: in every fit (the objective's weighted
            mean loss), in the automatic grid, and in the held-out accuracy
            of each fold. None: equal weights.
        groups : array-like of shape (n_samples,), default=None
            Group labels of the samples, for a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold` passed as ``cv``
            (as in :class:`~sklearn.feature_selection.RFECV`).

        Returns
        -------
        self : L1MLPClassifierCV
            The fitted estimator.
        """
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=(np.float64, np.float32), multi_output=True
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        estimator = L1MLPClassifier() if self.estimator is None else self.estimator
        check_scale(X, estimator, stacklevel=3)  # at the caller of fit (through _fit_context)
        if isinstance(self.lmbdas, Integral):
            lmbdas = lmbda_grid(X, y, estimator, self.lmbdas, self.ratio, sample_weight)
        else:
            lmbdas = np.asarray(self.lmbdas, dtype=np.float64).ravel()
            if not len(lmbdas):
                raise ValueError("lmbdas is empty: give at least one value, or how many to pick.")
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y, groups))
        # The path on all the data runs beside the folds' (first: it is the
        # longest); the final model is its point at the chosen lmbda.
        results = Parallel(n_jobs=self.n_jobs)(
            [delayed(_full_path)(estimator, X, y, sample_weight, lmbdas, self.warm_max_iter)]
            + [
                delayed(_fold_scores)(
                    estimator, X, y, sample_weight, train, test, lmbdas, self.warm_max_iter
                )
                for train, test in folds
            ]
        )
        self.lmbdas_ = lmbdas
        self.scores_ = np.asarray(results[1:])
        mean = self.scores_.mean(axis=0)
        best = np.flatnonzero(mean == mean.max())
        best = best[np.argmax(lmbdas[best])]
        self.lmbda_ = float(lmbdas[best])
        self.best_estimator_ = results[0][best]
        if hasattr(self, "feature_names_in_"):  # the paths ran on the validated array
            self.best_estimator_.feature_names_in_ = self.feature_names_in_
        self.classes_ = self.best_estimator_.classes_
        return self

    def _check_X(self, X):
        # best_estimator_ validates X: it has the feature names and count seen in fit
        check_is_fitted(self)
        return X

    def predict(self, X):
        """Class labels predicted by ``best_estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted classes (the indicator matrix for multilabel targets).
        """
        X = self._check_X(X)
        return self.best_estimator_.predict(X)

    def predict_proba(self, X):
        """Class probabilities predicted by ``best_estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        X = self._check_X(X)
        return self.best_estimator_.predict_proba(X)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        X = self._check_X(X)
        return self.best_estimator_.predict_log_proba(X)

    def compact(self, sparse="auto"):
        """``best_estimator_.compact(sparse)``: the final model without its dead units.

        Parameters
        ----------
        sparse : bool or 'auto', default='auto'
            See :meth:`L1MLPClassifier.compact`.

        Returns
        -------
        model : L1MLPClassifier
            A new fitted model that predicts as ``best_estimator_`` does.
        """
        check_is_fitted(self)
        return self.best_estimator_.compact(sparse=sparse)

    coefs_ = _delegate("coefs_")
    intercepts_ = _delegate("intercepts_")
    zero_fraction_ = _delegate("zero_fraction_")
    layer_zero_fractions_ = _delegate("layer_zero_fractions_")
    n_dead_units_ = _delegate("n_dead_units_")
    support_ = _delegate("support_")
    n_features_selected_ = _delegate("n_features_selected_")
    feature_importances_ = _delegate("feature_importances_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags
