"""The result file of a benchmark: a header on the machine, then what the script printed.

Every ``bench_*.py`` script ends with ``_report.run(main, __file__)``. Run as
``python benchmarks/bench_NAME.py [ARGS] --save``, it prints as usual and
also writes ``benchmarks/results/bench_NAME.txt``: a header (the command, the
git revision, the CPU, the thread counts, the library versions, the load
average) followed by everything the script printed. The file is written to a
temporary file in the same folder and then renamed over the old one, so an
interrupted run leaves the previous result in place. A figure goes the same
way through :func:`save_figure`.
"""

# SPDX-License-Identifier: BSD-3-Clause

import io
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ROOT = HERE.parent
SAVING = False  # True while run() is writing a result file (scripts put their figure there)


def cpu_model():
    """The ``model name`` of ``/proc/cpuinfo``, or what :mod:`platform` says."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def blas_description():
    """Each BLAS library loaded in the process: name, version, kernels, threads."""
    try:
        import numpy  # noqa: F401  (load both BLAS libraries, numpy's and scipy's)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl is not installed)"
    libs = [
        f"{info['internal_api']} {info.get('version')} "
        f"({info.get('architecture')} kernels, {info['num_threads']} threads, "
        f"{Path(info['filepath']).parent.name})"
        for info in threadpool_info()
        if info["user_api"] == "blas"
    ]
    return "; ".join(libs) or "none loaded"


def versions():
    """Python and the libraries the benchmarks measure; torch only if the script imported it."""
    import numpy
    import scipy
    import sklearn

    import skl1net

    parts = [
        f"Python {platform.python_version()}",
        f"numpy {numpy.__version__}",
        f"scipy {scipy.__version__}",
        f"scikit-learn {sklearn.__version__}",
        f"skl1net {skl1net.__version__}",
    ]
    if "torch" in sys.modules and sys.modules["torch"] is not None:
        parts.append(f"torch {sys.modules['torch'].__version__}")
    return ", ".join(parts)


def revision():
    """``git rev-parse --short HEAD``, marked when the code has uncommitted changes.

    The code is the package and the benchmark scripts; result files do not
    count (``run_all.py`` writes them one after the other).
    """
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
            text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "skl1net",
             "benchmarks", ":(exclude)benchmarks/results"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return rev + (" with uncommitted changes" if dirty else "")


def kernels():
    """Which element-wise kernels skl1net runs: a compiled build or the numpy fallback."""
    try:
        from skl1net._compute import _kernels  # private: the one place that chooses
    except ImportError:  # moved: the header says so rather than failing
        return "unknown"
    compiled = getattr(_kernels, "compiled", None)
    return compiled.__name__.rsplit(".", 1)[-1] if compiled is not None else "numpy"


def header(command):
    """The header lines of a result file, each starting with ``# ``."""
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    lines = [
        f"command:  {command}",
        f"revision: {revision()}",
        f"CPU:      {cpu_model()}, {os.cpu_count()} logical CPUs",
        f"BLAS:     {blas_description()}",
        f"versions: {versions()}; skl1net kernels: {kernels()}",
        f"load average at the end of the run (1, 5, 15 min): {load}",
    ]
    return "".join(f"# {line}\n" for line in lines)


def _replace_atomically(path, write):
    """Call ``write(temporary_path)``, then rename the temporary file to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a result file is for everyone
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_text(path, text):
    """Write ``text`` to ``path`` atomically."""

    def write(tmp):
        with open(tmp, "w") as f:
            f.write(text)

    _replace_atomically(path, write)


def save_figure(fig, path, **kwargs):
    """``fig.savefig(path)``, atomically."""
    _replace_atomically(path, lambda tmp: fig.savefig(tmp, format=Path(path).suffix[1:], **kwargs))


def result_path(script, suffix=".txt"):
    """``benchmarks/results/<script name><suffix>``."""
    return RESULTS / (Path(script).stem + suffix)


class _Tee(io.TextIOBase):
    """A stream that writes to the terminal and keeps a copy."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def run(main, script, argv=None):
    """Run ``main(argv)``; with ``--save`` among the arguments, also write the result file."""
    argv = list(sys.argv[1:] if argv is None else argv)
    save = "--save" in argv
    argv = [a for a in argv if a != "--save"]
    if not save:
        return main(argv)
    global SAVING
    command = " ".join(["python", f"benchmarks/{Path(script).name}", *argv])
    tee = _Tee(sys.stdout)
    sys.stdout, SAVING = tee, True
    try:
        result = main(argv)
    finally:
        sys.stdout, SAVING = tee.stream, False
    path = result_path(script)
    write_text(path, header(command) + "\n" + tee.copy.getvalue())
    print(f"wrote {path}")
    return result
