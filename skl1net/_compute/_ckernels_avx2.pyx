# cython: language_level=3, boundscheck=False, wraparound=False
# cython: initializedcheck=False, cdivision=True
"""The kernels of :mod:`skl1net._compute._ckernels`, compiled for processors with AVX2.

The same source (``_ckernels_body.pxi``) built with ``-mavx2``: the loops'
blends and arithmetic run on 8 floats (4 doubles) per instruction. Importing
it on a processor without AVX2 may crash the interpreter, so only
:mod:`skl1net._compute._kernels` imports it, after :func:`skl1net._compute._ckernels.cpu_has_avx2`.
No ``-mfma``: a fused multiply-add would round ``y + a * x`` differently from
numpy, and the kernels agree with their numpy versions bit for bit.
"""

# SPDX-License-Identifier: BSD-3-Clause

include "_ckernels_body.pxi"
