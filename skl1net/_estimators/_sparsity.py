"""The sparsity of a fitted network, as properties of the estimators."""

# SPDX-License-Identifier: BSD-3-Clause

import copy

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._network._compact import (
    abs_row_sums,
    compact_network,
    count_nonzero,
    dead_units,
    n_entries,
)
from ._publishing import published


class SparsityMixin:
    """Zero fractions, selected features, dead units and :meth:`compact` of a fitted network."""

    @property
    def layer_zero_fractions_(self):
        """Fraction of exactly-zero weights in each weight matrix (ndarray)."""
        check_is_fitted(self)
        return np.array(
            [(n_entries(W) - count_nonzero(W)) / max(n_entries(W), 1) for W in self.coefs_]
        )

    @property
    def zero_fraction_(self):
        """Fraction of exactly-zero weights over all weight matrices (float)."""
        check_is_fitted(self)
        coefs = self.coefs_  # one read: a fit may publish another model meanwhile
        total = sum(n_entries(W) for W in coefs)
        return (total - sum(count_nonzero(W) for W in coefs)) / max(total, 1)

    @property
    def support_(self):
        """Mask of the input features with at least one non-zero outgoing weight."""
        check_is_fitted(self)
        return abs_row_sums(self.coefs_[0]) > 0

    @property
    def n_features_selected_(self):
        """Number of input features with at least one non-zero outgoing weight."""
        return int(self.support_.sum())

    @property
    def feature_importances_(self):
        """L1 norm of each input feature's outgoing weights, normalised to sum 1.

        Lets :class:`sklearn.feature_selection.SelectFromModel` select features.
        """
        check_is_fitted(self)
        norms = abs_row_sums(self.coefs_[0])
        total = norms.sum()
        return norms / total if total > 0 else norms

    @property
    def n_dead_units_(self):
        """Dead units of each hidden layer (all incoming or all outgoing weights zero)."""
        check_is_fitted(self)
        return np.array([int(dead.sum()) for dead in dead_units(self.coefs_)], dtype=int)

    def compact(self, sparse="auto"):
        """Return an equivalent fitted model without dead hidden units.

        A hidden unit is dead when all its incoming or all its outgoing
        weights are zero; a constant unit's output is folded into the next
        layer's bias (:func:`skl1net._network._compact.compact_network`).

        Parameters
        ----------
        sparse : 'auto', bool, default='auto'
            Store weight matrices as ``scipy.sparse`` CSR matrices: always
            (True), never (False), or when they are sparse enough for that to
            save memory and prediction time ('auto').

        Returns
        -------
        model : estimator
            A new fitted estimator of the same class whose predictions equal
            this one's up to float rounding; ``hidden_layer_sizes`` gives the
            surviving units. It can be trained further (``partial_fit``, warm
            start), with fresh optimizer state; sparse weight matrices then
            become dense arrays again.

        Examples
        --------
        >>> import numpy as np
        >>> from skl1net import L1MLPRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(100, 5)
        >>> y = X[:, 0] - 2 * X[:, 1]
        >>> reg = L1MLPRegressor(hidden_layer_sizes=(20,), lmbda=0.05, batch_size=10,
        ...                      max_iter=50, random_state=0).fit(X, y)
        >>> small = reg.compact()
        >>> sum(small.hidden_layer_sizes) < 20, bool(np.allclose(small.predict(X), reg.predict(X)))
        (True, True)
        """
        check_is_fitted(self)
        source = published(self)  # one model, whatever fits publish meanwhile
        coefs, intercepts = compact_network(
            source.coefs_, source.intercepts_, source.activation, sparse=sparse
        )
        model = copy.deepcopy(source)
        model.coefs_, model.intercepts_ = coefs, intercepts
        model.hidden_layer_sizes = tuple(int(b.shape[0]) for b in intercepts[:-1])
        model._optimizer = None  # the velocities of the old shapes are of no use
        return model
