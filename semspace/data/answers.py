"""Turn whatever a benchmark stores as its answer into one gold answer string."""

import re

BOXED_COMMANDS = ("\\boxed", "\\fbox")
GSM8K_MARK = "####"


def last_boxed(text: str) -> str | None:
    """Content of the last `\\boxed{...}` in `text`, matching nested braces; None when there is none."""
    starts = [text.rfind(command + "{") for command in BOXED_COMMANDS]
    start = max(starts)
    if start < 0:
        return None
    open_brace = text.index("{", start)
    depth = 0
    for position in range(open_brace, len(text)):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return text[open_brace + 1 : position].strip()
    return None


def strip_dollars(text: str) -> str:
    """Drop one pair of surrounding `$...$`, which some files keep around their answers."""
    text = text.strip()
    match = re.fullmatch(r"\$+([^$]*)\$+", text)
    return match.group(1).strip() if match else text


def gold_from_text(text: str, *, solution: bool = False) -> str | None:
    """A GSM8K rationale gives the number after `####`; a solution gives its last boxed answer or none."""
    if GSM8K_MARK in text:
        return text.rsplit(GSM8K_MARK, 1)[1].strip().replace(",", "") or None
    if solution or any(command + "{" in text for command in BOXED_COMMANDS):
        return last_boxed(text) or None
    return strip_dollars(text) or None


def gold_from_value(value, *, solution: bool = False) -> str | None:
    """Gold answer text from a field's JSON value: string, number, or a list such as OlympiadBench's."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        parts = [gold_from_value(item, solution=solution) for item in value]
        parts = [part for part in parts if part]
        return ", ".join(parts) or None
    return gold_from_text(str(value), solution=solution)
