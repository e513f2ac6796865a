"""Build of the optional compiled kernels (``skl1net._compute._ckernels`` and ``skl1net._compute._ckernels_avx2``).

Everything else is in ``pyproject.toml``. The extension is optional: without
Cython or a working C compiler the package installs all the same, with a
warning, and ``skl1net._compute._kernels`` falls back to numpy.
"""

# SPDX-License-Identifier: BSD-3-Clause

import platform
import sys

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


def extensions():
    """The kernels for any CPU and, on x86-64 with GCC or Clang, their AVX2 build.

    Both compile the same source (``skl1net/_compute/_ckernels_body.pxi``);
    ``skl1net._compute._kernels`` imports the AVX2 one only on processors that have
    AVX2. ``extra_compile_args`` adds to the interpreter's flags (``-O3``...);
    setting ``CFLAGS`` instead would replace them.
    """
    # without errno, the compiler vectorizes the square root of the Adam step
    flags = [] if sys.platform == "win32" else ["-fno-math-errno"]
    kernels = [Extension("skl1net._compute._ckernels", ["skl1net/_compute/_ckernels.pyx"],
                         extra_compile_args=flags, optional=True)]
    if platform.machine().lower() in ("x86_64", "amd64") and sys.platform != "win32":
        kernels.append(Extension(
            "skl1net._compute._ckernels_avx2", ["skl1net/_compute/_ckernels_avx2.pyx"],
            extra_compile_args=["-mavx2", *flags], optional=True,
        ))
    return kernels


try:
    from Cython.Build import cythonize
except ImportError:  # the build requires Cython; a build without isolation may lack it
    ext_modules = []
else:
    ext_modules = cythonize(extensions(), compiler_directives={"language_level": 3})

setup(ext_modules=ext_modules, cmdclass={"build_ext": OptionalBuildExt})
