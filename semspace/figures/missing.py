"""The error a figure raises instead of drawing an empty plot: which figure, and what the given runs lack."""

from __future__ import annotations

from semspace.errors import SemspaceError


class FigureDataMissing(SemspaceError):
    """A figure or table cannot be made from the given runs; `figure` names it, the cause says what is lacking."""

    def __init__(self, figure: str, cause: str, fix: str = ""):
        self.figure = figure
        super().__init__(cause, fix)
