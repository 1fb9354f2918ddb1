"""Which prompts: the built-in arithmetic set, JSONL files, cached HF datasets; templates; grading."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "arithmetic_problems": "semspace.data.arithmetic",
    "build_prompt": "semspace.data.templates",
    "Grade": "semspace.data.grading",
    "grade": "semspace.data.grading",
    "grade_many": "semspace.data.grading",
    "INSTRUCTION": "semspace.data.templates",
    "load_problems": "semspace.data.load",
    "Problem": "semspace.data.problem",
    "ProblemSet": "semspace.data.problem",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
