"""L1MLPRegressorCV: choose ``lmbda`` by cross-validation along warm-started paths."""

# SPDX-License-Identifier: BSD-3-Clause

from sklearn.base import RegressorMixin
from sklearn.pipeline import Pipeline

from ._cv_base import BaseL1MLPCV
from ._regressor import L1MLPRegressor


class L1MLPRegressorCV(RegressorMixin, BaseL1MLPCV):
    """L1MLPRegressor whose ``lmbda`` is chosen by cross-validation.

    The search of :class:`L1MLPClassifierCV`, for regression: each fold fits
    the grid as one warm-started path on its training part and scores every
    point on its held-out part (R^2 by default); the largest ``lmbda`` among
    the best mean scores is chosen, and the path on all the data, walked up
    to it, gives the final model. See :class:`L1MLPClassifierCV` for how the
    result compares with :class:`~sklearn.model_selection.GridSearchCV`.

    Parameters
    ----------
    estimator : L1MLPRegressor or Pipeline, default=None
        The model to tune (its ``lmbda`` is ignored); ``None`` means
        ``L1MLPRegressor()``. A :class:`~sklearn.pipeline.Pipeline` whose
        last step is an L1MLPRegressor: its earlier steps are fitted on each
        fold's training part, and the path walks the last step.
    lmbdas : int or array-like of float, default=10
        The grid: its values, or how many values to pick from the data
        (log-spaced from :func:`skl1net.lmbda_max` down to ``ratio`` times it).
    ratio : float, default=1e-2
        Smallest over largest ``lmbda`` of an automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`sklearn.model_selection.check_cv`; ``None`` is 5-fold
        (:class:`~sklearn.model_selection.KFold`, unshuffled).
    scoring : str, callable or None, default=None
        How a fold scores each point of its path: a scikit-learn scorer name
        or a callable ``scoring(estimator, X, y)``; ``None`` is the
        estimator's ``score``, R^2. Larger is better.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib); ``None`` is 1, -1 all cores.
    warm_max_iter : int, 'auto' or None, default='auto'
        Epoch budget of every warm-started fit of a path: 'auto' is
        ``max(10, max_iter // 10)`` capped at ``max_iter``; ``None`` is
        ``max_iter`` as well.
    random_state : int, RandomState instance or None, default=None
        Seed given to the network when its own ``random_state`` is None (see
        :class:`L1MLPClassifierCV`).

    Attributes
    ----------
    lmbda_ : float
        The chosen ``lmbda``.
    lmbdas_ : ndarray of shape (n_lmbdas,)
        The grid.
    scores_ : ndarray of shape (n_folds, n_lmbdas)
        Held-out score of every fold and ``lmbda``.
    best_estimator_ : L1MLPRegressor or Pipeline
        The point at ``lmbda_`` of the path fitted on all the data.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during fit, when ``X`` has string column names.
    coefs_, intercepts_, zero_fraction_, support_, n_features_selected_, feature_importances_
        Those of the final network (the last step of a pipeline).

    See Also
    --------
    L1MLPClassifierCV : The same search for classification.
    skl1net.lmbda_path : The path each fold computes.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skl1net import L1MLPRegressor, L1MLPRegressorCV
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> base = L1MLPRegressor(hidden_layer_sizes=(16,), max_iter=30)
    >>> cv = L1MLPRegressorCV(make_pipeline(StandardScaler(), base), lmbdas=[1e-2, 1e-3],
    ...                       cv=3, scoring="neg_mean_absolute_error", random_state=0)
    >>> cv.fit(X, y).scores_.shape
    (3, 2)
    """

    _estimator_class = L1MLPRegressor
    _parameter_constraints: dict = {
        **BaseL1MLPCV._parameter_constraints,
        "estimator": [L1MLPRegressor, Pipeline, None],
    }

    def _check_y(self, y):
        return y

    def predict(self, X):
        """Targets predicted by ``best_estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted targets.
        """
        return self._call("predict", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
