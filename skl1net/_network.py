"""The network: activations, output functions, losses, forward and backward.

Everything here computes the *unpenalized* loss and its gradient; penalties
are applied by the optimizer (:mod:`skl1net._sgd`) through the classes of
:mod:`skl1net._penalties`.

The training path works in buffers allocated once per fit (:class:`Workspace`)
and writes with ``out=`` arguments, so a mini-batch step allocates (almost)
nothing. :func:`forward` is the allocation-per-call path used for prediction;
it keeps no state, so it is safe to call from several threads at once.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from scipy.special import expit


# -- activations, in place ----------------------------------------------------
def _identity(Z):
    return Z


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _logistic(Z):
    return expit(Z, out=Z)


def _softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


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


def _relu_derivative(A, delta):
    # f'(Z) = 1 where Z > 0, i.e. where A > 0, else 0.
    np.multiply(delta, A > 0, out=delta)


def _tanh_derivative(A, delta):
    delta *= 1 - A * A


def _logistic_derivative(A, delta):
    delta *= A * (1 - A)


DERIVATIVES = {
    "identity": _identity_derivative,
    "relu": _relu_derivative,
    "tanh": _tanh_derivative,
    "logistic": _logistic_derivative,
}


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


def _dot(A, W, out):
    """``out[...] = A @ W`` for a dense or sparse ``A``, without a temporary when dense."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.dot(A, W, out=out)
    return out


def forward(X, coefs, intercepts, activation, out_activation):
    """Output of the network for ``X`` (dense or sparse), in fresh arrays."""
    A = X
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        if sp.issparse(A) or sp.issparse(W):  # W is sparse in compacted models
            Z = A @ W
            Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
        else:
            Z = np.dot(A, W)
        Z += b
        A = ACTIVATIONS[out_activation if i == last else activation](Z)
    return A


def init_params(layer_units, activation, dtype, rng):
    """Glorot-uniform weights and biases, as scikit-learn's MLP draws them."""
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    return coefs, intercepts


class Workspace:
    """Buffers for one fit: activations, deltas and gradients of a mini-batch.

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
        self.activation = activation
        self.out_activation = out_activation
        self._act = ACTIVATIONS[activation]
        self._out_act = ACTIVATIONS[out_activation]
        self._deriv = DERIVATIVES[activation]
        self._loss = LOSSES[out_activation]
        # activations[i] holds the output of layer i + 1; the last one is
        # reused for the output delta.
        self.activations = [np.empty((batch_size, n), dtype) for n in layer_units[1:]]
        self.deltas = [np.empty((batch_size, n), dtype) for n in layer_units[1:-1]]
        self.coef_grads = [
            np.empty((n_in, n_out), dtype)
            for n_in, n_out in zip(layer_units[:-1], layer_units[1:])
        ]
        self.intercept_grads = [np.empty(n, dtype) for n in layer_units[1:]]
        self._loss_work = np.empty((batch_size, layer_units[-1]), dtype)

    def forward(self, X, coefs, intercepts):
        """Output probabilities of the batch ``X``, in the workspace."""
        n = X.shape[0]
        A = X
        last = len(coefs) - 1
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            Z = _dot(A, W, self.activations[i][:n])
            Z += b
            A = (self._out_act if i == last else self._act)(Z)
        return A

    def loss_and_gradients(self, X, Y, coefs, intercepts, sample_weight=None):
        """Mean loss of a batch, with its gradient left in the workspace.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n, n_features)
        Y : ndarray of shape (n, n_outputs)
            Targets: the indicator matrix for a classifier.
        sample_weight : ndarray of shape (n,), default=None
            Weights that sum to 1 over the batch; ``None`` means ``1 / n`` each.

        Returns
        -------
        loss : float
            The (weighted) mean loss of the batch, before the step.
        """
        n = X.shape[0]
        P = self.forward(X, coefs, intercepts)
        losses = self._loss(Y, P, out=self._loss_work[:n])
        if sample_weight is None:
            loss = float(losses.mean())
        else:
            loss = float(np.dot(losses, sample_weight))

        delta = P  # the output buffer becomes the output delta
        delta -= Y
        if sample_weight is None:
            delta *= 1.0 / n
        else:
            delta *= sample_weight[:, None]

        for i in range(len(coefs) - 1, -1, -1):
            A_prev = X if i == 0 else self.activations[i - 1][:n]
            G = self.coef_grads[i]
            if sp.issparse(A_prev):
                G[...] = A_prev.T @ delta
            else:
                np.dot(A_prev.T, delta, out=G)
            delta.sum(axis=0, out=self.intercept_grads[i])
            if i:
                prev = np.dot(delta, coefs[i].T, out=self.deltas[i - 1][:n])
                self._deriv(A_prev, prev)
                delta = prev
        return loss
