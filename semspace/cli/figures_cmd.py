"""`semspace figures RUN [RUN ...] --out DIR`: every paper figure and table the given runs support, and a report."""

from __future__ import annotations

from pathlib import Path

import typer

from semspace.cli.app import app
from semspace.errors import InvalidInputError


@app.command("figures")
def figures(
    runs: list[Path] = typer.Argument(
        ..., show_default=False,
        help="Run folders (the --out of collect or train, or a benchmark subfolder of an eval) and eval folders "
             "(the --out of semspace eval, holding results.json)."),
    out: Path = typer.Option(..., "--out", show_default=False,
                             help="Folder for the figures, tables and report.md (created; files there are "
                                  "overwritten; never a run or eval folder)."),
    smooth: int = typer.Option(10, help="Rolling mean over this many training steps in Fig. 2 and 3 (the "
                                        "paper's 10; 1 = raw). A run with fewer steps averages what it has."),
    label: list[str] = typer.Option([], "--label", show_default=False,
                                    help="Legend name of a RUN, as PATH=NAME (repeatable), e.g. "
                                         "--label runs/ev-verl=GRPO+VERL. Default: the folder's name."),
    paper: bool = typer.Option(False, "--paper", help="Also write the paper's published pass@1 / pass@k tables "
                                                      "and ours beside them where benchmark names match."),
    formats: str = typer.Option("png,pdf", "--format", help="Figure formats: png, pdf or png,pdf."),
) -> None:
    """Fig. 1(a) entropy vs log-prob and 1(b) ER vs ERV (collect runs, else each eval folder's benchmarks),
    1(c) pass@k (eval folders), Fig. 2 response-level and Fig. 3 dataset-level metrics per training step
    (training runs; Fig. 3's validation points are eval folders of the run's checkpoints), pass@k tables, and
    report.md. Prints what it could not make and what that needs; exits 2 when it can make no figure."""
    from semspace.figures import make_figures, write_report

    made = make_figures(runs, out, smooth=smooth, labels=_labels(label), paper=paper, formats=formats)
    report = write_report(made)
    for figure in made.figures:
        typer.echo(f"made {figure.title}: {', '.join(map(str, figure.files))}")
        for note in figure.notes:
            typer.echo(f"  note: {note}")
    for table in made.tables:
        typer.echo(f"made table {table.title}: {', '.join(map(str, table.files))}")
        for note in table.notes:
            typer.echo(f"  note: {note}")
    for item in made.skipped:
        typer.echo(f"could not make {item.title.split(':')[0]}: {item.reason}"
                   + (f" Fix: {item.fix}" if item.fix else ""))
    typer.echo(f"report: {report}")


def _labels(values: list[str]) -> dict[str, str]:
    """--label PATH=NAME options as a mapping."""
    labels = {}
    for value in values:
        path, separator, name = value.partition("=")
        if not separator or not path or not name.strip():
            raise InvalidInputError(f"--label {value!r} is not PATH=NAME.", "Pass it like --label runs/x=GRPO.")
        labels[path] = name.strip()
    return labels
