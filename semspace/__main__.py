"""`python -m semspace` runs the CLI (and lets `accelerate launch -m semspace collect ...` start it)."""

from semspace.cli import main

main()
