"""Pickling that records the skl1net version and warns when another one loads it."""

# SPDX-License-Identifier: BSD-3-Clause

import warnings

from ..exceptions import InconsistentVersionWarning
from ._checks import check_model


class VersionedStateMixin:
    """Adds skl1net's version to the pickled state; loading it under another version warns.

    scikit-learn records its own version only for classes of its modules.
    """

    def __getstate__(self):
        from .. import __version__

        return dict(super().__getstate__(), _skl1net_version=__version__)

    def __setstate__(self, state):
        from .. import __version__

        state = dict(state)
        saved_by = state.pop("_skl1net_version", "unknown")
        if saved_by != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=saved_by,
                )
            )
        super().__setstate__(state)
        if "coefs_" in state:
            # A model from a file (or a copy): check it now, and its structure
            # again before each prediction until a fit or partial_fit succeeds.
            check_model(self)
            self._check_before_use = True
