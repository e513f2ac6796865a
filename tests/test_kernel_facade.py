"""The facade skl1net._compute._kernels: which build it serves, and that it is the only way in."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skl1net._compute import _kernels

from conftest import COMPILED_VARIANTS

ROOT = Path(__file__).resolve().parents[1]


def test_compiled_kernels_are_built_when_required():
    # CI sets SKL1NET_REQUIRE_COMPILED=1 (.ci/run): there the build must have compiled them,
    # the AVX2 build too where the processor has AVX2 and the platform builds it
    if os.environ.get("SKL1NET_REQUIRE_COMPILED", "") not in ("", "0"):
        assert _kernels.COMPILED, "skl1net._compute._ckernels was not built"
        import platform

        from skl1net._compute import _ckernels
        if _ckernels.cpu_has_avx2() and platform.machine() == "x86_64":
            assert "_ckernels_avx2" in COMPILED_VARIANTS, "skl1net._compute._ckernels_avx2 was not built"


def test_facade_offers_every_kernel_of_the_fastest_build_or_numpy():
    # in a fresh interpreter: the fixtures of this module patch the facade
    code = (
        "import skl1net._compute._kernels as k\n"
        "v = k.compiled_variants()\n"
        "assert k.compiled is (v[-1] if v else None) and k.COMPILED == bool(v)\n"
        "impl = k.compiled if v else __import__('skl1net._compute._npkernels').__dict__['_npkernels']\n"
        "assert all(getattr(k, n) is getattr(impl, n) for n in k.NAMES)\n"
        "print(k.axpy.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    expected = [m.__name__ for m in _kernels.compiled_variants()][-1:] or ["skl1net._compute._npkernels"]
    assert out.stdout.split() == expected


BASELINE = "skl1net._compute._ckernels" if COMPILED_VARIANTS else "skl1net._compute._npkernels"


@pytest.mark.parametrize("variable, expected", [
    ("SKL1NET_NO_AVX2", [str(bool(COMPILED_VARIANTS)), BASELINE]),
    ("SKL1NET_NO_COMPILED", ["False", "skl1net._compute._npkernels"]),
])
def test_environment_variables_choose_the_implementation(variable, expected):
    env = dict(os.environ, **{variable: "1"})
    code = "import skl1net._compute._kernels as k; print(k.COMPILED, k.axpy.__module__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == expected


def test_only_the_facade_imports_the_kernel_modules():
    # skl1net._compute._kernels chooses the implementation: any other importer
    # of the numpy or compiled modules would bypass the choice
    kernel_modules = {"_npkernels", "_ckernels", "_ckernels_avx2"}
    importers = set()
    for path in (ROOT / "skl1net").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {(node.module or "").rsplit(".", 1)[-1]} | {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                names = {a.name.rsplit(".", 1)[-1] for a in node.names}
            else:
                continue
            if names & kernel_modules:
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers == {"skl1net/_compute/_kernels.py"}
