# Quick start: `make lab` to work through the notebooks, `make test` to check everything.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_DIR ?= notebooks
# JAX keeps what it compiles on disk, so a notebook run a second time (or by nbval after the tests)
# skips compilation. Delete .jax_cache at any time; it is rebuilt on the next run.
export JAX_COMPILATION_CACHE_DIR ?= $(CURDIR)/.jax_cache
export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS ?= 0
export JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES ?= -1
# XLA compiles for the processor it runs on, and the vector width decides the order in which long sums are
# added up, so the last digits of float32 results differ between machines. Stored outputs are made and checked
# with AVX2 code, which every x86-64 processor of the last decade runs; `make test-portable` runs the solved
# notebooks with SSE4.2 code to show that what they print does not hang on those digits.
ISA_CAP = $(if $(filter x86_64,$(shell uname -m)),--xla_cpu_max_isa=$(1))
NBVAL := $(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-portable notebooks answers bench site test-browser clean-venv help

help:
	@echo "make lab        start JupyterLab on notebooks/ (creates .venv on first use)"
	@echo "make test       unit tests, solved notebooks under nbval, learner notebooks run as shipped"
	@echo "make test-portable  the solved notebooks under nbval with SSE4.2 code: same outputs on any processor"
	@echo "make notebooks  rebuild notebooks/ from answers/ (solutions stubbed, outputs cleared)"
	@echo "make answers    re-execute answers/ in place, storing fresh outputs"
	@echo "make bench      timing ratios measured side by side"
	@echo "make site       static website of the solved notebooks in build/site"
	@echo "make test-browser  JupyterLab and the website driven in headless Chromium (needs Debian's chromium)"
	@echo "make clean-venv remove .venv"

# The environment is rebuilt whenever pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; set PYTHON=/path/to/python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# An extra of pyproject.toml (site, browser) is installed by the first target that needs it.
$(VENV)/.installed-%: $(STAMP)
	$(PY) -m pip install --quiet -e '.[$*]'
	touch $@

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --ServerApp.port=$(PORT) $(AS_ROOT) $(LAB_ARGS)

test: $(STAMP)
	XLA_FLAGS="$(call ISA_CAP,AVX2) $$XLA_FLAGS" $(NBVAL) tests answers $(PYTEST_ARGS)

test-portable: $(STAMP)
	XLA_FLAGS="$(call ISA_CAP,SSE4_2) $$XLA_FLAGS" $(NBVAL) answers $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(PY) -m dl_workshop.release

answers: $(STAMP)
	XLA_FLAGS="$(call ISA_CAP,AVX2) $$XLA_FLAGS" $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 answers/*.ipynb

bench: $(STAMP)
	$(PY) -m benchmarks $(SECTIONS)

site: $(VENV)/.installed-site
	$(PY) website/stage.py
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --quiet -f website/mkdocs.yml
	@echo "built build/site: python3 -m http.server 8000 --bind 127.0.0.1 --directory build/site"

test-browser: site $(VENV)/.installed-browser
	$(PY) -m pytest browser_tests $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
