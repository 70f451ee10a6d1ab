# The two commands a newcomer needs: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test tools lint bench soak clean

# setuptools warns about every editable install ("folders with the same name as your
# package"): true of any source checkout, and noise in a newcomer's first output.
QUIET_PIP := PYTHONWARNINGS=ignore $(BIN)/pip install --quiet

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(QUIET_PIP) --upgrade pip
	$(QUIET_PIP) -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(QUIET_PIP) -e '.[test,cluster]'
	touch $(TEST_STAMP)

demo: $(STAMP)
	$(BIN)/redline demo

# pywb and wacz live in their own virtualenv: pywb pins old redis/fakeredis.
tools:
	bash tools/install-tools.sh

test: $(TEST_STAMP) tools
	bash tools/install-system.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/extract_real.py
	$(BIN)/python bench/diff.py
	$(BIN)/python bench/index.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/publish.py
	$(BIN)/python bench/cluster.py

# 20,000 pages, 20 SIGKILLs, 50 MB files (~30 min); REDLINE_SOAK_PAGES, _KILLS, _WARC_MB,
# _SEED override, REDLINE_SOAK_FIGURES=FILE keeps the figures. Not part of `make test`.
soak: $(TEST_STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -s -m soak

clean:
	rm -rf $(VENV) .tools-venv build *.egg-info
