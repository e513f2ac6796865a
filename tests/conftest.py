"""Shared fixtures."""

import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skl1net._compute import _kernels
from skl1net._compute import _npkernels
#: The compiled builds that run here, by module name: '_ckernels' and, on
#: processors with AVX2, '_ckernels_avx2'.
COMPILED_VARIANTS = {m.__name__.rsplit(".", 1)[1]: m for m in _kernels.compiled_variants()}


def use_kernels(monkeypatch, module):
    """Make :mod:`skl1net._compute._kernels` serve the kernels of ``module`` for one test."""
    for name in _kernels.NAMES:
        monkeypatch.setattr(_kernels, name, getattr(module, name))
    if module is not _npkernels:
        monkeypatch.setattr(_kernels, "compiled", module)


@pytest.fixture(params=["_ckernels", "_ckernels_avx2", "numpy"])
def kernel_impl(request, monkeypatch):
    """Run a test with each compiled build of the kernels and with their numpy versions.

    A compiled build is skipped when it was not built or does not run on this
    processor. Use it with ``pytestmark = pytest.mark.usefixtures("kernel_impl")``.
    """
    if request.param == "numpy":
        use_kernels(monkeypatch, _npkernels)
    elif request.param in COMPILED_VARIANTS:
        use_kernels(monkeypatch, COMPILED_VARIANTS[request.param])
    else:
        pytest.skip(f"skl1net.{request.param} is not built or does not run on this processor")
    return request.param


@pytest.fixture(scope="module")
def digits_split():
    """scikit-learn's digits scaled to [0, 1]: ``X_train, X_test, y_train, y_test`` (70/30, stratified)."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def cancer():
    """The breast cancer data, standardized: ``X_train, X_test, y_train, y_test`` (70/30, stratified)."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
