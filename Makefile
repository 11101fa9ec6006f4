# dl-seminar: one entry point for students, presenters and CI (GNU make).
# `make` alone lists the targets.

PYTHON ?= python3
VENV := .venv
NB ?=
LAB_ARGS ?=
SLIDEFIT_ARGS ?=

BIN := $(VENV)/bin
# The course tooling runs from the checkout (tools/ is not installed).
TOOLS := $(BIN)/python -m tools
# The kernel environment of `make execute` (tools.execute.KERNEL_ENVIRONMENT), for nbval too.
NB_ENV := SEMINAR_VERBOSE=2 PYTHONHASHSEED=0 TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=2
PYTEST := $(BIN)/pytest -p no:cacheprovider --durations=10
# reveal.js and MathJax pinned by slides/package-lock.json (tools.slides.VENDOR_DIR).
SLIDES_VENDOR := build/slides-vendor
.DEFAULT_GOAL := help
.PHONY: help setup start lab test execute student slides slidefit site handout lock clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# Installed into a temporary folder and moved into place, so a failed `npm ci` leaves nothing
# half done. Without npm this prints one line and setup goes on: only the slides need it.
$(SLIDES_VENDOR)/package-lock.json: slides/package.json slides/package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "note: npm not found: the slide decks (make slides) and their tests need Node.js/npm;" \
			"install them and run make setup again"; \
		exit 0; \
	fi; \
	set -e; \
	rm -rf $(SLIDES_VENDOR) $(SLIDES_VENDOR).tmp; \
	mkdir -p $(SLIDES_VENDOR).tmp; \
	cp slides/package.json slides/package-lock.json $(SLIDES_VENDOR).tmp/; \
	echo "npm ci: slide vendor files into $(SLIDES_VENDOR)"; \
	(cd $(SLIDES_VENDOR).tmp && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); \
	mv $(SLIDES_VENDOR).tmp $(SLIDES_VENDOR)

setup: $(VENV)/.installed $(SLIDES_VENDOR)/package-lock.json ## Create .venv, install the pinned dependencies and slide files (only when needed)

# tools/lab.py: Japanese JupyterLab (lab/overrides.json), settings under build/lab/, and
# --allow-root when run as root (JupyterLab refuses root otherwise).
start: $(VENV)/.installed ## Students: copy the notebooks you do not have yet into my-notebooks/ (never overwrites), open JupyterLab there
	$(TOOLS) start $(LAB_ARGS)

lab: $(VENV)/.installed ## Presenters: JupyterLab on the full notebooks/ with solutions (options: LAB_ARGS="--no-browser --port 8889")
	$(TOOLS) lab $(LAB_ARGS)

# notebooks/conftest.py prints the time of each notebook at the end of the nbval run.
test: setup ## ruff, unit tests, then nbval on every notebook
	$(BIN)/ruff check seminar_lib tools tests bench notebooks
	$(BIN)/ruff format --check seminar_lib tools tests bench notebooks
	$(PYTEST) -n 2 tests
	$(NB_ENV) $(PYTEST) --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
		notebooks

execute: $(VENV)/.installed ## Re-execute the notebooks in place (one: NB=notebooks/01_....ipynb)
	$(TOOLS) execute $(NB)

student: $(VENV)/.installed ## Write student copies (solutions -> stubs) to build/student/
	$(TOOLS) student $(NB)

slides: $(VENV)/.installed ## Build offline reveal.js decks into build/slides/ (files from make setup)
	$(TOOLS) slides $(NB)

# Exit status 1 when a slide is taller than 720 px; small text is reported only.
slidefit: $(VENV)/.installed ## Measure every slide at 1280x720 in headless Chromium: too tall, text too small (SLIDEFIT_ARGS=--screenshots: one PNG per slide)
	$(TOOLS) slidefit $(NB) $(SLIDEFIT_ARGS)

site: $(VENV)/.installed $(SLIDES_VENDOR)/package-lock.json ## Build the course site (static HTML, offline, index in course order) into build/site/
	$(TOOLS) site

handout: $(VENV)/.installed $(SLIDES_VENDOR)/package-lock.json ## Write build/handout/: the student zip and the instructor zip (full notebooks, slides, contest kit)
	$(TOOLS) handout

lock: ## Refresh constraints.txt from the newest releases (then run make test before committing)
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet --upgrade pip
	build/lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# make lock, $$(build/lock-venv/bin/python --version), $$(date -u +%F)"; \
		build/lock-venv/bin/pip freeze --exclude-editable | grep -v '^dl-seminar'; \
	} > build/constraints.txt
	mv build/constraints.txt constraints.txt
	rm -rf build/lock-venv

clean: ## Remove build/ (build/student, slides, site, handouts, JupyterLab settings in build/lab, the slide vendor files: make setup reinstalls); never my-notebooks/
	rm -rf build
