"""Shared fixtures."""

import pytest

from skl1net import _kernels, _npkernels


@pytest.fixture(params=["compiled", "numpy"])
def kernel_impl(request, monkeypatch):
    """Run a test once with the compiled kernels and once with their numpy versions.

    The compiled run is skipped when the extension was not built. Use it with
    ``pytestmark = pytest.mark.usefixtures("kernel_impl")``.
    """
    if request.param == "numpy":
        for name in _kernels.NAMES:
            monkeypatch.setattr(_kernels, name, getattr(_npkernels, name))
    elif not _kernels.COMPILED:
        pytest.skip("the compiled kernels are not built")
    return request.param
