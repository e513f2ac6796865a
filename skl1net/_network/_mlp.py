"""The network: activations, output functions, losses, forward and backward.

Everything here computes the *unpenalized* loss and its gradient; penalties
are applied by the optimizer (:mod:`skl1net._optim._sgd`) through the classes of
:mod:`skl1net.penalties`.

The training path works in buffers allocated once per fit (:class:`Workspace`)
and writes with ``out=`` arguments, so a mini-batch step allocates (almost)
nothing. :func:`forward` is the allocation-per-call path used for prediction;
it keeps no state, so it is safe to call from several threads at once.
"""

# SPDX-License-Identifier: BSD-3-Clause

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .._compute import _kernels
from .._compute._blas import ProductGradient, gemm, matmul


# -- activations, in place ----------------------------------------------------
def _identity(Z):
    return Z


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _logistic(Z):
    return expit(Z, out=Z)


_softmax = _kernels.softmax


#: Hidden and output activations, each ``f(Z)`` overwriting ``Z`` with ``f(Z)``.
ACTIVATIONS = {
    "identity": _identity,
    "relu": _relu,
    "tanh": _tanh,
    "logistic": _logistic,
    "softmax": _softmax,
}


# -- derivatives: multiply delta in place by f'(Z), given A = f(Z) -------------
def _identity_derivative(A, delta):
    pass


def _tanh_derivative(A, delta):
    delta *= 1 - A * A


def _logistic_derivative(A, delta):
    delta *= A * (1 - A)


DERIVATIVES = {
    "identity": _identity_derivative,
    "relu": _kernels.relu_backward,  # f'(Z) = 1 where Z > 0, i.e. where A > 0
    "tanh": _tanh_derivative,
    "logistic": _logistic_derivative,
}


# -- the training step's fused forms: the kernels of skl1net._compute._kernels -----------
def _bias_relu(Z, b):
    _kernels.bias_relu(Z, b)
    return Z


def _bias_softmax(Z, b):
    _kernels.bias_softmax(Z, b)
    return Z


def _relu_backward(A, delta):
    _kernels.relu_backward(A, delta)


#: Activations with a kernel that adds the bias in the same pass.
_FUSED = {"relu": _bias_relu, "softmax": _bias_softmax}


def _bias_activation(name):
    """``f(Z, b)``: ``Z <- act(Z + b)`` in place, one kernel for the ReLU and the softmax."""
    if name in _FUSED:
        return _FUSED[name]
    act = ACTIVATIONS[name]

    def bias_activation(Z, b):
        Z += b
        return act(Z)

    return bias_activation


# -- per-sample losses, from the output probabilities ---------------------------
# Each takes an optional ``out`` array shaped like ``P`` for its element-wise
# work (``P`` itself is left alone), so that training allocates no matrix.
def _clipped(P, out=None):
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps, out=out)


def log_loss(Y, P, out=None):
    """Per-sample cross-entropy ``-sum_k Y_k log P_k`` for softmax outputs."""
    L = np.log(_clipped(P, out), out=out)
    L *= Y
    return -L.sum(axis=1)


def binary_log_loss(Y, P, out=None):
    """Per-sample binary cross-entropy summed over the logistic outputs."""
    P = _clipped(P, out)
    return -(Y * np.log(P) + (1 - Y) * np.log1p(-P)).sum(axis=1)


def squared_loss(Y, P, out=None):
    """Per-sample half squared error, summed over the outputs."""
    D = np.subtract(Y, P, out=out)
    D *= D
    return 0.5 * D.sum(axis=1)


#: Loss matched to each output activation: for all three pairs the gradient of
#: the loss with respect to the output's pre-activation is simply ``P - Y``.
LOSSES = {"softmax": log_loss, "logistic": binary_log_loss, "identity": squared_loss}


def forward(X, coefs, intercepts, activation, out_activation):
    """Output of the network for ``X`` (dense or sparse), in fresh arrays.

    Dense products go through scipy's BLAS, as in training (see
    :func:`skl1net._compute._blas.matmul`).
    """
    A = X
    last = len(coefs) - 1
    # one pass each for bias and ReLU, bias and softmax
    hidden, output = _bias_activation(activation), _bias_activation(out_activation)
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        if sp.issparse(A) or sp.issparse(W):  # W is sparse in compacted models
            Z = A @ W
            Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
        else:
            Z = matmul(A, W)
        A = (hidden if i < last else output)(Z, b)
    return A


def weight_layout(layer, sparse_input):
    """Memory order in which a fit keeps the weight matrix of ``layer``: 'F' or 'C'.

    Fortran order, in which the forward product of a dense batch is fastest
    (see :meth:`Workspace._rows`), except for the first layer of a fit on
    sparse data: scipy's sparse products copy a Fortran-ordered dense operand
    and return C-ordered gradients.
    """
    return "C" if layer == 0 and sparse_input else "F"


def init_params(layer_units, activation, dtype, rng):
    """Glorot-uniform weights and biases, as scikit-learn's MLP draws them."""
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for layer, (fan_in, fan_out) in enumerate(zip(layer_units[:-1], layer_units[1:])):
        bound = np.sqrt(factor / (fan_in + fan_out))
        W = rng.uniform(-bound, bound, (fan_in, fan_out))
        coefs.append(W.astype(dtype, order=weight_layout(layer, sparse_input=False)))
        intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    return coefs, intercepts


class Workspace:
    """Buffers for one fit: activations and deltas of a mini-batch.

    :meth:`train_step` runs the forward and backward pass of a batch and hands
    each layer's gradient to the optimizer as a
    :class:`~skl1net._compute._blas.ProductGradient`, which adds it straight into the
    weights (or velocities): no gradient matrix is formed.
    :meth:`loss_and_gradients` stores the gradients instead.

    Targets come either as the float matrix ``Y`` or, for a softmax output,
    as the class index of each row (:meth:`encode_targets`): the loss then
    reads one probability per row and the output delta ``P - Y`` is ``P`` with
    1 subtracted at those entries.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input and output included.
    batch_size : int
        Largest mini-batch; smaller ones use the leading rows of each buffer.
    dtype : numpy dtype
        Floating type of the parameters and the data.
    activation, out_activation : str
        Names in :data:`ACTIVATIONS`.
    """

    def __init__(self, layer_units, batch_size, dtype, activation, out_activation):
        self.layer_units = list(layer_units)
        self.dtype = np.dtype(dtype)
        self.activation = activation
        self.out_activation = out_activation
        self._bias_act = _bias_activation(activation)
        self._bias_out = _bias_activation(out_activation)
        self._deriv = _relu_backward if activation == "relu" else DERIVATIVES[activation]
        self._loss = LOSSES[out_activation]
        # activations[i] holds the output of layer i + 1; the last one is
        # reused for the output delta. Hidden layers' buffers are flat: a
        # batch of n rows is a Fortran-ordered (n, units) view (see _rows).
        self.activations = [np.empty(batch_size * n, dtype) for n in layer_units[1:-1]]
        self.activations.append(np.empty((batch_size, layer_units[-1]), dtype))
        self.deltas = [np.empty(batch_size * n, dtype) for n in layer_units[1:-1]]
        self._loss_work = np.empty((batch_size, layer_units[-1]), dtype)
        # label targets: scratch of the softmax kernel's numpy version
        self._softmax_work = _kernels.softmax_work(batch_size, layer_units[-1], dtype)
        self._views = {}
        self._stored = None

    def _rows(self, n):
        """Views of the first ``n`` rows of every buffer, made once per batch size.

        Hidden layers' activations and deltas are Fortran-ordered: each unit's
        values over the batch are contiguous, the layout in which BLAS
        multiplies a C-ordered batch by Fortran-ordered weights fastest at
        small batches. The output layer stays C-ordered for the row-wise softmax.
        """
        views = self._views.get(n)
        if views is None:
            def fortran(flat, units):
                return flat[: n * units].reshape(units, n).T

            hidden = self.layer_units[1:-1]
            views = self._views[n] = _BatchViews(
                [fortran(A, k) for A, k in zip(self.activations, hidden)]
                + [self.activations[-1][:n]],
                [fortran(D, k) for D, k in zip(self.deltas, hidden)],
                self._loss_work[:n],
                tuple(w[:n] for w in self._softmax_work),
            )
        return views

    def encode_targets(self, Y):
        """The targets the training step takes: class indices for one-hot ``Y`` and a softmax.

        Any other ``Y`` (a logistic or identity output, rows that are not
        one-hot) is returned as it is.
        """
        if self.out_activation != "softmax" or not len(Y):
            return Y
        labels = Y.argmax(axis=1)
        if not (np.all(Y.sum(axis=1) == 1) and np.all(Y[np.arange(len(Y)), labels] == 1)):
            return Y
        return labels.astype(np.intp)

    def _pre_output(self, X, coefs, intercepts):
        """Run the hidden layers of the batch ``X``; return the output layer's ``X W`` (no bias)."""
        A = X
        last = len(coefs) - 1
        for i, Z in enumerate(self._rows(X.shape[0]).activations):
            if isinstance(A, np.ndarray):
                gemm(Z, A, coefs[i])
            else:  # sparse X
                Z[...] = A @ coefs[i]
            if i == last:
                return Z
            A = self._bias_act(Z, intercepts[i])

    def forward(self, X, coefs, intercepts):
        """Output probabilities of the batch ``X``, in the workspace."""
        Z = self._pre_output(X, coefs, intercepts)
        return self._bias_out(Z, intercepts[-1])

    def _output_delta(self, Z, b, T, sample_weight, rows):
        """Turn the output's ``Z`` (no bias) into the output delta; return the loss and the gradients' scale.

        The delta is ``P - Y`` for the output ``P = f(Z + b)``, times the
        sample weights if any; the scale is then 1, else the ``1 / n`` of the
        mean, left to the gradients.
        """
        if T.ndim == 1:  # class indices, softmax output: one kernel
            total = _kernels.softmax_cross_entropy(Z, b, T, sample_weight, rows.softmax_work)
        else:
            P = self._bias_out(Z, b)
            losses = self._loss(T, P, out=rows.loss_work)
            P -= T
            total = _kernels.weighted_total(losses, P, sample_weight)
        if sample_weight is None:
            n = Z.shape[0]
            return total / n, 1.0 / n
        return total, 1.0

    def train_step(self, X, T, coefs, intercepts, sample_weight, optimizer):
        """Forward and backward pass of a batch, stepping every layer through ``optimizer``.

        Layers are stepped from the last to the first, each right after its
        weights have back-propagated the delta to the layer below, by
        ``optimizer.step_layer(i, coefs[i], intercepts[i], gradient)``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n, n_features)
        T : ndarray of shape (n, n_outputs) or (n,)
            Targets: the matrix ``Y``, or class indices (:meth:`encode_targets`).
        sample_weight : ndarray of shape (n,) or None
            Weights that sum to 1 over the batch; ``None`` means ``1 / n`` each.
        optimizer : object with a ``step_layer`` method, such as
            :class:`skl1net._optim._sgd.SGD`.

        Returns
        -------
        loss : float
            The (weighted) mean loss of the batch, before the step.
        """
        rows = self._rows(X.shape[0])
        delta = self._pre_output(X, coefs, intercepts)  # the output becomes the delta
        loss, scale = self._output_delta(delta, intercepts[-1], T, sample_weight, rows)
        self._backward(X, delta, scale, coefs, intercepts, optimizer)
        return loss

    def backward(self, X, delta, coefs, intercepts, optimizer):
        """Back-propagate a given output delta of the batch ``X``, as :meth:`train_step` does.

        ``delta`` (shape ``(n, n_outputs)``) is the derivative of the loss with
        respect to the output layer's pre-activation; each layer's gradient
        goes to ``optimizer.step_layer(i, coefs[i], intercepts[i], gradient)``.
        The hidden activations are those of ``coefs`` and ``intercepts`` on
        ``X``, computed here.

        Examples
        --------
        >>> import numpy as np
        >>> from skl1net._network._mlp import Workspace
        >>> X, W, b = np.array([[1.0, 2.0]]), np.ones((2, 1)), np.zeros(1)
        >>> class Collect:
        ...     def step_layer(self, i, W, b, gradient):
        ...         self.G = np.zeros_like(W); gradient.add_to_weights(self.G, 1.0, 0.0)
        >>> collect = Collect()
        >>> Workspace([2, 1], 1, np.float64, "relu", "identity").backward(
        ...     X, np.array([[0.5]]), [W], [b], collect)
        >>> collect.G.ravel().tolist()
        [0.5, 1.0]
        """
        output = self._pre_output(X, coefs, intercepts)
        output[...] = delta
        self._backward(X, output, 1.0, coefs, intercepts, optimizer)

    def _backward(self, X, delta, scale, coefs, intercepts, optimizer):
        """Step every layer from the last to the first, given the output delta (times ``scale``)."""
        rows = self._rows(X.shape[0])
        activations, deltas = rows.activations, rows.deltas
        step_layer = optimizer.step_layer
        for i in range(len(coefs) - 1, -1, -1):
            W = coefs[i]
            A_prev = activations[i - 1] if i else X
            gradient = ProductGradient(A_prev, delta, scale)
            if i:  # back-propagate through W before it steps
                prev = gemm(deltas[i - 1], delta, W, trans_b=True)
                self._deriv(A_prev, prev)
            step_layer(i, W, intercepts[i], gradient)
            if i:
                delta = prev

    @property
    def coef_grads(self):
        """Weight gradients stored by the last :meth:`loss_and_gradients`."""
        return self._stored.coef_grads

    @property
    def intercept_grads(self):
        """Bias gradients stored by the last :meth:`loss_and_gradients`."""
        return self._stored.intercept_grads

    def loss_and_gradients(self, X, Y, coefs, intercepts, sample_weight=None):
        """Mean loss of a batch, with its gradient left in the workspace.

        The gradients, unpenalized, are left in :attr:`coef_grads` and
        :attr:`intercept_grads` (arrays allocated on the first call).

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n, n_features)
        Y : ndarray of shape (n, n_outputs) or (n,)
            Targets: the indicator matrix for a classifier, or class indices.
        sample_weight : ndarray of shape (n,), default=None
            Weights that sum to 1 over the batch; ``None`` means ``1 / n`` each.

        Returns
        -------
        loss : float
            The (weighted) mean loss of the batch.
        """
        if self._stored is None:
            self._stored = _GradientStore(self.layer_units, self.dtype)
        return self.train_step(X, Y, coefs, intercepts, sample_weight, self._stored)


class _BatchViews(NamedTuple):
    activations: list
    deltas: list
    loss_work: np.ndarray
    softmax_work: tuple


class _GradientStore:
    """An "optimizer" whose step stores each layer's gradient in arrays."""

    def __init__(self, layer_units, dtype):
        self.coef_grads = [
            np.empty((n_in, n_out), dtype)
            for n_in, n_out in zip(layer_units[:-1], layer_units[1:])
        ]
        self.intercept_grads = [np.empty(n, dtype) for n in layer_units[1:]]

    def step_layer(self, i, W, b, gradient):
        gradient.add_to_weights(self.coef_grads[i], 1.0, 0.0)
        gradient.add_to_bias(self.intercept_grads[i], 1.0, 0.0)
