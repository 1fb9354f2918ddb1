"""The built-in arithmetic set: deterministic, correct, and mixed in difficulty."""

import ast
import operator
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semspace.data import arithmetic_problems, load_problems
from semspace.errors import InvalidInputError

OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def evaluate(question: str) -> int:
    """Compute "What is (3 + 4) × 2 - 1?" from its text alone, independently of the generator."""
    expression = re.fullmatch(r"What is (.+)\?", question).group(1).replace("×", "*")

    def walk(node):
        if isinstance(node, ast.BinOp):
            return OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        assert isinstance(node, ast.Constant) and isinstance(node.value, int)
        return node.value

    return walk(ast.parse(expression, mode="eval").body)


def test_same_seed_same_problems_other_seed_others():
    assert arithmetic_problems(30, seed=3) == arithmetic_problems(30, seed=3)
    assert [p.problem for p in arithmetic_problems(30, seed=3)] != [
        p.problem for p in arithmetic_problems(30)
    ]


def test_smaller_sets_are_prefixes():
    assert arithmetic_problems(10, seed=1) == arithmetic_problems(40, seed=1)[:10]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_gold_answers_are_correct_integers(seed):
    for problem in arithmetic_problems(12, seed=seed):
        assert problem.answer == str(evaluate(problem.problem))
        assert int(problem.answer) > 0


def test_levels_cycle_and_level_one_is_small_addition():
    problems = arithmetic_problems(60)
    assert [p.level for p in problems[:6]] == ["1", "2", "3", "1", "2", "3"]
    for problem in problems[::3]:
        a, b = map(int, re.fullmatch(r"What is (\d+) \+ (\d+)\?", problem.problem).groups())
        assert 1 <= a <= 20 and 1 <= b <= 20
    assert any("(" in p.problem for p in problems if p.level == "3")


def test_only_requested_levels():
    assert {p.level for p in arithmetic_problems(9, levels=(3,))} == {"3"}


def test_load_problems_builtin_names():
    default = load_problems("arithmetic")
    assert len(default.problems) == 64
    assert default.problems[0].prompt_id == "arith-00000"
    assert default.problems[-1].prompt_id == "arith-00063"
    sized = load_problems("arithmetic:10", seed=2)
    assert sized.problems == arithmetic_problems(10, seed=2)
    assert sized.sha256 != load_problems("arithmetic:10").sha256
    assert sized.sha256 == load_problems("arithmetic:10", seed=2).sha256


def test_load_problems_level_suffix():
    level_one = load_problems("arithmetic:8:1")
    assert {p.level for p in level_one.problems} == {"1"}
    assert level_one.sha256 != load_problems("arithmetic:8").sha256
    assert {p.level for p in load_problems("arithmetic:8:2,3").problems} == {"2", "3"}


def test_load_problems_bad_levels_name_the_fix():
    with pytest.raises(InvalidInputError, match="arithmetic:64:1"):
        load_problems("arithmetic:8:one")
    with pytest.raises(InvalidInputError, match="levels from 1, 2, 3"):
        load_problems("arithmetic:8:4")
