"""Build of the optional compiled kernels (``skl1net._ckernels``).

Everything else is in ``pyproject.toml``. The extension is optional: without
Cython or a C compiler the package installs all the same and
``skl1net._kernels`` falls back to numpy.
"""

# SPDX-License-Identifier: BSD-3-Clause

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # the build requires Cython; a build without isolation may lack it
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("skl1net._ckernels", ["skl1net/_ckernels.pyx"], optional=True)],
        compiler_directives={"language_level": 3},
    )

setup(ext_modules=ext_modules)
