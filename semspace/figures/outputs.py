"""What making figures produced: the files of each figure and table, what was skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from semspace.figures.inputs import Inputs


@dataclass(frozen=True)
class MadeFigure:
    """One figure written in one or more formats; notes name panels drawn without data, stats its numbers."""

    name: str
    title: str
    files: tuple[Path, ...]
    notes: tuple[str, ...] = ()
    stats: dict = field(default_factory=dict)

    def file(self, suffix: str) -> Path | None:
        """The file of one format (".png", ".pdf"), if it was written."""
        return next((path for path in self.files if path.suffix == suffix), None)


@dataclass(frozen=True)
class MadeTable:
    """One table, in memory and written as Markdown and CSV."""

    name: str
    title: str
    frame: pd.DataFrame
    files: tuple[Path, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A figure or table the given runs cannot support, and what they lack."""

    name: str
    title: str
    reason: str
    fix: str = ""


@dataclass(frozen=True)
class FigureSet:
    """Everything make_figures did for one output folder: made figures and tables, and what it skipped."""

    out: Path
    inputs: Inputs
    figures: tuple[MadeFigure, ...]
    tables: tuple[MadeTable, ...]
    skipped: tuple[Skipped, ...]
