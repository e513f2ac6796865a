"""L1MLPRegressor: a multilayer perceptron regressor with correct L1 SGD."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score

from ._base import BaseL1MLP
from ._publishing import published


class L1MLPRegressor(RegressorMixin, BaseL1MLP):
    """Multilayer perceptron regressor trained by mini-batch SGD with L1 done right.

    The same network, penalties and SGD loop as
    :class:`~skl1net.L1MLPClassifier`, with an identity output layer and the
    half squared error: the objective is

    .. math::

        J(W, b) = \\frac{\\sum_i s_i \\, \\frac12 \\|y_i - f(x_i)\\|^2}{\\sum_i s_i}
        + \\lambda R(W),

    with :math:`R(W) = \\sum |W|` for ``'l1'`` and ``'l1_prox'``,
    :math:`\\frac12 \\sum W^2` for ``'l2'``, over the weight matrices only.
    With ``hidden_layer_sizes=()`` and ``penalty='l1_prox'`` this is exactly
    the objective of :class:`sklearn.linear_model.Lasso` with
    ``alpha=lmbda``. Several outputs (2-D ``y``) share the hidden layers.

    The output biases of a new network start at the (sample-weighted) mean
    of the targets, so an offset in ``y`` costs nothing. Their spread does:
    standardize targets of large spread (or use
    :class:`sklearn.compose.TransformedTargetRegressor`), as the gradient and
    so the usable learning rate scale with it.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives a linear model.
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
        Activation of the hidden layers.
    penalty : {'l1_prox', 'l1', 'l2', 'group_l1_prox'} or Penalty, default='l1_prox'
        Regularization of the weight matrices, as for
        :class:`~skl1net.L1MLPClassifier`.
    lmbda : float, default=1e-3
        Strength of the penalty (per-sample scale), ``>= 0``.
    eta : float or 'auto', default='auto'
        Initial learning rate. The squared loss has no bounded gradient: its
        curvature grows with the square of the input scale, its gradients
        with the target scale, and SGD with momentum is stable only below a
        step set by both. 'auto' uses ``min(0.01 / max(1, s / 10), (1 -
        momentum) / (mean_i ||x_i||^2 + 1))``, with ``s`` the largest standard
        deviation of the targets: the step bound of the squared loss for
        mini-batches (the mean squared row norm, so that a few outlying rows
        do not make the step vanish; ``+ 1`` for the intercept) divided by the
        momentum's amplification ``1 / (1 - momentum)``, capped at 0.01, and
        at 0.001 for targets of scale ~100, where 0.01 diverges. Sample
        weights weight both statistics. On standardized inputs and targets
        with 10 features 'auto' is about 0.009. The value used is ``eta_``. With ``solver='adam'``, 'auto' is 1e-3 (scikit-learn's
        ``learning_rate_init``): Adam's steps do not scale with the gradients.
    batch_size : int or 'auto', default='auto'
        Mini-batch size; 'auto' is ``min(100, n_samples)`` (scikit-learn's
        MLPs use 200).
    max_iter : int or 'auto', default='auto'
        Maximum number of epochs of :meth:`fit`, as for
        :class:`~skl1net.L1MLPClassifier`: 'auto' is ``ceil(1.2e6 / n_samples)``
        clipped to [10, 200].
    learning_rate : {'anneal', 'constant', 'invscaling', 'adaptive'}, default='anneal'
        Schedule of the learning rate, as for :class:`~skl1net.L1MLPClassifier`.
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    momentum : float, default=0.9
        Momentum of the SGD updates, in ``[0, 1)``.
    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum.
    solver : {'sgd', 'adam'}, default='sgd'
        The optimizer: mini-batch SGD with momentum ('sgd'), or Adam
        ('adam') with every penalty applied in its per-coordinate metric: the
        gradients of 'l2' and 'l1' enter the moments, 'l1_prox' soft-thresholds
        each weight after the Adam step by ``eta_t * lmbda / (sqrt(v_hat) +
        epsilon)``, so that ``lmbda`` keeps its meaning (see
        :ref:`adam_solver`). Under 'adam', ``eta='auto'`` is 1e-3 and
        ``momentum`` and ``nesterovs_momentum`` are unused.
    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in ``[0, 1)``; only for
        ``solver='adam'``.
    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in ``[0, 1)``; only for
        ``solver='adam'``.
    epsilon : float, default=1e-8
        Added to the square root of Adam's second moment, for numerical
        stability; only for ``solver='adam'``.
    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch.
    tol : float, default=1e-4
        Improvement of the objective (or validation score) below which an
        epoch does not count as progress.
    n_iter_no_change : int, default=10
        Epochs without progress before stopping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        :math:`R^2` stops improving and keep the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation of the next ``fit``
        (``hidden_layer_sizes`` must then still match the fitted network).
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights, the shuffling and the validation split.
    verbose : bool, default=False
        Print the objective after each epoch (and, with ``early_stopping``,
        the validation score).
    debias : bool, default=False
        After the penalized epochs of :meth:`fit`, retrain the non-zero
        weights without the penalty (zeros held at zero) for
        ``min(epochs, max(10, ceil(epochs / 4)))`` epochs, with a learning
        rate decreasing linearly from ``eta / 2``; see :mod:`skl1net._training._debias`.
    reweight : int, default=0
        Rounds of reweighted L1 (the adaptive lasso) after the penalized
        epochs of :meth:`fit`, as for :class:`~skl1net.L1MLPClassifier`:
        each round's weights are penalized in inverse proportion to their
        magnitude after the previous one. Needs ``penalty='l1_prox'``.
    working_set : 'auto' or bool, default='auto'
        Train each epoch on the live part of the network only, as for
        :class:`~skl1net.L1MLPClassifier`: left-out input features are
        checked against the optimality condition and re-admitted when they
        violate it. 'auto' is on when an epoch has at least 10 mini-batches,
        unless ``reweight > 0`` or the penalty is given per weight; False
        trains the full network at every step. See :ref:`working-set`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during fit, when ``X`` has string column names.
    coefs_ : list of ndarray
        Weight matrices, ``coefs_[i]`` of shape (units of layer i, units of layer i + 1),
        Fortran-ordered (the layout training is fastest with; after a fit on sparse data
        the first one is C-ordered; weights set in another layout are converted when
        training resumes).
    intercepts_ : list of ndarray
        Bias vectors, one per layer after the input.
    eta_ : float
        The initial learning rate used (``eta``, or its 'auto' value).
    n_iter_ : int
        Epochs run.
    t_ : int
        Training samples seen, over all calls.
    loss_curve_ : list of float
        Objective after each epoch.
    loss_ : float
        The objective after the last epoch, ``loss_curve_[-1]`` (as
        scikit-learn's MLPs' ``loss_``).
    best_loss_ : float or None
        Smallest objective reached; ``None`` with early stopping.
    validation_scores_ : list of float or None
        Validation :math:`R^2` after each epoch, with early stopping.
    best_validation_score_ : float or None
        Best validation :math:`R^2`, with early stopping.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        'identity'.
    zero_fraction_ : float
        Fraction of exactly-zero weights over all weight matrices.
    layer_zero_fractions_ : ndarray of shape ``(n_layers_ - 1,)``
        Fraction of exactly-zero weights in each weight matrix.
    support_ : ndarray of bool of shape ``(n_features_in_,)``
        Input features that still have a non-zero outgoing weight.
    n_features_selected_ : int
        How many input features still have a non-zero outgoing weight.
    feature_importances_ : ndarray of shape ``(n_features_in_,)``
        Normalised L1 norm of each input feature's outgoing weights.
    n_dead_units_ : ndarray of shape ``(n_layers_ - 2,)``
        Dead units of each hidden layer; :meth:`compact` removes them.

    See Also
    --------
    L1MLPClassifier : The classifier.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP (L2 only).
    sklearn.linear_model.Lasso : The linear model with the same objective.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skl1net import L1MLPRegressor
    >>> X, y = make_regression(n_samples=300, n_features=20, n_informative=5,
    ...                        noise=1.0, random_state=0)
    >>> reg = L1MLPRegressor(lmbda=3e-2, batch_size=32, max_iter=60, random_state=0)
    >>> reg = reg.fit(X, y / y.std())
    >>> reg.score(X, y / y.std()) > 0.9
    True
    >>> reg.zero_fraction_ > 0.5
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        penalty="l1_prox",
        lmbda=1e-3,
        eta="auto",
        batch_size="auto",
        max_iter="auto",
        learning_rate="anneal",
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=True,
        solver="sgd",
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        random_state=None,
        verbose=False,
        debias=False,
        reweight=0,
        working_set="auto",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            penalty=penalty,
            lmbda=lmbda,
            eta=eta,
            batch_size=batch_size,
            max_iter=max_iter,
            learning_rate=learning_rate,
            power_t=power_t,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            shuffle=shuffle,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            debias=debias,
            reweight=reweight,
            working_set=working_set,
            solver=solver,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y`` by mini-batch SGD.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 acts like a repeated row.

        Returns
        -------
        self : L1MLPRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one pass, in mini-batches, over ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : L1MLPRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    @property
    def _out_activation(self):
        return "identity"

    def _auto_eta(self, sq_norms, Y, sample_weight):
        # the mini-batch step bound of the squared loss (mean, not max, row norm:
        # a few outlying rows would otherwise make the step vanish), under a cap
        # that shrinks with the targets' scale, which the step must also survive
        curvature = float(np.average(sq_norms, weights=sample_weight)) + 1.0
        center = np.average(Y, axis=0, weights=sample_weight)
        variance = np.average((Y - center) ** 2, axis=0, weights=sample_weight)
        scale = float(np.sqrt(np.max(variance, initial=0.0)))
        return min(1e-2 / max(1.0, scale / 10.0), (1.0 - self.momentum) / curvature)

    def _init_output_bias(self, bias, Y, sample_weight):
        # the best constant prediction: training starts from it, not from 0
        bias[:] = np.average(Y, axis=0, weights=sample_weight)

    def _targets(self, y, sample_weight, *, first, incremental, classes):
        Y = np.asarray(y, dtype=np.float64)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        return Y, sample_weight, None

    def _validation_score(self, X, y, sample_weight):
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    def predict(self, X):
        """Predict the targets of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values; 1-D when the model has one output.
        """
        model = published(self)  # one model, whatever fits publish meanwhile
        P = model._forward(X)
        return P.ravel() if model.n_outputs_ == 1 else P

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
