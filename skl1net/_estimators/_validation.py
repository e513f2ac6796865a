"""Helpers of input validation shared by the estimators."""

# SPDX-License-Identifier: BSD-3-Clause

import math
import re
import warnings
from contextlib import contextmanager

import numpy as np

from ..exceptions import InputScaleWarning


@contextmanager
def naming(argument):
    """Make a validation error that does not name ``argument`` start with it.

    Some of numpy's and scikit-learn's checks say what is wrong without saying
    where ("Found array with dim 3", "could not convert string to float");
    inside this context such a ``ValueError`` or ``TypeError`` is re-raised,
    unchanged otherwise, as "Invalid <argument>: <message>".

    Examples
    --------
    >>> from skl1net._estimators._validation import naming
    >>> try:
    ...     with naming("X"):
    ...         float("a")
    ... except ValueError as exc:
    ...     print(exc)
    Invalid X: could not convert string to float: 'a'
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        message = exc.args[0] if len(exc.args) == 1 else None
        if isinstance(message, str) and not re.search(rf"\b{argument}\b", message):
            exc.args = (f"Invalid {argument}: {message}",)
        raise


#: ``eta='auto'`` warns when the root mean square of the features exceeds this
#: (raw 8-bit pixels: about 85; scaled to [0, 1] or standardized: 1 or less).
LARGE_FEATURES = 10.0


def warn_if_unscaled(sq_norms, n_features, stacklevel):
    """Issue :class:`~skl1net.exceptions.InputScaleWarning` if the features' RMS exceeds 10.

    ``sq_norms`` are the squared norms of the rows; ``stacklevel`` as for
    :func:`warnings.warn`, counted from this function's caller.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skl1net._estimators._validation import warn_if_unscaled
    >>> with warnings.catch_warnings(record=True) as record:
    ...     warnings.simplefilter("always")
    ...     warn_if_unscaled(np.full(3, 4.0), n_features=4, stacklevel=1)  # RMS 1
    ...     warn_if_unscaled(np.full(3, 4e4), n_features=4, stacklevel=1)  # RMS 100
    >>> [type(w.message).__name__ for w in record]
    ['InputScaleWarning']
    """
    rms = math.sqrt(float(np.mean(sq_norms)) / max(n_features, 1))
    if rms > LARGE_FEATURES:
        warnings.warn(InputScaleWarning(rms), stacklevel=stacklevel + 1)
