"""Helpers of input validation shared by the estimators."""

# SPDX-License-Identifier: BSD-3-Clause

import re
from contextlib import contextmanager


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
