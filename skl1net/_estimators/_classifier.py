"""L1MLPClassifier: a multilayer perceptron classifier with correct L1 SGD."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._base import BaseL1MLP
from ._checks import check_class_weight, relative_weights
from ._publishing import published
from ._validation import naming


def auto_eta(sq_norms, sample_weight=None):
    """The learning rate of ``eta='auto'`` under SGD: ``min(0.1, 10 / mean_i ||x_i||^2)``.

    Parameters
    ----------
    sq_norms : ndarray of shape (n_samples,)
        Squared norms of the rows of the training data.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the mean; None, or all zero: equal weights.

    Returns
    -------
    eta : float

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._estimators._classifier import auto_eta
    >>> auto_eta(np.array([50.0, 150.0])), auto_eta(np.array([400.0]))
    (0.1, 0.025)
    """
    if sample_weight is not None and not np.any(sample_weight):
        sample_weight = None
    mean_sq_norm = float(np.average(sq_norms, weights=sample_weight))
    return 0.1 if mean_sq_norm <= 100.0 else 10.0 / mean_sq_norm


class L1MLPClassifier(ClassifierMixin, BaseL1MLP):
    """Multilayer perceptron classifier trained by mini-batch Adam or SGD with L1 done right.

    The network minimises the objective

    .. math::

        J(W, b) = \\frac{\\sum_i s_i \\, \\ell_i}{\\sum_i s_i} + \\lambda R(W),

    with :math:`\\ell_i` the loss of sample :math:`i`, :math:`s_i` its weight
    (1 by default), :math:`R(W) = \\sum |W|` for ``'l1'`` and ``'l1_prox'``
    and :math:`R(W) = \\frac12 \\sum W^2` for ``'l2'``, summed over all weight
    matrices; biases are not penalized. The output is softmax with
    cross-entropy for multiclass targets, and logistic units with binary
    cross-entropy for binary and multilabel (2-D indicator) targets.

    One SGD step (``solver='sgd'``; the default is Adam, whose steps are
    under ``solver``) on a mini-batch, with ``g`` the sample-weighted mean gradient
    of the loss over the batch and ``eta_t`` the current learning rate:

    - ``'l2'``: ``W <- W - eta_t * (g + lmbda * W)``;
    - ``'l1'``: ``W <- W - eta_t * (g + lmbda * sign(W))``, the subgradient
      rule of Nielsen's book: weights hover near zero, almost never exactly 0;
    - ``'l1_prox'``: ``V = W - eta_t * g``, then
      ``W <- sign(V) * max(|V| - eta_t * lmbda, 0)``: soft-thresholding moves
      each weight linearly toward zero, never across it, and leaves exact zeros.

    Biases take ``b <- b - eta_t * g_b``. With momentum the velocity carries
    the gradient (plus ``lmbda * W`` or ``lmbda * sign(W)`` for 'l2' and 'l1');
    for 'l1_prox' the soft-threshold follows the momentum step.

    ``lmbda`` is on the per-sample scale: the same value gives the same
    objective for any data size, batch size, CV fold or ``partial_fit``
    stream. Nielsen's book writes the penalty as ``lmbda_book / n`` times the
    sum over ``n`` training samples, so ``lmbda_book = lmbda * n``.
    scikit-learn's ``MLPClassifier(alpha=...)`` adds ``alpha * W / batch_size``
    to the mean gradient, so its strength depends on the batch size:
    ``lmbda = alpha / batch_size`` for the L2 penalty.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives a network with no hidden
        layer: multinomial (or binary) logistic regression.
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
        Activation of the hidden layers.
    penalty : {'l1_prox', 'l1', 'l2', 'group_l1_prox'} or Penalty, default='l1_prox'
        Regularization of the weight matrices, see above. 'group_l1_prox'
        replaces the first layer's L1 term by ``sum_j ||W_0[j]||_2`` over the
        input features ``j`` (group soft-threshold of each feature's outgoing
        weights, which removes whole features) and keeps 'l1_prox' on the
        deeper layers; see :class:`skl1net.penalties.GroupL1Prox`. An instance
        of a :class:`skl1net.penalties.Penalty` subclass (one written by the
        user) trains through its ``gradient`` and ``prox``; the fit uses a
        copy whose strength is ``lmbda`` (leave the instance's ``lmbda`` at
        None: a different value is an error), and never modifies it.
    lmbda : float, default=3e-4
        Strength of the penalty (per-sample scale), ``>= 0``. The penalty
        sums over all weights, so the same ``lmbda`` prunes a large network
        harder; the default suits networks of up to a few hundred thousand
        weights (see :doc:`/sparse_networks`). Choose it by cross-validation
        (:class:`L1MLPClassifierCV`) for a given trade-off.
    eta : float or 'auto', default='auto'
        Initial learning rate. 'auto' is ``min(0.1, 10 / mean_i ||x_i||^2)``
        on the data of the first ``fit`` (or ``partial_fit``) call: 0.1 for
        features scaled to [0, 1] or standardized data with up to 100
        features, smaller when the features are large (about 0.0026 on
        scikit-learn's raw digits, pixels 0 to 16), where 0.1 would diverge.
        This is the SGD step. With ``solver='adam'`` (the default), 'auto' is
        4e-3: Adam's steps do not scale with the gradients, and 4e-3 (four
        times scikit-learn's ``learning_rate_init``) gave the most exact zeros
        at the same accuracy on MNIST and digits (see the defaults table of
        the benchmarks page). The value used is ``eta_``.
    batch_size : int or 'auto', default='auto'
        Mini-batch size; 'auto' is ``min(100, n_samples)`` (scikit-learn's
        MLPs use 200).
    max_iter : int or 'auto', default='auto'
        Maximum number of epochs (passes over the training data) of
        :meth:`fit`, and the length the 'anneal' schedule plans for. 'auto'
        is ``ceil(1.2e6 / n_samples)`` clipped to [10, 200]: 200 epochs (as
        scikit-learn's MLPs) for up to 6,000 training samples, 20 for
        60,000, 10 from 120,000: about 1.2 million samples seen (on MNIST,
        15, 20 and 30 epochs with debiasing gave the same test accuracy
        within 0.1 point).
    learning_rate : {'anneal', 'constant', 'invscaling', 'adaptive'}, default='anneal'
        Schedule of the learning rate ``eta_t``: 'anneal' keeps ``eta`` for
        the first half of the ``max_iter`` epochs of :meth:`fit`, then
        decreases it linearly toward 0 (epoch ``k`` of ``n``, counting from
        0, runs at ``eta * min(1, 2 * (n - k) / n)``); when training stops
        improving (``tol``, ``n_iter_no_change``) in the first half, after
        ``p`` epochs, the decrease starts there and lasts ``p`` epochs (the
        last at ``eta / p``), and the fit ends there; :meth:`partial_fit` has no
        planned number of epochs: after a :meth:`fit` it starts a new stream
        at ``eta_`` (the annealed rate of the fit, near 0, would barely
        learn), and after a :meth:`partial_fit` it leaves the rate where it
        is. 'constant' keeps ``eta``; 'invscaling' uses
        ``eta / (t + 1) ** power_t`` with ``t`` the samples seen (updated
        after each epoch); 'adaptive' divides it by 5 each time
        ``n_iter_no_change`` epochs fail to improve by ``tol``. Constant-step
        SGD only hovers around the optimum; the annealed second half settles
        the weights and the sparsity pattern (see :doc:`/sparse_networks`).
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    momentum : float, default=0.9
        Momentum of the SGD updates, in ``[0, 1]``.
    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum (when ``momentum > 0``).
    solver : {'sgd', 'adam'}, default='adam'
        The optimizer: mini-batch SGD with momentum ('sgd'), or Adam
        ('adam') with every penalty applied in its per-coordinate metric: the
        gradients of 'l2' and 'l1' enter the moments, 'l1_prox' soft-thresholds
        each weight after the Adam step by ``eta_t * lmbda / (sqrt(v_hat) +
        epsilon)``, so that ``lmbda`` keeps its meaning (see
        :ref:`adam_solver`). Under 'adam', ``eta='auto'`` is 4e-3 and
        ``momentum`` and ``nesterovs_momentum`` are unused. Adam is the
        default: as accurate as SGD on MNIST at the same sparsity, and
        0.7 points more accurate on scikit-learn's digits, where SGD (also
        scikit-learn's) generalizes worse (see the defaults table of the
        benchmarks page).
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
        Epochs without progress before stopping (or, for 'adaptive', before
        dividing the learning rate; for 'anneal' in its first half, before
        starting the decrease).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified
        when every class can be in both parts; else a plain random split,
        with a warning),
        stop when its accuracy stops improving and keep the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation of the next ``fit``
        (``hidden_layer_sizes`` must then still match the fitted network).
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into the sample weights; 'balanced'
        uses ``n_samples / (n_classes * np.bincount(y))``. A dict maps classes
        to finite, non-negative numbers (classes it omits weigh 1); other keys
        or values raise ``ValueError``. Not supported for multilabel targets,
        nor 'balanced' in ``partial_fit``.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights, the shuffling and the validation split.
        The same seed and data give bit-identical ``coefs_`` on one machine.
    verbose : bool, default=False
        Print the objective after each epoch (and, with ``early_stopping``,
        the validation score).
    debias : bool, default=True
        After the penalized epochs of :meth:`fit`, retrain the non-zero
        weights without the penalty, the zero weights held at zero, for
        ``min(epochs, max(10, ceil(epochs / 4)))`` more epochs with a learning
        rate decreasing linearly from ``eta / 2``: keeps the sparsity, undoes
        the shrinkage.
        See :mod:`skl1net._training._debias`. ``partial_fit`` never debiases.
    reweight : int, default=0
        Rounds of reweighted L1 (the adaptive lasso) after the penalized
        epochs of :meth:`fit`, each of ``max_iter`` more epochs warm-started
        with a fresh optimizer, in which each weight's penalty is ``lmbda``
        times a strength inversely proportional to its magnitude at the end
        of the previous round, ``c / (|w| + 0.1 * w_bar)`` (``w_bar`` the
        mean non-zero magnitude, ``c`` such that the penalty of those
        weights is unchanged): small weights are pushed out, large ones
        barely shrink, and the rounds approach an L0 penalty. Needs
        ``penalty='l1_prox'``; ``debias`` follows the last round;
        :meth:`partial_fit` never reweights (it trains the plain penalty).
        See :mod:`skl1net._training._reweight` and :doc:`/sparse_networks`.
    working_set : 'auto' or bool, default='auto'
        Train each epoch on the live part of the network only: input
        features whose first-layer weights are all zero and hidden units
        that cannot change the output are left out of the products, and the
        left-out features are checked against the optimality condition of
        the objective (every few epochs and at the end of training), which
        re-admits those that violate it: the fit gets faster as the network
        empties. False trains the full network at every step. 'auto' is
        True when an epoch has at least 10 mini-batches, unless
        ``reweight > 0`` or the penalty is given per weight (whose strengths
        cover the whole network; True with ``reweight`` is an error). See
        :ref:`working-set`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
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
        Epochs run, the debiasing epochs included.
    t_ : int
        Training samples seen, over all calls.
    loss_curve_ : list of float
        Objective (mean loss over the epoch plus ``lmbda * R(W)`` at its end)
        after each epoch (for the debiasing epochs, the unpenalized loss).
    loss_ : float
        The objective after the last epoch, ``loss_curve_[-1]`` (as
        scikit-learn's MLPs' ``loss_``).
    best_loss_ : float or None
        Smallest objective reached; ``None`` with early stopping.
    validation_scores_ : list of float or None
        Validation accuracy after each epoch, with early stopping.
    best_validation_score_ : float or None
        Best validation accuracy, with early stopping.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        'softmax' or 'logistic'.
    zero_fraction_ : float
        Fraction of exactly-zero weights over all weight matrices.
    layer_zero_fractions_ : ndarray of shape (``n_layers_ - 1``,)
        Fraction of exactly-zero weights in each weight matrix.
    support_ : ndarray of bool of shape (``n_features_in_``,)
        Input features that still have a non-zero outgoing weight.
    n_features_selected_ : int
        How many input features still have a non-zero outgoing weight.
    feature_importances_ : ndarray of shape (``n_features_in_``,)
        Normalised L1 norm of each input feature's outgoing weights.
    n_dead_units_ : ndarray of shape ``(n_layers_ - 2,)``
        Dead units of each hidden layer (no non-zero incoming or outgoing
        weight); :meth:`compact` removes them.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP (L2 only).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from skl1net import L1MLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
    >>> clf = L1MLPClassifier(penalty="l1_prox", lmbda=1e-3, random_state=0)
    >>> clf = clf.fit(X_train, y_train)
    >>> clf.score(X_test, y_test) > 0.9
    True
    >>> clf.zero_fraction_ > 0.5
    True
    """

    #: ``eta='auto'`` under Adam (see the ``eta`` parameter).
    _adam_auto_eta = 4e-3

    _parameter_constraints: dict = {
        **BaseL1MLP._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        penalty="l1_prox",
        lmbda=3e-4,
        eta="auto",
        batch_size="auto",
        max_iter="auto",
        learning_rate="anneal",
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=True,
        solver="adam",
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        class_weight=None,
        random_state=None,
        verbose=False,
        debias=True,
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
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y`` by mini-batch Adam or SGD (``solver``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 2-D indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 acts like a repeated row.

        Returns
        -------
        self : L1MLPClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one pass, in mini-batches, over ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 2-D indicator matrix for multilabel targets.
        classes : array-like of shape (n_classes,), default=None
            Every class of the stream; required on the first call, and
            optional (but checked) afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : L1MLPClassifier
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # -- targets -----------------------------------------------------------------
    @property
    def _out_activation(self):
        return "softmax" if len(self.classes_) > 2 and not self._multilabel else "logistic"

    @property
    def _multilabel(self):
        return self._label_binarizer.y_type_.startswith("multilabel")

    def _targets(self, y, sample_weight, *, first, incremental, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        with naming("y"):
            check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"L1MLPClassifier supports binary, multiclass and multilabel "
                f"(2-D indicator) targets; y is {target_type!r}."
            )
        if incremental:
            if _check_partial_fit_first_call(self, classes):
                self._label_binarizer = LabelBinarizer()
                self._label_binarizer.fit(y if target_type.startswith("multilabel") else classes)
                self.classes_ = self._label_binarizer.classes_
                self._check_n_classes("classes")
        elif first:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            self._check_n_classes("y")
        if not first or incremental:
            self._check_labels(y, target_type, warm=not incremental)

        Y = self._label_binarizer.transform(y)
        sample_weight = self._apply_class_weight(y, sample_weight, incremental)
        if not incremental and not self._multilabel and sample_weight is not None:
            positive = np.unique(y[sample_weight > 0])
            if len(positive) < 2:
                raise ValueError(
                    "sample_weight is zero for every sample but those of one "
                    f"class ({positive!r}); the classifier needs samples of at "
                    "least 2 classes with positive weight."
                )
        stratify = None if self._multilabel else y
        return Y, sample_weight, stratify

    def _check_n_classes(self, argument):
        if not self._multilabel and len(self.classes_) < 2:
            raise ValueError(
                f"{argument} contains only one class, {self.classes_.tolist()!r}; "
                "the classifier needs samples of at least 2 classes."
            )

    def _check_labels(self, y, target_type, warm):
        if target_type.startswith("multilabel") != self._multilabel:
            raise ValueError(
                f"y is {target_type!r} but the model was fitted on "
                f"{self._label_binarizer.y_type_!r} targets."
            )
        if self._multilabel:
            return
        labels = unique_labels(y)
        unseen = np.setdiff1d(labels, self.classes_)
        if len(unseen):
            raise ValueError(
                f"y contains labels not in classes_: {unseen.tolist()!r}; "
                f"classes_ is {self.classes_.tolist()!r}."
                + (
                    " warm_start needs the classes of the previous fit."
                    if warm
                    else " Pass every label of the stream in `classes` on the first "
                    "call to partial_fit."
                )
            )

    def _apply_class_weight(self, y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight
        if self._multilabel:
            raise ValueError("class_weight is not supported for multilabel targets.")
        if self.class_weight == "balanced" and incremental:
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: the "
                "class frequencies of the whole stream are unknown. Pass a dict, "
                "e.g. from sklearn.utils.class_weight.compute_class_weight."
            )
        check_class_weight(self.class_weight, self.classes_)
        weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        # relative to the largest, so that the product cannot overflow
        per_sample = relative_weights(weights)[np.searchsorted(self.classes_, y)]
        if sample_weight is None:
            return per_sample
        return relative_weights(sample_weight * per_sample)

    def _auto_eta(self, sq_norms, Y, sample_weight):
        return auto_eta(sq_norms, sample_weight)

    def _validation_score(self, X, y, sample_weight):
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    # -- prediction --------------------------------------------------------------
    def predict(self, X):
        """Predict class labels (or the indicator matrix for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted classes.
        """
        model = published(self)  # one model, whatever fits publish meanwhile
        P = model._forward(X)
        if model.n_outputs_ == 1:
            P = P.ravel()
        return model._label_binarizer.inverse_transform(P)

    def predict_proba(self, X):
        """Probability of each class (each label, for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``; rows sum to 1 except
            for multilabel targets.
        """
        model = published(self)  # one model, whatever fits publish meanwhile
        P = model._forward(X)
        if model.n_outputs_ == 1 and not model._multilabel:
            return np.hstack([1 - P, P])
        return P

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
        P = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(P, out=P)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
