# quotewise — every command a newcomer or CI needs. PYTHON is the project's virtualenv.
SHARED ?= ../shared
POLNEAR ?= $(SHARED)/polnear
VENV ?= .venv
PY := $(VENV)/bin/python
QW := $(VENV)/bin/quotewise
MODEL ?= fast

.PHONY: setup run test eval bench cues

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

setup: $(PY)  ## install quotewise, its pinned dependencies and test tools (offline but for PyPI)
	$(PY) -m pip install --quiet -e ".[test]"

run: setup  ## extract the bundled example articles and print who said what
	$(QW) extract corpus/examples -o out/examples.jsonl --model $(MODEL)
	$(QW) summary out/examples.jsonl

test: setup  ## the whole test suite (fast: no training beyond a few steps, no timing)
	$(PY) -m pytest -q -n 2 tests

eval:  ## score every model on PolNeAR dev, speakers and the figure normalisers on corpus/gold; reports in eval/results/
	$(QW) eval $(POLNEAR)/dev --model fast
	$(PY) -m pipeline.speakers_eval
	$(PY) -m pipeline.timex_eval
	$(PY) -m pipeline.numbers_eval

bench:  ## words/s and peak memory of extract on the dev texts, 1 and 2 processes
	$(PY) eval/bench.py --texts $(POLNEAR)/dev/text --out eval/bench

cues:  ## derive the fast model's cue lexicon from PolNeAR train
	$(PY) -m pipeline.cues $(POLNEAR)/train models/fast/cues.json
