# The two commands a newcomer needs: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test tools lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/redline demo

# pywb and wacz live in their own virtualenv: pywb pins old redis/fakeredis.
tools:
	bash tools/install-tools.sh

test: $(STAMP) tools
	bash tools/install-system.sh
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/diff.py
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) .tools-venv build *.egg-info
