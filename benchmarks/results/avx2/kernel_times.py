"""Microseconds per call of the compiled kernels on a fit's arrays, for the build in use.

784 x 100 Fortran-ordered weights (the first layer of 784-100-10), a 32 x 100
hidden batch; best of 3 x 20,000 calls. Compare the two builds by running it
twice, alternated::

    SKL1NET_NO_AVX2=1 python benchmarks/results/avx2/kernel_times.py   # baseline (SSE2)
    SKL1NET_NO_AVX2=0 python benchmarks/results/avx2/kernel_times.py   # AVX2
"""
import timeit

import numpy as np

from skl1net._compute import _kernels
K = _kernels.compiled
rng = np.random.RandomState(0)
print(K.__name__)
for dt in (np.float32, np.float64):
    W = np.asfortranarray((rng.rand(784, 100).astype(dt) - 0.5) * 0.2)
    V = W.copy(order="F")
    Z = np.asfortranarray(rng.randn(32, 100).astype(dt))
    D = Z.copy(order="F")
    b = rng.randn(100).astype(dt)

    def us(f, n=20000):
        return round(min(timeit.repeat(f, number=n, repeat=3)) / n * 1e6, 2)

    print(f"  {np.dtype(dt).name}: soft_threshold {us(lambda: K.soft_threshold_inplace(W, 1e-9))}, "
          f"sign into W {us(lambda: K.add_scaled_sign(W, -1e-12, W))}, "
          f"axpy {us(lambda: K.axpy(W, 1e-12, V))}, bias_relu {us(lambda: K.bias_relu(Z, b))}, "
          f"relu_backward {us(lambda: K.relu_backward(Z, D))}", flush=True)
