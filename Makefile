# quotewise — every command a newcomer or CI needs. PYTHON is the project's virtualenv.
SHARED ?= ../shared
POLNEAR ?= $(SHARED)/polnear
VENV ?= .venv
PY := $(VENV)/bin/python
QW := $(VENV)/bin/quotewise
MODEL ?= default
FUZZ_COUNT ?= 2000

.PHONY: setup run test fuzz eval bench cues morphology train review-screenshot

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

setup: $(PY)  ## install quotewise, its pinned dependencies and test tools (offline but for PyPI)
	$(PY) -m pip install --quiet -e ".[test]"

# The review site reads the claim index `quotewise index` writes just before it.
run: setup  ## extract the bundled example articles, print who said what, index them across the two outlets, write the review site
	$(QW) extract corpus/examples -o out/examples.jsonl --model $(MODEL)
	$(QW) summary out/examples.jsonl
	$(QW) index out/examples.jsonl -o out/index --articles corpus/examples
	@echo "review site (open in a browser):"
	@$(QW) view out/examples.jsonl --articles corpus/examples --index out/index -o out/review

review-screenshot:  ## eval/review-seeds.png: seed b's review page in headless chromium (after make run)
	$(PY) eval/review_screenshot.py --site out/review --out eval/review-seeds.png

test: setup  ## the whole test suite (fast: no training beyond a few steps, no timing)
	$(PY) -m pytest -q -n 2 --dist loadgroup tests

fuzz: setup  ## FUZZ_COUNT (2,000) generated hostile articles through extract, times and numbers: no traceback, nothing unaccounted for
	$(PY) tests/fuzz.py --count $(FUZZ_COUNT)

eval:  ## score every model on PolNeAR dev, speakers, the figure normalisers and the cross-article index on corpus/gold; reports in eval/results/
	$(QW) eval $(POLNEAR)/dev --model fast
	$(QW) eval $(POLNEAR)/dev --model default
	$(QW) eval $(POLNEAR)/dev --model accurate
	$(PY) -m pipeline.attribution.card default accurate
	$(PY) -m pip install --quiet -e ".[bench]"  # textacy, the baseline scored beside them
	$(PY) eval/textacy_quotes.py $(POLNEAR)/dev/text out/textacy-dev.jsonl
	$(QW) eval $(POLNEAR)/dev --predictions out/textacy-dev.jsonl --name textacy
	$(PY) -m pipeline.evaluation.speakers
	$(PY) -m pipeline.evaluation.times
	$(PY) -m pipeline.evaluation.numbers
	$(QW) eval-index corpus/gold/claims.jsonl --model default
	$(QW) eval-index corpus/gold/claims.jsonl --model accurate --out eval/results/index-accurate

bench: setup  ## words/s, words per CPU-second and peak memory of extract on the dev texts (1 and 2 processes, every model, textacy beside; index time for 100,000 records; Ray against -j 2; spaCy's time by component)
	$(PY) -m pip install --quiet -e ".[bench]"
	OMP_WAIT_POLICY=PASSIVE $(PY) eval/bench.py --texts $(POLNEAR)/dev/text --out eval/bench --repeat 3 --before 24aecb8  # 24aecb8: fast before issue 10
	OMP_WAIT_POLICY=PASSIVE $(PY) eval/bench_index.py --texts $(POLNEAR)/train/text $(POLNEAR)/dev/text --records runs/bench-index/polnear-fast.jsonl --out eval/bench
	OMP_WAIT_POLICY=PASSIVE $(PY) eval/bench_ray.py --polnear $(POLNEAR) --out eval/bench
	OMP_WAIT_POLICY=PASSIVE $(PY) eval/bench_length.py --texts $(POLNEAR)/dev/text --out eval/bench --models fast default
	$(QW) extract $(POLNEAR)/dev/text -o out/dev-fast.jsonl --model fast --no-progress
	OMP_WAIT_POLICY=PASSIVE $(PY) eval/bench_spacy.py --texts $(POLNEAR)/dev/text --records out/dev-fast.jsonl --out eval/bench
	$(PY) -m pipeline.attribution.card default accurate

cues:  ## derive the fast model's cue lexicon from PolNeAR train
	$(PY) -m pipeline.attribution.cues $(POLNEAR)/train models/fast/cues.json

morphology:  ## rewrite the table cached_morphology starts from (after a spaCy model upgrade)
	$(PY) -m pipeline.morphology --texts $(POLNEAR)/train/text --out pipeline/data/morphology.tsv.gz

# What `make train MODEL=NAME` passes to the trainer for each trained model.
# `accurate` is all-mpnet-base-v2 with rank-16 LoRA adapters over its weights rounded to int8
# levels: 4 minutes on one H200 (DEVICE=cuda); on 2 CPU cores, hours (ten epochs of 227 steps).
# `default` keeps MiniLM's first 3 of 6 layers (for speed) and learns `accurate`'s tag
# probabilities beside the gold tags (distillation): train `accurate` first.
DEVICE ?= cpu
TRAIN_default := --encoder minilm --layers 3 --epochs 6 --teacher models/accurate --distill 0.5
TRAIN_accurate := --encoder mpnet --lora-rank 16 --lora-alpha 32 --lr 3e-4 --epochs 10 --seed 13 --base-int8
train:  ## train models/$(MODEL) from PolNeAR train (DEVICE=cuda: on a GPU), select and fit on dev; log + checkpoints in runs/$(MODEL) (resumable: rerun)
	OMP_WAIT_POLICY=PASSIVE $(PY) -m pipeline.attribution.training --train $(POLNEAR)/train --dev $(POLNEAR)/dev \
		--out models/$(MODEL) --run runs/$(MODEL) --cache runs --device $(DEVICE) $(TRAIN_$(MODEL))
	OMP_WAIT_POLICY=PASSIVE $(PY) -m pipeline.attribution.fitting --dev $(POLNEAR)/dev --out models/$(MODEL) \
		--cache runs
