"""The CLI answers at once: --help of every command, and the commands that read stored runs, never load torch,
transformers, TRL or matplotlib (they load inside the commands that need them)."""

import json
import subprocess
import sys

import pytest

from semspace.cli.app import COMMAND_MODULES

HEAVY = ("torch", "transformers", "trl", "matplotlib", "vllm", "verl", "datasets")
PROBE = """
import json, sys
from semspace.cli import main
sys.argv = ["semspace", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in {heavy} if name in sys.modules)))
"""


def loaded_heavy_modules(*args) -> list[str]:
    """Which heavy libraries `semspace ARGS` imported, run in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True,
                            text=True, timeout=300)
    return json.loads(result.stdout.strip().splitlines()[-1])


def commands() -> list[str]:
    from semspace.cli.app import app, register_commands

    register_commands()
    return sorted(command.name for command in app.registered_commands)


def test_every_command_module_is_registered():
    assert len(commands()) == len(COMMAND_MODULES)


@pytest.mark.parametrize("args", [["--help"], *([name, "--help"] for name in commands())])
def test_help_loads_no_heavy_library(args):
    assert loaded_heavy_modules(*args) == []


def test_reading_commands_load_no_model_library(tmp_path):
    from tests.store.rows import write_run

    run = write_run(tmp_path / "run", [["a", "b"], ["c"]])
    assert loaded_heavy_modules("inspect", str(run)) == []
    assert loaded_heavy_modules("correlate", str(run), "--metric", "er", "erv", "--bootstrap", "50") == []
