"""The two records every later stage consumes: one problem, and the set it came from."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One prompt with its gold answer; `prompt_id` is stable so runs can be resumed and joined."""

    prompt_id: str
    problem: str
    answer: str | None
    level: str | None
    source: str


@dataclass
class ProblemSet:
    """Problems plus where they came from, so a run's manifest can say exactly what was asked.

    `origin` names the Hub dataset a registry benchmark was read from (id, configuration, split, revision, files).
    """

    problems: list[Problem]
    source: str
    sha256: str
    question_field: str
    answer_field: str
    origin: dict = field(default_factory=dict)
