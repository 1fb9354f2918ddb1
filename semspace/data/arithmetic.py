"""A built-in, verifiable problem set that needs no download: arithmetic at three levels of difficulty.

Level 1 (a + b with a, b in 1..20) is already hard enough that SmolLM2-135M gets only about a third right,
so the mix of levels gives a small model both correct and wrong answers to compare.
"""

import random

from ..errors import InvalidInputError
from .problem import Problem


def level_one(rng: random.Random) -> tuple[str, int]:
    """One addition of small numbers."""
    a, b = rng.randint(1, 20), rng.randint(1, 20)
    return f"{a} + {b}", a + b


def level_two(rng: random.Random) -> tuple[str, int]:
    """Two operations, or one small multiplication."""
    if rng.random() < 0.5:
        a, b = rng.randint(2, 12), rng.randint(2, 12)
        return f"{a} × {b}", a * b
    a, b = rng.randint(10, 50), rng.randint(10, 50)
    c = rng.randint(1, a + b - 1)
    return f"{a} + {b} - {c}", a + b - c


def level_three(rng: random.Random) -> tuple[str, int]:
    """Several steps with precedence: (a + b) × c - d, or a × b + c × d."""
    if rng.random() < 0.5:
        a, b, c = rng.randint(2, 20), rng.randint(2, 20), rng.randint(2, 9)
        d = rng.randint(1, (a + b) * c - 1)
        return f"({a} + {b}) × {c} - {d}", (a + b) * c - d
    a, b, c, d = (rng.randint(2, 12) for _ in range(4))
    return f"{a} × {b} + {c} × {d}", a * b + c * d


LEVELS = {1: level_one, 2: level_two, 3: level_three}


def arithmetic_problems(n: int, *, seed: int = 0, levels=(1, 2, 3)) -> list[Problem]:
    """`n` problems cycling through `levels`; problem i depends only on (seed, i), so sets nest by size."""
    if n < 1:
        raise InvalidInputError(f"The arithmetic set needs at least 1 problem, got {n}.", "Ask for n >= 1.")
    unknown = [level for level in levels if level not in LEVELS]
    if unknown or not levels:
        raise InvalidInputError(f"Unknown arithmetic levels {unknown or '()'}.", "Use levels from 1, 2, 3.")
    problems = []
    for index in range(n):
        level = levels[index % len(levels)]
        rng = random.Random(f"semspace-arithmetic-{seed}-{index}")
        expression, value = LEVELS[level](rng)
        problems.append(
            Problem(
                prompt_id=f"arith-{index:05d}",
                problem=f"What is {expression}?",
                answer=str(value),
                level=str(level),
                source="arithmetic",
            )
        )
    return problems
