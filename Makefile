# The two entry points of the README: `make demo` and `make test`. Each sets up its own
# virtualenv in .venv from pyproject.toml the first time (and again when pyproject changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EG := $(BIN)/ecosystem-graph
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:12])")

.PHONY: demo test setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# Build the seed graph, print its summary, run named queries, write the HTML views.
demo: $(STAMP)
	$(EG) build data --out build --format jsonld --format nt --format trig
	$(EG) stats
	$(EG) query --name meetings
	$(EG) query --name organizations-by-theme --param theme=blockchain
	$(EG) query --name organizations-in-city --param city=Peterborough
	$(EG) query --name contacts --param "organization=London & Partners"
	$(EG) query --name theme-landscape

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf build site .venv .pytest_cache
