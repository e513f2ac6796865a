"""Mini-batches: the batch size and number of epochs a fit uses, and the iterator over a row order."""

# SPDX-License-Identifier: BSD-3-Clause

import warnings

import numpy as np
import scipy.sparse as sp

#: ``batch_size='auto'`` is ``min(AUTO_BATCH_SIZE, n_samples)``: smaller than
#: scikit-learn's 200, for twice the steps per epoch (see docs/sparse_networks.rst).
AUTO_BATCH_SIZE = 100


def resolve_batch_size(batch_size, n_samples):
    """The batch size of a fit on ``n_samples`` rows: ``batch_size`` clipped, or its 'auto' value.

    Examples
    --------
    >>> from skl1net._training._batches import resolve_batch_size
    >>> resolve_batch_size("auto", 1000), resolve_batch_size("auto", 30), resolve_batch_size(32, 1000)
    (100, 30, 32)
    """
    if batch_size == "auto":
        return min(AUTO_BATCH_SIZE, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            f"Got batch_size={batch_size} larger than the {n_samples} "
            "training samples; it is clipped to the number of samples.",
            stacklevel=2,
        )
    return min(batch_size, n_samples)


#: ``max_iter='auto'`` plans a fit for about this many samples seen: 20 epochs
#: of MNIST's 60,000 images (see docs/benchmarks.rst, "Defaults").
AUTO_SAMPLES = 1_200_000
#: The fewest and the most epochs of ``max_iter='auto'``.
AUTO_EPOCHS = (10, 200)


def resolve_max_iter(max_iter, n_samples):
    """The epochs a fit on ``n_samples`` rows is planned for: ``max_iter``, or its 'auto' value.

    'auto' is ``ceil(AUTO_SAMPLES / n_samples)`` clipped to ``AUTO_EPOCHS``:
    200 epochs (scikit-learn's ``max_iter``) up to 6,000 samples, 20 for
    60,000, at least 10.

    Examples
    --------
    >>> from skl1net._training._batches import resolve_max_iter
    >>> resolve_max_iter("auto", 1797), resolve_max_iter("auto", 60_000), resolve_max_iter(7, 60_000)
    (200, 20, 7)
    """
    if isinstance(max_iter, str) and max_iter == "auto":
        low, high = AUTO_EPOCHS
        return int(min(high, max(low, -(-AUTO_SAMPLES // max(int(n_samples), 1)))))
    return int(max_iter)


class MiniBatches:
    """Mini-batches of ``(X, Y, sample_weight)`` in a given row order.

    ``Y`` holds the targets: a matrix, or a vector of class indices.

    Rows are gathered into buffers allocated once; with ``gather=False`` the
    order is taken to be ``0..n-1`` and each batch is a view (a slice) of the
    data. Sample weights come normalised to sum 1 over the batch, with the
    batch's total weight beside them; batches of zero total weight are skipped.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._training._batches import MiniBatches
    >>> X, Y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> batches = MiniBatches(X, Y, None, batch_size=2, gather=True)
    >>> [(Yb.tolist(), m) for _, Yb, _, m in batches(np.array([4, 0, 2, 1, 3]))]
    [([4, 0], 2), ([2, 1], 2), ([3], 1)]
    """

    def __init__(self, X, Y, sample_weight, batch_size, gather):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size, self.gather = batch_size, gather
        dtype = X.dtype
        if gather and not sp.issparse(X):
            self.x_buf = np.empty((batch_size, X.shape[1]), dtype)
        self.y_buf = np.empty((batch_size, *Y.shape[1:]), Y.dtype)
        self.sw_buf = np.empty(batch_size, dtype)

    def __call__(self, order):
        """Yield ``(Xb, Yb, sw, weight)`` for the rows ``order``, ``batch_size`` at a time.

        ``sw`` sums to 1 over the batch (None: equal weights) and ``weight``
        is the batch's total weight (its number of rows when unweighted).
        """
        X, Y, sample_weight = self.X, self.Y, self.sample_weight
        for start in range(0, len(order), self.batch_size):
            stop = min(start + self.batch_size, len(order))
            m = stop - start
            # mode="clip" (the rows are valid anyway) lets take() write
            # straight into the buffer; "raise" would buffer it again.
            if self.gather:
                rows = order[start:stop]
                if isinstance(X, np.ndarray):
                    Xb = X.take(rows, axis=0, out=self.x_buf[:m], mode="clip")
                else:  # sparse
                    Xb = X[rows]
                Yb = Y.take(rows, axis=0, out=self.y_buf[:m], mode="clip")
            else:
                rows = slice(start, stop)
                Xb, Yb = X[rows], Y[rows]
            if sample_weight is None:
                yield Xb, Yb, None, m
                continue
            if self.gather:
                sw = np.take(sample_weight, rows, out=self.sw_buf[:m], mode="clip")
            else:
                sw = sample_weight[rows]
            batch_weight = float(sw.sum())
            if batch_weight == 0:
                continue
            yield Xb, Yb, np.divide(sw, batch_weight, out=self.sw_buf[:m]), batch_weight
