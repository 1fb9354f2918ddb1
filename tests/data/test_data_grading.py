"""Grading with math-verify: equivalent forms count, ungradable golds are reported, odd output is safe."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semspace.data import Grade, grade, grade_many, load_problems
from semspace.errors import InvalidInputError


@pytest.mark.parametrize(
    ("response", "gold", "prediction", "correct"),
    [
        (r"So the answer is \boxed{\frac{1}{2}}.", "0.5", r"\frac{1}{2}", True),
        (r"\boxed{27}", "27.0", "27", True),
        (r"It is \boxed{50}.", "47", "50", False),
        ("Adding, 12 + 35 = 47. The answer is 47.", "47", "47", True),
        (r"First \boxed{3}, no wait: \boxed{5}", "5", "5", True),
        (r"\boxed{\left( 3, \frac{\pi}{2} \right)}", r"\left( 3, \frac{\pi}{2} \right)", None, True),
        (r"\boxed{C}", "C", "C", True),
        (r"\boxed{B}", "C", "B", False),
        ("I don't know.", "5", "", False),
    ],
)
def test_grade(response, gold, prediction, correct):
    result = grade(response, gold)
    assert result.correct is correct
    assert result.reward == (1.0 if correct else 0.0)
    assert result.gold_parseable
    if prediction is not None:
        assert result.prediction == prediction


@pytest.mark.parametrize("gold", [None, "", "}{"])
def test_ungradable_gold_is_reported_not_wrong(gold):
    assert grade(r"\boxed{3}", gold) == Grade(prediction="3", correct=None, reward=0.0, gold_parseable=False)


def test_grading_in_a_worker_thread():
    def work():
        assert threading.current_thread() is not threading.main_thread()
        return grade_many([r"\boxed{\frac{1}{2}}", r"\boxed{2}"], ["0.5", "0.5"])

    with ThreadPoolExecutor(max_workers=1) as pool:
        grades = pool.submit(work).result()
    assert [g.correct for g in grades] == [True, False]


def test_grade_many_matches_grade_and_checks_lengths():
    responses = [r"\boxed{4}", "5", r"\boxed{4}"]
    golds = ["4", "4", None]
    assert grade_many(responses, golds) == [grade(r, g) for r, g in zip(responses, golds, strict=True)]
    with pytest.raises(InvalidInputError):
        grade_many(responses, golds[:2])


@settings(max_examples=40, deadline=None)
@given(response=st.text(alphabet=st.sampled_from(list("\\boxed{}frac12 $^_-=.,x()")), max_size=60))
def test_odd_output_never_raises(response):
    result = grade(response, "2")
    assert result.reward in (0.0, 1.0)
    assert isinstance(result.prediction, str)


def test_shared_golds_grade_their_own_boxed_form(shared_data):
    for path in sorted(shared_data.glob("*.jsonl")):
        problems = load_problems(str(path), limit=12).problems
        golds = [problem.answer for problem in problems]
        grades = grade_many([f"\\boxed{{{gold}}}" for gold in golds], golds)
        assert all(g.correct for g in grades), path.name
