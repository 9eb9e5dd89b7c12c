# The two commands of the README. `make demo` sets up a virtualenv from PyPI and publishes the
# demo edition offline; `make test` runs the whole suite (what .ci/run calls).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test clean

$(BIN)/zaowan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/zaowan

setup: $(BIN)/zaowan

demo: setup
	$(BIN)/zaowan demo --out demo-out

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf demo-out out .pytest_cache
