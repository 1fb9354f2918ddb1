"""`semspace figures` as a user runs it: what it made, what it could not make and why, and its exit codes."""

import os
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from semspace.cli.app import app, main, register_commands
from semspace.errors import InvalidInputError, RunExistsError
from semspace.figures import FigureDataMissing
from tests.figures.synthetic import write_collect_run

register_commands()
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["figures", *map(str, args)])


def test_collect_train_and_evals_make_every_figure_tables_and_report(world, tmp_path):
    out = tmp_path / "figs"
    result = invoke(world["collect"], world["train"], world["ev_base"], world["ev_4"], "--out", out,
                    "--label", f"{world['ev_4']}=GRPO+VERL", "--smooth", "2", "--paper", "--format", "png")
    assert result.exit_code == 0, result.output
    for stem in ("fig1a_entropy_vs_logprob", "fig1b_er_vs_erv", "fig1c_pass_at_k", "fig2_response_metrics",
                 "fig3_dataset_metrics"):
        assert (out / f"{stem}.png").stat().st_size > 5000 and not (out / f"{stem}.pdf").exists()
        assert f"{stem}.png" in result.output
    assert "could not make" not in result.output
    table = pd.read_csv(out / "table_pass_at_1.csv")
    assert table.set_index("run").loc["GRPO+VERL", "aime24"] == 12.0
    assert (out / "compare_pass_at_1.md").is_file() and (out / "paper_pass_at_k.csv").is_file()
    report = (out / "report.md").read_text()
    assert f"report: {out / 'report.md'}" in result.output and "![Fig. 2" in report and "GRPO+VERL" in report


def test_collect_runs_only_say_what_each_missing_figure_needs(world, tmp_path):
    result = invoke(world["collect"], "--out", tmp_path / "figs")
    assert result.exit_code == 0, result.output
    assert "made Fig. 1(a)" in result.output and "made Fig. 1(b)" in result.output
    assert ("could not make Fig. 2: Fig. 2 needs a training run (semspace train); got 1 collect run only."
            in result.output)
    assert "could not make Fig. 1(c): Fig. 1(c) needs eval folders" in result.output
    assert "could not make Fig. 3: Fig. 3 needs a training run" in result.output
    assert (tmp_path / "figs" / "fig1a_entropy_vs_logprob.pdf").is_file()


def test_panels_without_data_are_reported(world, tmp_path):
    result = invoke(world["train_old"], "--out", tmp_path / "figs", "--format", "png")
    assert result.exit_code == 0, result.output
    assert "note: Fig. 3, train-old, cumulative rank velocity: no data" in result.output
    assert "note: Fig. 3, train-old, validation: no eval of this run's checkpoints" in result.output


@pytest.mark.parametrize("args,error,message", [
    (["nowhere", "--out", "o"], InvalidInputError, "No run or eval folder at nowhere"),
    (["{collect}", "--out", "{collect2}"], RunExistsError, "is a run or eval folder"),
    (["{collect}", "--out", "o", "--label", "GRPO"], InvalidInputError, "is not PATH=NAME"),
    (["{collect}", "--out", "o", "--format", "svg"], InvalidInputError, "Unknown figure format"),
    (["{collect}", "--out", "o", "--smooth", "0"], InvalidInputError, "--smooth must be"),
    (["{bare}", "--out", "o"], FigureDataMissing, "No figure could be made"),
])
def test_user_errors_are_semspace_errors(world, tmp_path, monkeypatch, args, error, message):
    monkeypatch.chdir(tmp_path)
    bare = write_collect_run(tmp_path / "bare", columns=("er",))
    result = invoke(*[arg.format(bare=bare, **world) for arg in args])
    assert isinstance(result.exception, error) and message in str(result.exception)


def test_no_figure_is_a_one_line_error_with_exit_2(tmp_path):
    bare = write_collect_run(tmp_path / "bare", columns=("er",))
    result = subprocess.run([sys.executable, "-m", "semspace", "figures", str(bare), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: No figure could be made from the given folders.")
    assert "Fig. 2 needs a training run (semspace train); got 1 collect run only." in lines[0]
    assert "Traceback" not in result.stderr


def test_a_folder_that_is_no_run_exits_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(sys, "argv", ["semspace", "figures", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "is neither a run (no manifest.json) nor an eval folder (no results.json)" in lines[0]
    assert not (tmp_path / "o").exists(), "nothing is written when an input is refused"
