# Quick start: `make lab` to work through the notebooks, `make test` to check everything.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Every package is pinned: requirements.lock holds what `make lab` and `make test` install, requirements-extras.lock
# adds the website, browser-test and hub packages at the same pins. `make lock` refreshes both from pyproject.toml.
LOCK        := requirements.lock
EXTRAS_LOCK := requirements-extras.lock
# uv installs the lock several times faster than pip (README: Setup times); INSTALLER=pip uses pip alone.
INSTALLER  ?= uv
UV_VERSION := 0.13.9
UV         := $(VENV)/bin/uv
export UV_LINK_MODE ?= copy
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

.PHONY: lab test test-portable test-lowest lock notebooks answers bench site test-browser clean-venv help
.PHONY: hub test-hub
.PHONY: slides labextension

help:
	@echo "make lab        start JupyterLab on notebooks/ (creates .venv on first use)"
	@echo "make test       unit tests, solved notebooks under nbval, learner notebooks run as shipped"
	@echo "make test-portable  the solved notebooks under nbval with SSE4.2 code: same outputs on any processor"
	@echo "make test-lowest    the tests again on the lowest versions pyproject.toml allows (in .venv-lowest)"
	@echo "make lock       refresh requirements.lock and requirements-extras.lock from pyproject.toml"
	@echo "make notebooks  rebuild notebooks/ from answers/ (solutions stubbed, outputs cleared)"
	@echo "make answers    re-execute answers/ in place, storing fresh outputs"
	@echo "make bench      timing ratios measured side by side"
	@echo "make site       static website of the solved notebooks in build/site"
	@echo "make test-browser  JupyterLab, the website and the slides in headless Chromium, with axe-core (needs chromium, npm)"
	@echo "make slides     a reveal.js deck of each solved notebook in build/slides"
	@echo "make labextension  rebuild labextension/prebuilt, the JupyterLab extension, from its source (needs npm)"
	@echo "make hub        JupyterHub for a room on this machine, as root (hub/README.md; HUB_IP=0.0.0.0 opens it)"
	@echo "make test-hub   load test of the hub: HUB_ATTENDEES simulated attendees (default 20) on loopback"
	@echo "make clean-venv remove .venv"

# nbgrader is installed for one test (its solution clearing agrees with `make notebooks`); its lab and server
# extensions are turned off, so JupyterLab shows attendees nothing of it.
NBGRADER_SERVER_EXTENSIONS := $(addprefix nbgrader.server_extensions.,formgrader validate_assignment assignment_list course_list)

# The environment is rebuilt whenever pyproject.toml or the lock is newer than the last install; it installs
# exactly the lock, then the workshop's own package without dependencies.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),pip)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
else
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) -r $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
endif
	$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	$(VENV)/bin/jupyter server extension disable --sys-prefix $(NBGRADER_SERVER_EXTENSIONS) >/dev/null 2>&1
	touch $(STAMP)

# The workshop's JupyterLab extension (labextension/index.js: figures' alt text, names for unnamed controls) is
# committed built, in labextension/prebuilt, so installing it needs no node: it is copied where JupyterLab looks.
LABEXT       := labextension/prebuilt
LABEXT_FILES := $(shell find $(LABEXT) -type f 2>/dev/null)
install_labextension = rm -rf $(1)/share/jupyter/labextensions/dl-workshop-a11y && \
	mkdir -p $(1)/share/jupyter/labextensions && cp -R $(LABEXT) $(1)/share/jupyter/labextensions/dl-workshop-a11y
$(VENV)/.installed-labextension: $(STAMP) $(LABEXT_FILES)
	$(call install_labextension,$(VENV))
	touch $@

# The website and browser-test packages, at the pins of requirements-extras.lock, for the first target needing them.
$(VENV)/.installed-extras: $(STAMP) $(EXTRAS_LOCK)
ifeq ($(INSTALLER),pip)
	$(PY) -m pip install --quiet -r $(EXTRAS_LOCK)
else
	$(UV) pip install --quiet --python $(PY) -r $(EXTRAS_LOCK)
endif
	touch $@

# One resolution for every Python the project supports (fewest forks: the same versions wherever possible).
LOCK_ARGS := --quiet --universal --fork-strategy fewest --python-version 3.11 --upgrade
lock: $(STAMP)
	$(UV) pip compile pyproject.toml $(LOCK_ARGS) --extra test -o $(LOCK)
	$(UV) pip compile pyproject.toml $(LOCK_ARGS) --extra test --extra site --extra browser --extra hub -c $(LOCK) -o $(EXTRAS_LOCK)

lab: $(STAMP) $(VENV)/.installed-labextension
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --ServerApp.port=$(PORT) $(AS_ROOT) $(LAB_ARGS)

test: $(STAMP) $(VENV)/.installed-labextension
	XLA_FLAGS="$(call ISA_CAP,AVX2) $$XLA_FLAGS" $(NBVAL) tests answers $(PYTEST_ARGS)

test-portable: $(STAMP)
	XLA_FLAGS="$(call ISA_CAP,SSE4_2) $$XLA_FLAGS" $(NBVAL) answers $(PYTEST_ARGS)

# The declared minimum versions are true: the tests pass with every direct dependency at its lowest allowed version.
LOWEST := .venv-lowest
test-lowest: $(STAMP)
	test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(UV) pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[test]'
	XLA_FLAGS="$(call ISA_CAP,AVX2) $$XLA_FLAGS" JAX_COMPILATION_CACHE_DIR=$(CURDIR)/.jax_cache_lowest \
		$(LOWEST)/bin/python -m pytest tests -m "not locked_versions" $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(PY) -m dl_workshop.release

answers: $(STAMP)
	XLA_FLAGS="$(call ISA_CAP,AVX2) $$XLA_FLAGS" $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.store_widget_state=False answers/*.ipynb

bench: $(STAMP)
	$(PY) -m benchmarks $(SECTIONS)

site: $(VENV)/.installed-extras
	$(PY) website/stage.py
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --quiet -f website/mkdocs.yml
	@echo "built build/site: python3 -m http.server 8000 --bind 127.0.0.1 --directory build/site"

# axe-core (the browser tests' accessibility checks) and reveal.js (the slides), at the versions of
# website/package-lock.json, in website/node_modules: installed by npm for this project only, never globally.
NODE_DEPS := website/node_modules/.package-lock.json
$(NODE_DEPS): website/package.json website/package-lock.json
	npm ci --prefix website --no-audit --no-fund --loglevel=error
	touch $@

slides: $(VENV)/.installed-extras $(NODE_DEPS)
	$(PY) website/slides.py
	@echo "open build/slides/01-gradient-basics.slides.html (arrow keys or space to step, Esc for the overview)"

# Rebuilds labextension/prebuilt with @jupyterlab/builder (pinned by labextension/package-lock.json) against this
# JupyterLab, and records the hash of the source it was built from (tests/test_labextension.py compares them).
LABEXT_SOURCE := labextension/index.js labextension/package.json labextension/package-lock.json
labextension: $(STAMP)
	npm ci --prefix labextension --no-audit --no-fund --loglevel=error
	rm -rf $(LABEXT)
	labextension/node_modules/.bin/build-labextension \
		--core-path "$$($(PY) -c 'import jupyterlab, os; print(os.path.join(jupyterlab.__path__[0], "staging"))')" labextension
	$(PY) -c 'import hashlib, sys; print(hashlib.sha256(b"".join(open(f, "rb").read() for f in sys.argv[1:])).hexdigest())' \
		$(LABEXT_SOURCE) > $(LABEXT)/source.sha256

test-browser: site slides $(NODE_DEPS) $(VENV)/.installed-labextension
	$(PY) -m pytest browser_tests $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV) $(LOWEST)

# `make hub`: JupyterHub for a room on this machine (hub/README.md). Each attendee's server runs as their own
# system user, so the attendees' environment lives where every user may read it (HUB_VENV), made from the
# system's Python, and holds the workshop package itself (not an editable install): it is reinstalled whenever
# dl_workshop/ changes. The proxy comes from npm, pinned by hub/node/package-lock.json, into hub/node.
HUB_PYTHON   ?= /usr/bin/python3
HUB_VENV     ?= /opt/dl-workshop-hub
HUB_PY       := $(HUB_VENV)/bin/python
HUB_PACKAGES := '.[hub]' pytest playwright
HUB_CHP      := hub/node/node_modules/.bin/configurable-http-proxy
HUB_IP       ?= 127.0.0.1
HUB_PORT     ?= 8000
# The load test's attendees. CI runs 20: `make test-hub` takes about 4 minutes here (2 cores; 5 where the hub's
# environment is new), the load test 2.5 of them; the load test stops by itself after 8 minutes.
HUB_ATTENDEES ?= 20
NEEDS_ROOT = @test "$$(id -u)" = 0 || { echo "$@ makes a system user for each attendee: run it as root"; exit 1; }

$(HUB_VENV)/.installed: pyproject.toml $(LOCK) $(EXTRAS_LOCK) $(wildcard dl_workshop/*.py) $(LABEXT_FILES)
	test -x $(HUB_PY) || $(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_PY) -m pip install --quiet uv==$(UV_VERSION)
	$(HUB_VENV)/bin/uv pip install --quiet --python $(HUB_PY) -c $(LOCK) -c $(EXTRAS_LOCK) \
		--reinstall-package dl_workshop $(HUB_PACKAGES)
	$(call install_labextension,$(HUB_VENV))
	touch $@

$(HUB_CHP): hub/node/package.json hub/node/package-lock.json
	npm ci --prefix hub/node --no-audit --no-fund --loglevel=error
	touch $@

hub: $(HUB_VENV)/.installed $(HUB_CHP)
	$(NEEDS_ROOT)
	HUB_IP=$(HUB_IP) HUB_PORT=$(HUB_PORT) $(HUB_VENV)/bin/jupyterhub -f hub/jupyterhub_config.py

test-hub: $(HUB_VENV)/.installed $(HUB_CHP)
	$(NEEDS_ROOT)
	$(HUB_PY) -m pytest -q tests/test_hub*.py $(PYTEST_ARGS)
	$(HUB_PY) hub/load_test.py --attendees $(HUB_ATTENDEES)
