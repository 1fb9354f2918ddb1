"""`pip install 'semspace[verl]'` registers trainer mode `semspace` through verl's own plugin discovery, and refuses
an untested verl release loudly (verl itself would log the failure only at DEBUG level)."""

import os
import subprocess
import sys

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9 is not installed here; `make test-verl` runs this in .venv-verl")
pytestmark = pytest.mark.verl

from semspace.integrations.verl.version import UnsupportedVerlError, check_verl_version  # noqa: E402

WHICH_TRAINER = ("import verl\n"
                 "from verl.trainer.ppo.v1 import get_trainer_cls\n"
                 "trainer = get_trainer_cls('semspace')\n"
                 "print(trainer.__module__ + '.' + trainer.__qualname__)\n")


def fresh_python(code: str, **environment) -> subprocess.CompletedProcess:
    """`code` in a new interpreter (nothing imported yet), with `environment` added."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **environment})


def test_import_verl_registers_trainer_mode_semspace_in_a_fresh_process():
    found = fresh_python(WHICH_TRAINER)
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.strip().splitlines()[-1] == "semspace.integrations.verl.trainer.SemspacePPOTrainer"
    without = fresh_python(WHICH_TRAINER, VERL_USE_EXTERNAL_PLUGINS="none")
    assert without.returncode != 0 and "Unknown trainer 'semspace'" in without.stderr, "the entry point registers it"


@pytest.mark.parametrize("version,supported", [("0.9.0", True), ("0.9.1", True), ("0.9.7", True), ("0.8.0", False),
                                               ("0.10.0", False), ("1.0.0", False)])
def test_only_the_tested_verl_releases_are_accepted(version, supported):
    if supported:
        check_verl_version(version)
        return
    with pytest.raises(UnsupportedVerlError, match=r"pip install 'verl>=0.9.0,<0.10'") as refused:
        check_verl_version(version)
    assert "\n" not in refused.value.one_line()


def test_an_untested_verl_makes_the_plugin_fail_loudly():
    loaded = fresh_python("import verl\nverl.__version__ = '0.10.0'\nimport semspace.integrations.verl.plugin\n",
                          VERL_USE_EXTERNAL_PLUGINS="none")
    assert loaded.returncode != 0
    assert "semspace's verl plugin did not load" in loaded.stderr and "verl 0.10.0 is installed" in loaded.stderr


def test_importing_semspace_before_verl_registers_cleanly():
    """A Ray worker imports semspace's worker class before anything of verl: no half-initialized module."""
    worker_first = fresh_python("import semspace.integrations.verl.workers\n" + WHICH_TRAINER)
    assert worker_first.returncode == 0, worker_first.stderr[-2000:]
    assert "did not load" not in worker_first.stderr
    assert worker_first.stdout.strip().splitlines()[-1] == "semspace.integrations.verl.trainer.SemspacePPOTrainer"
