# The two commands of the README. `make demo` sets up a virtualenv from PyPI and publishes the
# demo edition offline; `make test` runs the whole suite (what .ci/run calls).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test browser clean

$(BIN)/zaowan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/zaowan

setup: $(BIN)/zaowan

demo: setup
	$(BIN)/zaowan demo --out demo-out

# The web page is checked in a real headless browser: Debian's chromium.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || \
	    echo "could not install chromium: the browser test will say so"; \
	  else echo "install Debian's chromium (sudo apt-get install chromium) for the browser test"; fi; }

test: setup browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf demo-out out .pytest_cache
