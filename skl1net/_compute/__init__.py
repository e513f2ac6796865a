"""Compute: BLAS calls, gradient containers, and the element-wise kernels."""
