"""vLLM backends: sampling with one seeded request per response, and the capture pass in a pooling engine.

vLLM returns no final-norm hidden states of the tokens it generates, so capture is a second engine, in pooling
mode: its `token_embed` task over the exact prompt + response ids gives every position's last-layer state after
the final norm, as float32 (its pooling head casts up; a bf16 model's states are bf16 values). That engine has
no LM head: token statistics use the head's weight, read alone from the checkpoint (lm_head).

Each engine holds its own copy of the weights. On a GPU, `gpu_memory_utilization` is a per-engine budget
(weights, activations and KV cache); engine.memory_shares splits the user's total between the two. vLLM's CPU
build sizes its KV cache by VLLM_CPU_KVCACHE_SPACE instead, and runs eagerly here: compiling a tiny model's
graph took 38 s against 12 s eager, on 2 cores.
"""

from __future__ import annotations

from collections.abc import Callable

from semspace.collect.lm_head import OutputHead
from semspace.collect.sampling import Completion, SamplingSettings
from semspace.collect.seeds import response_seed
from semspace.collect.teacher_forced import Capture, check_alignment, row_slice, token_stats_or_nan
from semspace.errors import InvalidInputError, ModelNotAvailableError

ENCODE_TOKENS = 65536  # tokens per pooling call: bounds the float32 states held at once (0.9 GB at d = 3584)
VLLM_FIX = "pip install 'semspace[vllm]' (vLLM 0.32 or newer), or use --backend hf."
FINISH_REASONS = ("stop", "length")


def require_vllm():
    """The vllm module, or a one-line error saying how to get it."""
    try:
        import vllm
    except ImportError as error:
        raise ModelNotAvailableError("--backend vllm needs vLLM, which is not installed here.", VLLM_FIX) from error
    return vllm


def _runs_eagerly() -> bool:
    """No graph compilation on CPUs (slower to start than it ever gains on the models run there)."""
    from vllm.platforms import current_platform

    return current_platform.is_cpu()


class VLLMSampler:
    """vLLM generation, one request per response with that response's own seed (semspace.collect.seeds).

    A request with n samples would seed sample j with seed + j, which another prompt's sample shares; n
    requests of one sample each give every response its own seed, so no response depends on its batch.
    """

    def __init__(self, model_folder: str, *, tokenizer_folder: str, dtype: str, gpu_memory_utilization: float,
                 stop_ids: set[int]):
        vllm = require_vllm()
        self.llm = vllm.LLM(model=model_folder, tokenizer=tokenizer_folder, dtype=dtype,
                            gpu_memory_utilization=gpu_memory_utilization, enforce_eager=_runs_eagerly())
        self.stop_ids = sorted(stop_ids)

    def sample(self, prompt_ids: list[list[int]], settings: SamplingSettings, *, run_seed: int,
               prompt_indices: list[int], on_tokens: Callable[[int], None] | None = None) -> list[list[Completion]]:
        """settings.n completions per prompt, each from its own seed; the tokens are reported once, when vLLM
        returns (its offline API has no per-step callback)."""
        from vllm import TokensPrompt

        requests, params = [], []
        for ids, index in zip(prompt_ids, prompt_indices):
            for sample in range(settings.n):
                requests.append(TokensPrompt(prompt_token_ids=ids))
                params.append(self._params(settings, response_seed(run_seed, index, sample)))
        outputs = self.llm.generate(requests, params, use_tqdm=False)
        completions = [_completion(output.outputs[0]) for output in outputs]
        if on_tokens:
            on_tokens(sum(len(completion.token_ids) for completion in completions))
        return [completions[i * settings.n:(i + 1) * settings.n] for i in range(len(prompt_ids))]

    def _params(self, settings: SamplingSettings, seed: int):
        """One sample, pure temperature/top-p (vLLM's defaults: no top-k, min-p or penalties), the same stop
        tokens as the hf backend, and no detokenizing (rows decode the ids themselves)."""
        from vllm import SamplingParams

        return SamplingParams(n=1, temperature=settings.temperature, top_p=settings.top_p,
                              max_tokens=settings.max_new_tokens, seed=seed, stop_token_ids=self.stop_ids,
                              detokenize=False)


def _completion(choice) -> Completion:
    """vLLM keeps a stop token in token_ids, as the hf backend does."""
    if choice.finish_reason not in FINISH_REASONS:
        raise RuntimeError(f"vLLM ended a response with {choice.finish_reason!r}, not one of {FINISH_REASONS}.")
    return Completion(list(choice.token_ids), choice.finish_reason)


class VLLMCapturer:
    """The teacher-forced pass in a pooling-mode vLLM engine; token statistics through the checkpoint's head."""

    def __init__(self, model_folder: str, *, tokenizer_folder: str, dtype: str, gpu_memory_utilization: float,
                 load_head: Callable[[], OutputHead]):
        """`load_head` runs once the engine holds its memory: on a GPU the head (1 GiB for a 7B model) comes out
        of what the engines leave, not out of a budget vLLM has already measured."""
        vllm = require_vllm()
        from vllm.config import PoolerConfig

        self.llm = vllm.LLM(model=model_folder, tokenizer=tokenizer_folder, runner="pooling", convert="embed",
                            pooler_config=PoolerConfig(task="token_embed"), dtype=dtype,
                            gpu_memory_utilization=gpu_memory_utilization, enforce_eager=_runs_eagerly())
        self.head = load_head()

    def capture(self, prompt_ids: list[list[int]], response_ids: list[list[int]], *, align: str = "predictive",
                layers: tuple[int, ...] = ()) -> list[Capture]:
        """Capture of each prompt + response pair, in the given order; only the last layer is available."""
        check_alignment(align)
        if layers:
            raise InvalidInputError("--layers needs --capture-backend hf: vLLM's pooling pass gives only the last "
                                    "layer.", "Drop --layers, or pass --capture-backend hf.")
        captures = []
        lengths = [len(p) + len(r) for p, r in zip(prompt_ids, response_ids)]
        for group in token_groups(lengths, ENCODE_TOKENS):
            states = self._final_states([prompt_ids[i] + response_ids[i] for i in group])
            captures += [self._one(rows, len(prompt_ids[i]), response_ids[i], align) for i, rows in zip(group, states)]
        return captures

    def _final_states(self, sequences: list[list[int]]):
        """(length, hidden) float32 states after the final norm, one tensor per sequence."""
        from vllm import PoolingParams, TokensPrompt

        outputs = self.llm.encode([TokensPrompt(prompt_token_ids=ids) for ids in sequences],
                                  pooling_task="token_embed", pooling_params=PoolingParams(use_activation=False),
                                  use_tqdm=False)
        return [output.outputs.data for output in outputs]

    def _one(self, states, prompt_length: int, response: list[int], align: str) -> Capture:
        """Rows by `align`, in the run's dtype (exact: the engine computed them in it), and token statistics."""
        predictive = states[row_slice(prompt_length, len(response), "predictive")]
        hidden = states[row_slice(prompt_length, len(response), align)].to(self.head.weight.dtype)
        tokens, error = token_stats_or_nan(self.head.token_stats, predictive, response, length=len(response))
        return Capture(hidden=hidden, tokens=tokens, error=error)


def token_groups(lengths: list[int], max_tokens: int) -> list[list[int]]:
    """Consecutive indices whose lengths add up to at most max_tokens (a longer one stands alone)."""
    groups: list[list[int]] = [[]]
    total = 0
    for index, length in enumerate(lengths):
        if groups[-1] and total + length > max_tokens:
            groups.append([])
            total = 0
        groups[-1].append(index)
        total += length
    return [group for group in groups if group]
