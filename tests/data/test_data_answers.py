"""Gold-answer text extraction: balanced \\boxed{}, GSM8K's `#### N`, dollar signs, lists."""

import pytest

from semspace.data.answers import gold_from_value, last_boxed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"so \boxed{\frac{1}{2}}.", r"\frac{1}{2}"),
        (r"\boxed{1} then \boxed{\sqrt{2}} end", r"\sqrt{2}"),
        (r"\fbox{7}", "7"),
        (r"\boxed{\left\{ 1, 2 \right\}}", r"\left\{ 1, 2 \right\}"),
        (r"no box here", None),
        (r"\boxed{\frac{1}{2}", None),
    ],
)
def test_last_boxed(text, expected):
    assert last_boxed(text) == expected


@pytest.mark.parametrize(
    ("value", "solution", "expected"),
    [
        ("She has 3 + 4 = 7.\n#### 1,234", False, "1234"),
        (27.0, False, "27.0"),
        (5, False, "5"),
        ("$\\frac{3}{4}$", False, "\\frac{3}{4}"),
        ("$1$ and $2$", False, "$1$ and $2$"),
        (["$x$", "$y$"], False, "x, y"),
        ([], False, None),
        (None, False, None),
        ("It is two.", True, None),
        ("It is two.", False, "It is two."),
        (r"Thus \boxed{2}.", True, "2"),
    ],
)
def test_gold_from_value(value, solution, expected):
    assert gold_from_value(value, solution=solution) == expected
