"""The element-wise kernels of the training step: compiled when built, numpy otherwise.

The one place where the implementation is chosen, and the only module the
rest of the package imports kernels from. ``skl1net._compute._ckernels``
(Cython, built by ``pip install`` when a C compiler is at hand) does each
kernel in one pass over memory; :mod:`skl1net._compute._npkernels` is the same set of
functions in numpy, a few passes each. Both have the same names and
signatures; see :mod:`skl1net._compute._npkernels` for what each computes. Callers use
them as attributes of this module at call time (``_kernels.axpy(...)``), so
that the numpy versions can also be swapped in at run time (the tests do).
A few numpy helpers without a compiled twin (:data:`HELPERS`) are offered
here too.

The compiled kernels come in two builds of one source: ``_ckernels`` for any
processor and ``_ckernels_avx2`` (x86-64 with GCC or Clang), used when the
processor has AVX2; :func:`compiled_variants` lists those that run here.
Set the environment variable ``SKL1NET_NO_COMPILED=1`` before importing
skl1net to use numpy even when the compiled modules are there, or
``SKL1NET_NO_AVX2=1`` to keep to the baseline build.

Examples
--------
>>> from skl1net._compute import _kernels
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
    "soft_threshold_scaled",
    "axpy",
    "axpy_soft_threshold",
    "momentum_lookahead",
    "momentum_lookahead_decay",
    "momentum_lookahead_sign",
    "bias_relu",
    "bias_softmax",
    "relu_backward",
    "softmax_cross_entropy",
    "add_csr_t_product",
    "adam_step",
)


def _flag(name):
    return os.environ.get(name, "") not in ("", "0")


def compiled_variants():
    """The compiled kernel modules that are built and run on this processor.

    :mod:`skl1net._compute._ckernels` (any processor) and, when the processor has AVX2,
    :mod:`skl1net._compute._ckernels_avx2`; empty when neither was built, or with
    ``SKL1NET_NO_COMPILED=1``. ``SKL1NET_NO_AVX2=1`` leaves the AVX2 build out.
    """
    if _flag("SKL1NET_NO_COMPILED"):
        return []
    try:
        from . import _ckernels
    except ImportError:  # not built: no compiler when installed
        return []
    variants = [_ckernels]
    if _ckernels.cpu_has_avx2() and not _flag("SKL1NET_NO_AVX2"):
        try:  # imported only here: on a processor without AVX2 it could crash
            from . import _ckernels_avx2
        except ImportError:  # not built (not x86-64, or the compiler refused -mavx2)
            pass
        else:
            variants.append(_ckernels_avx2)
    return variants


#: The compiled module in use (the last, fastest, of :func:`compiled_variants`),
#: or None when none was built (or they are disabled).
compiled = (compiled_variants() or [None])[-1]
#: Whether the training step runs the compiled kernels.
COMPILED = compiled is not None
_chosen = compiled if COMPILED else _npkernels

add_scaled_sign = _chosen.add_scaled_sign
soft_threshold_inplace = _chosen.soft_threshold_inplace
soft_threshold_scaled = _chosen.soft_threshold_scaled
axpy = _chosen.axpy
axpy_soft_threshold = _chosen.axpy_soft_threshold
momentum_lookahead = _chosen.momentum_lookahead
momentum_lookahead_decay = _chosen.momentum_lookahead_decay
momentum_lookahead_sign = _chosen.momentum_lookahead_sign
bias_relu = _chosen.bias_relu
bias_softmax = _chosen.bias_softmax
relu_backward = _chosen.relu_backward
softmax_cross_entropy = _chosen.softmax_cross_entropy
add_csr_t_product = _chosen.add_csr_t_product
adam_step = _chosen.adam_step

#: Names of the numpy helpers that have no compiled version.
HELPERS = ("scaled_sign", "softmax", "weighted_total", "softmax_work")

scaled_sign = _npkernels.scaled_sign
softmax = _npkernels.softmax
weighted_total = _npkernels.weighted_total
#: Scratch buffers of ``softmax_cross_entropy`` (only the numpy version uses them).
softmax_work = _npkernels.softmax_work
