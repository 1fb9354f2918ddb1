"""`semspace models`: the known models, where each loads from, and whether it is available on this machine."""

from rich.console import Console
from rich.table import Table

from semspace.cli.app import app


@app.command("models")
def models() -> None:
    """List the known models and whether each can be loaded here."""
    from semspace.models import list_models

    table = Table(title="semspace models")
    table.add_column("name", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("available", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for status in list_models():
        table.add_row(
            status.name, status.kind, status.source, "yes" if status.available else "no", status.detail
        )
    Console().print(table)
