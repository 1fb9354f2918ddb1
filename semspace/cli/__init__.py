"""The `semspace` command: parse options, call the library, print. No logic of its own."""

from semspace.cli.app import app, main

__all__ = ["app", "main"]
