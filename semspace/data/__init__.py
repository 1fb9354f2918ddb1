"""Which prompts: the built-in arithmetic set, JSONL files, cached HF datasets; templates; grading."""

from .arithmetic import arithmetic_problems
from .grading import Grade, grade, grade_many
from .load import load_problems
from .problem import Problem, ProblemSet
from .templates import INSTRUCTION, build_prompt

__all__ = [
    "INSTRUCTION",
    "Grade",
    "Problem",
    "ProblemSet",
    "arithmetic_problems",
    "build_prompt",
    "grade",
    "grade_many",
    "load_problems",
]
