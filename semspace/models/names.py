"""What users type after --model and --dtype, without loading anything (the CLI's help reads these)."""

DEFAULT_MODEL = "smollm2-135m"
TINY_MODEL = "tiny-random"
HUB_ALIASES = {
    "Qwen2.5-Math-7B": "Qwen/Qwen2.5-Math-7B",
    "Qwen2.5-7B": "Qwen/Qwen2.5-7B",
    "Llama-3.2-3B-Instruct": "meta-llama/Llama-3.2-3B-Instruct",
    "Mathstral-7B-v0.1": "mistralai/Mathstral-7B-v0.1",
    "DeepSeek-R1-Distill-Qwen-7B": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
}
EMBEDDED_NAMES = {DEFAULT_MODEL, "smollm2-135m-instruct", "smollm2"}
AUTO_HELP = ("auto = the checkpoint's dtype on GPUs and on CPUs with native bf16/fp16 arithmetic (AVX512-BF16, "
             "AMX, ARM BF16); float32 on CPUs without it, where bf16/fp16 run emulated and about 3x slower")
