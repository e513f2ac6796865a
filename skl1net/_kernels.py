"""The element-wise kernels of the training step: compiled when built, numpy otherwise.

The one place where the implementation is chosen. ``skl1net._ckernels``
(Cython, built by ``pip install`` when a C compiler is at hand) does each
kernel in one pass over memory; :mod:`skl1net._npkernels` is the same set of
functions in numpy, a few passes each. Both have the same names and
signatures; see :mod:`skl1net._npkernels` for what each computes. Callers use
them as attributes of this module (``_kernels.axpy(...)``), so that the
numpy versions can also be swapped in at run time (the tests do).

Set the environment variable ``SKL1NET_NO_COMPILED=1`` before importing
skl1net to use numpy even when the compiled module is there.

Examples
--------
>>> from skl1net import _kernels
>>> _kernels.COMPILED in (True, False)
True
"""

# SPDX-License-Identifier: BSD-3-Clause

import os

from . import _npkernels

#: Names of the kernels, each a function of both implementations.
NAMES = (
    "add_scaled_sign",
    "soft_threshold_inplace",
    "axpy",
    "bias_relu",
    "relu_backward",
    "softmax_cross_entropy",
)


def _compiled_module():
    if os.environ.get("SKL1NET_NO_COMPILED", "") not in ("", "0"):
        return None
    try:
        from . import _ckernels
    except ImportError:  # not built: no compiler when installed
        return None
    return _ckernels


#: The compiled module, or None when it was not built (or is disabled).
compiled = _compiled_module()
#: Whether the training step runs the compiled kernels.
COMPILED = compiled is not None
_chosen = compiled if COMPILED else _npkernels

add_scaled_sign = _chosen.add_scaled_sign
soft_threshold_inplace = _chosen.soft_threshold_inplace
axpy = _chosen.axpy
bias_relu = _chosen.bias_relu
relu_backward = _chosen.relu_backward
softmax_cross_entropy = _chosen.softmax_cross_entropy
#: Scratch buffers of ``softmax_cross_entropy`` (only the numpy version uses them).
softmax_work = _npkernels.softmax_work
