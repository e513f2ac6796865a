"""Build of the optional compiled kernels (``skl1net._ckernels``).

Everything else is in ``pyproject.toml``. The extension is optional: without
Cython or a working C compiler the package installs all the same, with a
warning, and ``skl1net._kernels`` falls back to numpy.
"""

# SPDX-License-Identifier: BSD-3-Clause

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """``build_ext`` that warns instead of failing when the kernels do not compile.

    setuptools' ``optional=True`` alone lets some failures through (a missing
    compiler executable stops an editable install).
    """

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any failure: fall back to numpy
            self._skip(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._skip(exc)

    def _skip(self, exc):
        self.warn(f"skl1net's compiled kernels were not built ({exc}); numpy is used instead")


try:
    from Cython.Build import cythonize
except ImportError:  # the build requires Cython; a build without isolation may lack it
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("skl1net._ckernels", ["skl1net/_ckernels.pyx"], optional=True)],
        compiler_directives={"language_level": 3},
    )

setup(ext_modules=ext_modules, cmdclass={"build_ext": OptionalBuildExt})
