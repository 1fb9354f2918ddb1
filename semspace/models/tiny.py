"""`tiny-random`: a 2-layer Qwen2 and a small BPE tokenizer, built in-process: no files, no network."""

import functools
import json

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

START_OF_TURN = "<|im_start|>"
END_OF_TURN = "<|im_end|>"
SPECIAL_TOKENS = ["<|endoftext|>", START_OF_TURN, END_OF_TURN]
VOCAB_SIZE = 1024
MAX_LENGTH = 4096
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
PROSE = r"""
Solve the following math problem step by step. Put your final answer within \boxed{}.
You are a helpful assistant. Please reason step by step, and put your final answer within \boxed{}.
Let $x$ be a real number such that $x^2 + 3x - 10 = 0$. Find the sum of all possible values of $x$.
We factor the quadratic: $(x + 5)(x - 2) = 0$, so $x = -5$ or $x = 2$. The sum is $\boxed{-3}$.
Compute $\frac{1}{2} + \frac{1}{3}$. With denominator $6$: $\frac{3}{6} + \frac{2}{6} = \frac{5}{6}$.
If $f(x) = \sqrt{x + 1}$, then $f(3) = \sqrt{4} = 2$. Therefore the answer is \boxed{2}.
The area of a circle with radius $r$ is $\pi r^2$, and its circumference is $2 \pi r$.
How many positive integers less than $100$ are divisible by $3$ but not by $5$? The answer is $\boxed{27}$.
Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.
How many clips did Natalia sell altogether in April and May? She sold 48 + 24 = 72 clips.
The probability of rolling a sum of $7$ with two fair dice is $\frac{6}{36} = \frac{1}{6}$.
Let $a_n = 2^n - 1$. Then $a_1 = 1$, $a_2 = 3$, $a_3 = 7$, and in general $a_{n+1} = 2 a_n + 1$.
Therefore, the final answer is $\boxed{\frac{\pi}{4}}$. I hope it is correct.
The matrix $\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$ has determinant $1 \cdot 4 - 2 \cdot 3 = -2$.
Since $\sin^2 \theta + \cos^2 \theta = 1$, we have $\cos \theta = \pm \sqrt{1 - \sin^2 \theta}$.
Wait, let me check that again. Actually, the first step was wrong, so we try another approach.
In a chat, the system sets the rules, the user asks a question and the assistant answers it.
""".strip()


def _corpus() -> list[str]:
    """Prose, LaTeX and arithmetic lines, fixed, so the learned merges (and hence token ids) never change."""
    sums = [
        f"What is {a} + {b}? {a} + {b} = {a + b}, so the answer is \\boxed{{{a + b}}}."
        for a in range(1, 50, 3)
        for b in range(2, 50, 7)
    ]
    products = [
        f"Compute ${a} \\times {b} = {a * b}$ and $\\frac{{{a}}}{{{b}}}$."
        for a in range(2, 30, 4)
        for b in range(3, 30, 5)
    ]
    return PROSE.splitlines() + sums + products


@functools.lru_cache(maxsize=1)
def _trained_bpe_json() -> str:
    """Train the BPE once per process with Qwen2's own normalizer and pre-tokenizer, so a saved copy reloads
    (as Qwen2Tokenizer) into exactly the same token ids."""
    reference = Qwen2Tokenizer().backend_tokenizer
    bpe = Tokenizer(models.BPE())
    bpe.normalizer = reference.normalizer
    bpe.pre_tokenizer = reference.pre_tokenizer
    bpe.decoder = reference.decoder
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_corpus(), trainer)
    return bpe.to_str()


def tiny_tokenizer() -> Qwen2Tokenizer:
    """A new ChatML tokenizer (pad = eos = <|im_end|>), independent per call so callers may change padding."""
    bpe = json.loads(_trained_bpe_json())["model"]
    return Qwen2Tokenizer(
        vocab=bpe["vocab"],
        merges=[tuple(merge) for merge in bpe["merges"]],
        eos_token=END_OF_TURN,
        pad_token=END_OF_TURN,
        extra_special_tokens=[START_OF_TURN],
        chat_template=CHATML_TEMPLATE,
        model_max_length=MAX_LENGTH,
    )


def build_tiny_random(seed: int) -> tuple[Qwen2ForCausalLM, Qwen2Tokenizer]:
    """Weights drawn from `seed` in a forked RNG: the same seed gives the same model, and no side effects."""
    tokenizer = tiny_tokenizer()
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=MAX_LENGTH,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(config)
    return model, tokenizer
