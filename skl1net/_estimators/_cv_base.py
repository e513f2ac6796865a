"""What L1MLPClassifierCV and L1MLPRegressorCV share: folds along warm-started paths.

Each fold fits the whole grid on its training part as one warm-started path
(:func:`skl1net._training._path.walk`) and returns only its held-out scores,
one float per ``lmbda``: no fitted model leaves a fold. When the folds have
chosen, the path on all the data is walked up to the chosen ``lmbda`` and its
point there is the final model, so one network is kept, whatever the length
of the grid. With a :class:`~sklearn.pipeline.Pipeline` as the estimator, its
steps before the last are fitted on each fold's training part (and on all the
data for the final model) and the path walks the last step.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone, is_classifier
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    check_is_fitted,
    indexable,
    validate_data,
)

from .._training._path import check_scale, lmbda_grid, snapshot, walk
from ..exceptions import GridEdgeWarning
from ._publishing import publish, published, working_copy

#: The warnings about feature names that the final model would repeat, under
#: its own name, after the CV estimator has checked the names under its name.
_FEATURE_NAMES = r"X (does not have valid|has) feature names"


def _rows(a, rows):
    return None if a is None else _safe_indexing(a, rows)


def _split(template):
    """``(steps before the last as a Pipeline or None, the last step)`` of the estimator."""
    if isinstance(template, Pipeline):
        return (template[:-1] if len(template.steps) > 1 else None), template.steps[-1][1]
    return None, template


def _score(scorer, model, X, y, sample_weight):
    if sample_weight is None:  # a user's scoring callable may not take weights
        return float(scorer(model, X, y))
    return float(scorer(model, X, y, sample_weight=sample_weight))


def _fold_scores(template, X, y, sample_weight, train, test, lmbdas, warm_max_iter, scorer):
    """Held-out score of each ``lmbda`` of the path fitted on ``train``: floats only.

    With a Pipeline, its first steps are fitted on ``train`` and each point of
    the path is scored as the last step of the pipeline, on the raw test rows.
    """
    model = clone(template)
    pre, last = _split(model)
    X_train, y_train = _rows(X, train), _rows(y, train)
    if pre is not None:
        X_train = pre.fit_transform(X_train, y_train)
    X_test, y_test, sw_test = _rows(X, test), _rows(y, test), _rows(sample_weight, test)
    scores = np.empty(len(lmbdas))
    path = walk(last, X_train, y_train, lmbdas, warm_max_iter, _rows(sample_weight, train))
    for i, est, _ in path:
        if pre is not None:
            model.steps[-1] = (model.steps[-1][0], est)  # the same object, refitted in place
        scores[i] = _score(scorer, model if pre is not None else est, X_test, y_test, sw_test)
    return scores


def _point(last, X, y, sample_weight, lmbdas, index, warm_max_iter):
    """The path's model at ``lmbdas[index]``, walking no further than that point."""
    for i, est, _ in walk(last, X, y, lmbdas, warm_max_iter, sample_weight):
        if i == index:
            return snapshot(est, last)  # without the training buffers
    raise AssertionError("the walk skipped an index of its grid")  # pragma: no cover


def _choose(lmbdas, scores):
    """Index of the best mean score over the folds; among ties the largest ``lmbda``."""
    mean = scores.mean(axis=0)
    best = np.flatnonzero(mean == np.nanmax(mean))
    if not len(best):
        raise ValueError(
            "Every lmbda got a NaN score on some fold: the scoring cannot rank them."
        )
    return int(best[np.argmax(lmbdas[best])])


def _warn_at_edge(lmbdas, index, ratio, automatic, stacklevel):
    """GridEdgeWarning when ``lmbdas[index]`` is an edge of a grid of two values or more.

    ``stacklevel`` counts from this function's caller.
    """
    if len(np.unique(lmbdas)) < 2:
        return
    lmbda = lmbdas[index]
    if lmbda == lmbdas.min():
        how = (f"a smaller ratio (now {ratio:g})" if automatic
               else "smaller values in lmbdas")
        warnings.warn(GridEdgeWarning(lmbda, "smallest", how), stacklevel=stacklevel + 1)
    elif lmbda == lmbdas.max():
        warnings.warn(GridEdgeWarning(lmbda, "largest", "larger values in lmbdas"),
                      stacklevel=stacklevel + 1)


def _delegate(name):
    def get(self):
        check_is_fitted(self)
        return getattr(self._final_step(), name)

    get.__doc__ = f"``{name}`` of the final model (the last step of a pipeline)."
    return property(get)


class BaseL1MLPCV(MetaEstimatorMixin, BaseEstimator):
    """Choose ``lmbda`` by cross-validation along warm-started paths (shared code).

    Subclasses set ``_estimator_class`` (the class of the network, the
    last step of a pipeline) and check ``y`` in ``_check_y``.
    """

    _parameter_constraints: dict = {
        "estimator": [Pipeline, None],  # plus the subclass's estimator class
        "lmbdas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "ratio": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "n_jobs": [Integral, None],
        "warm_max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        lmbdas=10,
        ratio=1e-2,
        cv=None,
        scoring=None,
        n_jobs=None,
        warm_max_iter="auto",
        random_state=None,
    ):
        self.estimator = estimator
        self.lmbdas = lmbdas
        self.ratio = ratio
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.warm_max_iter = warm_max_iter
        self.random_state = random_state

    def _template(self):
        """A clone of the estimator, its last step seeded by ``random_state`` if unseeded."""
        template = self._estimator_class() if self.estimator is None else clone(self.estimator)
        _, last = _split(template)
        if not isinstance(last, self._estimator_class):
            raise ValueError(
                f"The last step of the pipeline passed as estimator must be a "
                f"{self._estimator_class.__name__}; got {type(last).__name__}."
            )
        if last.random_state is None and self.random_state is not None:
            seed = self.random_state
            if not isinstance(seed, Integral):  # a RandomState: one seed for every path
                seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
            last.set_params(random_state=seed)
        return template

    def _validate(self, X, y, template, sample_weight):
        if isinstance(template, Pipeline):  # the pipeline's first step takes X as it is
            validate_data(self, X, skip_check_array=True)
            y = check_array(y, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y")
            check_consistent_length(X, y)
            X, y = indexable(X, y)
        else:
            X, y = validate_data(
                self, X, y, accept_sparse="csr", dtype=(np.float64, np.float32),
                multi_output=True, y_numeric=not is_classifier(template),
            )
        y = self._check_y(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        return X, y, sample_weight

    def _grid(self, X, y, last, sample_weight):
        if not isinstance(self.lmbdas, Integral):
            lmbdas = np.asarray(self.lmbdas, dtype=np.float64).ravel()
            if not len(lmbdas):
                raise ValueError("lmbdas is empty: give at least one value, or how many to pick.")
            return lmbdas
        if last.random_state is None:  # lmbda_max depends a little on the initial weights
            last = clone(last).set_params(random_state=0)
        return lmbda_grid(X, y, last, self.lmbdas, self.ratio, sample_weight)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose ``lmbda`` by cross-validation, then fit the final model on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (whatever the first step takes, with a pipeline).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples: in every fit of the network (the
            objective's weighted mean loss), in the automatic grid, and in
            the held-out score of each fold. The steps of a pipeline before
            the last are fitted without them. None: equal weights.
        groups : array-like of shape (n_samples,), default=None
            Group labels of the samples, for a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold` passed as ``cv``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # built aside and published in one step: a reader in another thread
        # sees the previous fit or the new one, and a failed fit changes nothing
        work = working_copy(self)
        work._fit(X, y, sample_weight, groups)
        publish(self, work)
        return self

    def _fit(self, X, y, sample_weight, groups):
        template = self._template()
        X, y, sample_weight = self._validate(X, y, template, sample_weight)
        pre, last = _split(template)
        # the data the network of the final model trains on
        pre_full = None if pre is None else clone(pre)
        Xt = X if pre is None else pre_full.fit_transform(X, y)
        check_scale(Xt, last, stacklevel=4)  # at the caller of fit (_fit, fit, _fit_context)
        splitter = check_cv(self.cv, y, classifier=is_classifier(last))
        folds = list(splitter.split(X, y, groups))  # (its errors before the grid's)
        lmbdas = self._grid(Xt, y, last, sample_weight)
        scorer = check_scoring(last, scoring=self.scoring)
        scores = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_scores)(
                template, X, y, sample_weight, train, test, lmbdas, self.warm_max_iter, scorer
            )
            for train, test in folds
        )
        self.lmbdas_ = lmbdas
        self.scores_ = np.asarray(scores)
        best = _choose(lmbdas, self.scores_)
        self.lmbda_ = float(lmbdas[best])
        final = _point(last, Xt, y, sample_weight, lmbdas, best, self.warm_max_iter)
        if pre is None:
            if hasattr(self, "feature_names_in_"):  # the paths ran on the validated array
                final.feature_names_in_ = self.feature_names_in_
            self.best_estimator_ = final
        else:
            steps = [*pre_full.steps, (template.steps[-1][0], final)]
            self.best_estimator_ = clone(template).set_params(steps=steps)
        if is_classifier(last):
            self.classes_ = final.classes_
        _warn_at_edge(lmbdas, best, self.ratio, isinstance(self.lmbdas, Integral), stacklevel=4)
        return self

    def _final_step(self):
        best = self.best_estimator_
        return best.steps[-1][1] if isinstance(best, Pipeline) else best

    def _call(self, method, X):
        """``best_estimator_.method(X)``, the feature names checked under this class's name."""
        check_is_fitted(self)
        model = published(self)  # one fit, whatever fits publish meanwhile
        if not isinstance(model.best_estimator_, Pipeline):
            X = validate_data(
                model, X, reset=False, accept_sparse="csr", dtype=(np.float64, np.float32)
            )
        elif np.ndim(X) == 2:  # the pipeline's first step checks the rest
            validate_data(model, X, reset=False, skip_check_array=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_FEATURE_NAMES, category=UserWarning)
            return getattr(model.best_estimator_, method)(X)

    def compact(self, sparse="auto"):
        """The final model without its dead units (see :meth:`L1MLPClassifier.compact`).

        Parameters
        ----------
        sparse : bool or 'auto', default='auto'
            See :meth:`L1MLPClassifier.compact`.

        Returns
        -------
        model : estimator
            A new fitted model (a pipeline whose last step is compacted, with
            a pipeline as the estimator) that predicts as ``best_estimator_``.
        """
        check_is_fitted(self)
        best = self.best_estimator_
        if not isinstance(best, Pipeline):
            return best.compact(sparse=sparse)
        model = copy.deepcopy(best[:-1])
        model.steps.append((best.steps[-1][0], best.steps[-1][1].compact(sparse=sparse)))
        return model

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
        estimator = self._estimator_class() if self.estimator is None else self.estimator
        tags.input_tags = copy.copy(get_tags(estimator).input_tags)
        return tags
