# dl-seminar: one entry point for students, presenters and CI (GNU make).
# `make` alone lists the targets.

PYTHON ?= python3
VENV := .venv
NB ?=
LAB_ARGS ?=

BIN := $(VENV)/bin
COURSE := $(BIN)/python -m seminar_lib.course
# The kernel environment of `make execute` (seminar_lib.course.KERNEL_ENVIRONMENT), for nbval too.
NB_ENV := SEMINAR_PROGRESS=summary PYTHONHASHSEED=0 TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=2
# JupyterLab refuses to run as root unless told.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup lab test execute student slides lock clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## Create .venv and install the pinned dependencies (only when needed)

lab: $(VENV)/.installed ## Start JupyterLab on notebooks/ (options: LAB_ARGS="--no-browser --port 8889")
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

test: $(VENV)/.installed ## ruff, unit tests, then nbval on every notebook
	$(BIN)/ruff check seminar_lib tests bench notebooks
	$(BIN)/ruff format --check seminar_lib tests bench notebooks
	$(BIN)/pytest -p no:cacheprovider -n 2 tests
	$(NB_ENV) $(BIN)/pytest -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with nbval_sanitize.cfg notebooks

execute: $(VENV)/.installed ## Re-execute the notebooks in place (one: NB=notebooks/01_....ipynb)
	$(COURSE) execute $(NB)

student: $(VENV)/.installed ## Write student copies (solutions -> stubs) to build/student/
	$(COURSE) student $(NB)

slides: $(VENV)/.installed ## Build offline reveal.js decks into build/slides/ (needs npm once)
	$(COURSE) slides $(NB)

lock: ## Refresh constraints.txt from the newest releases (then run make test before committing)
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet --upgrade pip
	build/lock-venv/bin/pip install --quiet -e '.[dev]'
	build/lock-venv/bin/pip freeze --exclude-editable | grep -v '^dl-seminar' > build/constraints.txt
	mv build/constraints.txt constraints.txt
	rm -rf build/lock-venv

clean: ## Remove build/ (student copies, slides, their npm files)
	rm -rf build
