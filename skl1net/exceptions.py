"""Warnings and errors specific to skl1net."""

# SPDX-License-Identifier: BSD-3-Clause


class InputScaleWarning(UserWarning):
    """The features are far from unit scale: the network will train poorly.

    Issued by ``fit`` and ``partial_fit`` with ``eta='auto'`` (either solver)
    when the root mean square of the feature values exceeds 10 (raw 8-bit
    pixels: about 85). Under SGD, ``eta='auto'`` shrinks the step to keep such
    a fit stable, but the biases then barely move; under either solver the
    network starts far from where its initialisation is designed to start,
    and the L1 penalty's strength depends on the features' scale. Scale the features instead: a
    :class:`~sklearn.preprocessing.StandardScaler` or
    :class:`~sklearn.preprocessing.MinMaxScaler` in a pipeline, or ``X / 255``
    for 8-bit images. To silence it, filter it with :mod:`warnings`.

    Parameters
    ----------
    rms : float
        Root mean square of the feature values of the training data. The
        message rounds it to an integer, so that the folds of a
        cross-validation, whose values differ a little, give one message,
        which Python's warning filter shows once.

    Examples
    --------
    >>> from skl1net.exceptions import InputScaleWarning
    >>> print(InputScaleWarning(85.2))  # doctest: +ELLIPSIS
    The features are large (root mean square 85)...
    """

    def __init__(self, rms):
        super().__init__(rms)
        self.rms = rms

    def __str__(self):
        return (
            f"The features are large (root mean square {self.rms:.0f}): the network "
            "trains poorly on unscaled inputs, and the penalty's strength depends on "
            "their scale. Scale them, e.g. with StandardScaler or MinMaxScaler in a "
            "pipeline (X / 255 for 8-bit images)."
        )



class ConstantOutputWarning(UserWarning):
    """Every weight of a layer is zero: the network's output no longer depends on its input.

    Issued by ``fit`` when the penalty has set all the weights of some layer
    to exactly zero, most often because ``lmbda`` is too large for the data:
    the model then predicts the same output (the most frequent class, the
    mean target) for every sample. The scale at which this happens depends
    on the data: with rare features (bags of words, one-hot columns) each
    weight's loss gradient is small, and a ``lmbda`` that keeps a network on
    images empties it. :func:`skl1net.lmbda_max` gives the ``lmbda`` above which a
    zero first layer is a stationary point; take ``lmbda`` well below it, or let
    :class:`~skl1net.L1MLPClassifierCV` choose it. The fits of a
    regularization path, whose first points are empty by design, do not warn.

    Parameters
    ----------
    layer : int
        Index of the first all-zero weight matrix (0 for the first layer).
    lmbda : float
        The estimator's ``lmbda``.

    Examples
    --------
    >>> from skl1net.exceptions import ConstantOutputWarning
    >>> print(ConstantOutputWarning(0, 3e-4))  # doctest: +ELLIPSIS
    Every weight of layer 1 is zero: the network predicts the same output...
    """

    def __init__(self, layer, lmbda):
        super().__init__(layer, lmbda)
        self.layer, self.lmbda = layer, lmbda

    def __str__(self):
        return (
            f"Every weight of layer {self.layer + 1} is zero: the network predicts the "
            f"same output for every input. lmbda={self.lmbda:.3g} is probably too large "
            "for these data: skl1net.lmbda_max(X, y, estimator) is the lmbda above which "
            "a zero first layer is stationary; take one several times smaller, or "
            "let L1MLPClassifierCV choose it."
        )


class InconsistentVersionWarning(UserWarning):
    """A model is loaded by another version of skl1net than the one that saved it.

    Raised when a skl1net estimator is unpickled (by :mod:`pickle`,
    :mod:`joblib` or :mod:`skops.io`). The model may still load and predict,
    but nothing guarantees it: retrain it, or load it with the version that
    saved it. scikit-learn warns in the same way, with its own
    :class:`sklearn.exceptions.InconsistentVersionWarning`, about the
    scikit-learn objects inside the model.

    Parameters
    ----------
    estimator_name : str
        Class of the loaded estimator.
    current_version : str
        Version of skl1net loading the model.
    original_version : str
        Version of skl1net that saved it (``"unknown"`` if it did not record one).

    Examples
    --------
    >>> from skl1net.exceptions import InconsistentVersionWarning
    >>> print(InconsistentVersionWarning(
    ...     estimator_name="L1MLPClassifier", current_version="0.2.0",
    ...     original_version="0.1.0"))  # doctest: +ELLIPSIS
    Loading L1MLPClassifier saved by skl1net 0.1.0 with skl1net 0.2.0...
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        super().__init__(estimator_name, current_version, original_version)
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        return (
            f"Loading {self.estimator_name} saved by skl1net {self.original_version} "
            f"with skl1net {self.current_version}: the model may fail or give "
            "different results. Retrain it, or load it with the version that saved it."
        )


class GridEdgeWarning(UserWarning):
    """The ``lmbda`` chosen by cross-validation is at an edge of its grid.

    Issued by :class:`~skl1net.L1MLPClassifierCV` and
    :class:`~skl1net.L1MLPRegressorCV` when the chosen ``lmbda`` is the
    smallest or the largest value of the grid (of at least two values): the
    best value may lie beyond it. At the smallest edge, extend the grid
    downward (a smaller ``ratio`` for an automatic grid, smaller values in
    ``lmbdas`` otherwise); at the largest, pass larger values in ``lmbdas``
    (an automatic grid starts at :func:`skl1net.lmbda_max`, above which a
    cold fit's first layer stays zero, but a warm-started path can keep a
    network alive there). To silence it, filter it with :mod:`warnings`.

    Parameters
    ----------
    lmbda : float
        The chosen ``lmbda``.
    edge : {'smallest', 'largest'}
        Which edge of the grid it is.
    how : str
        How to extend the grid, in words.

    Examples
    --------
    >>> from skl1net.exceptions import GridEdgeWarning
    >>> print(GridEdgeWarning(1e-4, "smallest", "a smaller ratio"))  # doctest: +ELLIPSIS
    The chosen lmbda=0.0001 is the smallest value of the grid...
    """

    def __init__(self, lmbda, edge, how):
        super().__init__(lmbda, edge, how)
        self.lmbda, self.edge, self.how = lmbda, edge, how

    def __str__(self):
        beyond = (
            "a smaller one may score better" if self.edge == "smallest"
            else "a larger one may score as well with fewer weights"
        )
        return (
            f"The chosen lmbda={self.lmbda:.3g} is the {self.edge} value of the grid: "
            f"{beyond}. Extend the grid with {self.how}."
        )
