"""The collect options' choices and defaults, importable without loading torch (the CLI's --help reads them)."""

BACKENDS = ("hf", "vllm")
CAPTURE_BACKENDS = ("auto", "hf", "vllm")  # auto: the sampling backend's
HIDDEN_DTYPES = ("float16", "float32")
DEFAULT_GPU_MEMORY = 0.9  # both vLLM engines together
SAMPLING_SHARE = 2 / 3  # of the engines' total: the KV cache of many long generations is the larger need
