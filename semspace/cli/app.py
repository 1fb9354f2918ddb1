"""The typer app. Each command lives in its own module and registers itself here."""

import sys

import typer

from semspace import __version__
from semspace.errors import SemspaceError

app = typer.Typer(
    name="semspace",
    help="Hidden-state exploration (ER) and exploitation (ERV, ERA) metrics for RLVR on LLM reasoning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"semspace {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks instead of one-line errors."),
) -> None:
    """semspace: measure how LLMs explore and exploit in hidden-state space."""
    _state["debug"] = debug


COMMAND_MODULES = (
    "collect", "inspect_run", "models", "demo", "correlate", "majorize", "metrics_cmd", "train", "eval_cmd",
    "figures_cmd", "benchmarks_cmd",
)


def register_commands() -> None:
    """Import the command modules so their @app.command decorators run."""
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(f"semspace.cli.{module}")


def main() -> None:
    """Console entry point: run the app, turning user errors into one line on stderr and exit code 2."""
    register_commands()
    try:
        app()
    except SemspaceError as error:
        if _state["debug"]:
            raise
        typer.echo(f"error: {error.one_line()}", err=True)
        sys.exit(2)
