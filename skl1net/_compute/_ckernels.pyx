# cython: language_level=3, boundscheck=False, wraparound=False
# cython: initializedcheck=False, cdivision=True
"""Compiled single-pass kernels of the training step (optional), for any x86-64 or other CPU.

Each function does in one pass over memory what its numpy version in
:mod:`skl1net._compute._npkernels` does in several, with the same signature and, where
the arithmetic is the same, the same results bit for bit. The typed loops take
C-contiguous arrays of one floating dtype, float32 or float64; they work in
place and allocate nothing. Do not import this module directly:
:mod:`skl1net._compute._kernels` selects it, its AVX2 build
(:mod:`skl1net._compute._ckernels_avx2`, the same source) on processors that have AVX2,
or numpy when neither was built.

The loops are written so that the compiler vectorizes them: selections are
``if`` statements on a value that the compiler turns into blends, not branches
(a branch on the sign of random weights is mispredicted half of the time).
The baseline instruction set (SSE2 on x86-64) needs several instructions per
4 floats for a blend; AVX2 has one, on 8, hence the second build.

The public functions, at the end, hand Fortran-ordered arrays (the weights
and hidden activations of a fit) to the loops as their C-ordered transposes,
and fall back to numpy for arrays that the typed loops do not take (other
layouts, mixed layouts or dtypes, mismatched shapes): the typed loops check
their arguments before they write anything.
"""

# SPDX-License-Identifier: BSD-3-Clause

include "_ckernels_body.pxi"


cdef extern from *:
    """
    static int skl1net_cpu_has_avx2(void) {
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
    #else
        return 0;
    #endif
    }
    """
    int skl1net_cpu_has_avx2()


def cpu_has_avx2():
    """Whether this processor runs AVX2 instructions (False where it cannot be told)."""
    return bool(skl1net_cpu_has_avx2())
