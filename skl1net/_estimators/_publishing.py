"""Fits built aside and published in one step, for readers in other threads.

A fit trains a :func:`working_copy` of the estimator, never the estimator
itself, and :func:`publish` makes the working copy's attributes the
estimator's in one assignment of its instance dictionary. Until then the
estimator is exactly as it was, attribute for attribute, and a failing fit
publishes nothing. A reader that needs several attributes takes them from
:func:`published`: a view of one instance dictionary, which later fits
replace but never change, so that it sees the previous model or the new one,
never a mixture.

Concurrent fits of one estimator, or ``set_params`` during a fit, are not
supported (as in scikit-learn): each fit starts from the attributes of its
start, and the last to finish is published.
"""

# SPDX-License-Identifier: BSD-3-Clause


def working_copy(estimator):
    """A new instance of the estimator's class with the same attribute values (not copied).

    Nothing is called on the new instance (no ``__init__``, no
    ``__setstate__``); rebinding its attributes leaves ``estimator`` as it is.

    Examples
    --------
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._estimators._publishing import working_copy
    >>> clf = L1MLPClassifier((3,))
    >>> work = working_copy(clf)
    >>> work.n_iter_ = 1
    >>> hasattr(clf, "n_iter_"), work.hidden_layer_sizes is clf.hidden_layer_sizes
    (False, True)
    """
    work = object.__new__(type(estimator))
    work.__dict__.update(vars(estimator))
    return work


def publish(estimator, work):
    """Make the attributes of ``work`` those of ``estimator``, in one step.

    One assignment of the instance dictionary (a new one: ``work`` may be
    changed afterwards without changing ``estimator``): a reader sees every
    attribute of before or every attribute of after, and attributes that
    ``work`` no longer has are gone at the same moment.

    Examples
    --------
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._estimators._publishing import publish, working_copy
    >>> clf = L1MLPClassifier((3,))
    >>> work = working_copy(clf)
    >>> work.n_iter_ = 1
    >>> publish(clf, work)
    >>> clf.n_iter_
    1
    """
    estimator.__dict__ = dict(vars(work))


def published(estimator):
    """A view of ``estimator`` as it is now, for a reader of several attributes.

    The view shares the estimator's instance dictionary: a fit that
    publishes during the read replaces the estimator's dictionary, not this
    one, so the reader's attributes all come from one model.

    Examples
    --------
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._estimators._publishing import publish, published, working_copy
    >>> clf = L1MLPClassifier((3,))
    >>> view = published(clf)
    >>> work = working_copy(clf)
    >>> work.n_iter_ = 1
    >>> publish(clf, work)
    >>> hasattr(view, "n_iter_"), clf.n_iter_
    (False, 1)
    """
    view = object.__new__(type(estimator))
    view.__dict__ = vars(estimator)
    return view
