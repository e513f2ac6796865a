"""L1MLPClassifierCV: choose ``lmbda`` by cross-validation along warm-started paths."""

# SPDX-License-Identifier: BSD-3-Clause

from sklearn.base import ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._classifier import L1MLPClassifier
from ._cv_base import BaseL1MLPCV


class L1MLPClassifierCV(ClassifierMixin, BaseL1MLPCV):
    """L1MLPClassifier whose ``lmbda`` is chosen by cross-validation.

    For each fold, the whole grid of ``lmbdas`` is fitted on the training
    part as one warm-started path (:func:`skl1net.lmbda_path`: from the
    smallest ``lmbda`` up, the first fit from scratch with ``max_iter``
    epochs, each later one from the previous solution with ``warm_max_iter``
    epochs) and every solution is scored on the held-out part only. The
    ``lmbda`` with the best mean score over the folds (the largest one,
    i.e. the sparsest model, among ties) is chosen. The same path is then
    walked on all the data up to the chosen ``lmbda``, and its point there is
    the final model: the very procedure the folds scored, with no refit from
    scratch after the search. A fold returns its scores only: no model is
    kept per ``lmbda``, whatever the length of the grid.

    Warm-started points need only a fraction of a cold fit's epochs, which is
    where the time saved over :class:`~sklearn.model_selection.GridSearchCV`
    comes from. The two searches do not score the same models at the large
    end of the grid. A cold fit at the largest values of an automatic grid,
    which starts at :func:`skl1net.lmbda_max` (above it a zero first layer
    is stationary), ends as an empty network that predicts one class: there
    GridSearchCV scores chance. A warm-started path arrives there with a
    trained network that the penalty only prunes during its few epochs, so
    it keeps a network alive up to and above the cold fit's ``lmbda_max``
    and scores well above chance. Lower in the grid, a warm start from a
    denser network and a cold start still reach different solutions of the
    same non-convex objective, so the two curves differ by more than fold
    noise and the chosen ``lmbda`` can differ too.
    For the cold fit GridSearchCV would refit, use
    ``clone(cv.estimator).set_params(lmbda=cv.lmbda_).fit(X, y)``.

    Parameters
    ----------
    estimator : L1MLPClassifier or Pipeline, default=None
        The model to tune (its ``lmbda`` is ignored); ``None`` means
        ``L1MLPClassifier()``. A :class:`~sklearn.pipeline.Pipeline` whose
        last step is an L1MLPClassifier: its earlier steps (a scaler, say)
        are fitted on each fold's training part, and the path walks the last
        step.
    lmbdas : int or array-like of float, default=10
        The grid: its values, or how many values to pick from the data
        (log-spaced from :func:`skl1net.lmbda_max`, the smallest ``lmbda``
        that keeps a zero first layer at zero, down to ``ratio`` times it).
    ratio : float, default=1e-2
        Smallest over largest ``lmbda`` of an automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`sklearn.model_selection.check_cv`; ``None`` is 5-fold
        stratified (an integer gives unshuffled folds).
    scoring : str, callable or None, default=None
        How a fold scores each point of its path: a scikit-learn scorer name
        (:func:`sklearn.metrics.get_scorer_names`) or a callable
        ``scoring(estimator, X, y)``; with a pipeline, the estimator scored is
        the fold's pipeline. ``None`` is the estimator's ``score``, the
        accuracy. Larger is better.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib); ``None`` is 1, -1 all cores.
    warm_max_iter : int, 'auto' or None, default='auto'
        Epoch budget of every warm-started fit of a path: 'auto' is
        ``max(10, max_iter // 10)`` capped at ``max_iter``; ``None`` is
        ``max_iter`` as well. A warm fit also stops earlier when the
        estimator's own ``tol`` rule is met.
    random_state : int, RandomState instance or None, default=None
        Seed given to the network (the pipeline's last step) when its own
        ``random_state`` is None: the initial weights and the mini-batch
        order of every path, hence the chosen ``lmbda``, are then repeatable
        (a RandomState instance draws one seed per ``fit``). With None on
        both, each fit differs; the automatic grid is evaluated at seed 0
        then (its largest value depends a little on the initial weights), so
        the grid is the same from fit to fit.

    Attributes
    ----------
    lmbda_ : float
        The chosen ``lmbda``.
    lmbdas_ : ndarray of shape (n_lmbdas,)
        The grid.
    scores_ : ndarray of shape (n_folds, n_lmbdas)
        Held-out score of every fold and ``lmbda``.
    best_estimator_ : L1MLPClassifier or Pipeline
        The point at ``lmbda_`` of the path fitted on all the data (its
        ``max_iter`` and ``warm_start`` are the template's; ``n_iter_``
        counts the epochs of the path up to it), with a pipeline's earlier
        steps fitted on all the data.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during fit, when ``X`` has string column names.
    coefs_, intercepts_, zero_fraction_, support_, n_features_selected_, feature_importances_
        Those of the final network (the last step of a pipeline).

    See Also
    --------
    L1MLPRegressorCV : The same search for regression.
    skl1net.lmbda_path : The path each fold computes.
    sklearn.model_selection.GridSearchCV : A search with one cold fit per value.

    Notes
    -----
    :class:`~skl1net.exceptions.GridEdgeWarning` is issued when the chosen
    ``lmbda`` is the smallest or the largest of the grid. A ``fit`` that fails
    leaves the previous fit's attributes as they were; the fitted attributes
    of a successful ``fit`` replace the previous ones in one step.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skl1net import L1MLPClassifier, L1MLPClassifierCV
    >>> X, y = load_digits(return_X_y=True)
    >>> base = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=20)
    >>> cv = L1MLPClassifierCV(make_pipeline(MinMaxScaler(), base), lmbdas=[1e-2, 1e-3, 1e-4],
    ...                        cv=3, scoring="balanced_accuracy", random_state=0).fit(X, y)
    >>> cv.scores_.shape
    (3, 3)
    >>> float(cv.lmbda_) in (1e-2, 1e-3, 1e-4)
    True
    """

    _estimator_class = L1MLPClassifier
    _parameter_constraints: dict = {
        **BaseL1MLPCV._parameter_constraints,
        "estimator": [L1MLPClassifier, Pipeline, None],
    }

    def _check_y(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return y

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
        return self._call("predict", X)

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
        return self._call("predict_proba", X)

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
        return self._call("predict_log_proba", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
