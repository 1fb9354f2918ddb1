"""Score a response against its gold answer with math-verify, without ever failing on odd model output."""

import threading
from dataclasses import dataclass

from math_verify import parse, verify

from ..errors import InvalidInputError
from .answers import last_boxed, strip_dollars

TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Grade:
    """What was extracted and whether it matches; `correct` is None when the gold cannot be graded."""

    prediction: str
    correct: bool | None
    reward: float
    gold_parseable: bool


def timeouts() -> dict:
    """math-verify times out with signal.alarm, which only works on the main thread; elsewhere, none."""
    seconds = TIMEOUT_SECONDS if threading.current_thread() is threading.main_thread() else None
    return {"parsing_timeout": seconds, "timeout_seconds": seconds}


def parse_gold(gold: str | None) -> list:
    """The gold answer as math-verify objects; empty when there is none or it cannot be parsed."""
    if gold is None or not gold.strip():
        return []
    try:
        return parse(f"\\boxed{{{strip_dollars(gold)}}}", parsing_timeout=timeouts()["parsing_timeout"])
    except Exception:  # math-verify or sympy can fail in many ways on strange text
        return []


def extract_prediction(response: str) -> tuple[str, list]:
    """The response's last \\boxed{} when it has one, else math-verify's own pick of its final answer."""
    boxed = last_boxed(response)
    text = f"\\boxed{{{boxed}}}" if boxed else response
    try:
        parsed = parse(text, parsing_timeout=timeouts()["parsing_timeout"])
    except Exception:
        parsed = []
    if boxed:
        return boxed, parsed
    return (str(parsed[-1]) if parsed else ""), parsed


def grade_parsed(response: str, gold_parsed: list) -> Grade:
    """Grade one response against an already parsed gold answer."""
    prediction, predicted = extract_prediction(response or "")
    if not gold_parsed:
        return Grade(prediction, None, 0.0, False)
    try:
        correct = bool(predicted) and verify(
            gold_parsed, predicted, timeout_seconds=timeouts()["timeout_seconds"]
        )
    except Exception:
        correct = False
    return Grade(prediction, bool(correct), float(correct), True)


def grade(response: str, gold: str | None) -> Grade:
    """Reward 1.0 when the response's final answer equals the gold answer mathematically, else 0.0."""
    return grade_parsed(response, parse_gold(gold))


def grade_many(responses: list[str], golds: list[str | None]) -> list[Grade]:
    """Grade responses pairwise with golds, parsing each distinct gold once (n samples share one)."""
    if len(responses) != len(golds):
        raise InvalidInputError(
            f"{len(responses)} responses but {len(golds)} gold answers.", "Pass one gold answer per response."
        )
    parsed = {gold: parse_gold(gold) for gold in set(golds)}
    return [grade_parsed(response, parsed[gold]) for response, gold in zip(responses, golds, strict=True)]
