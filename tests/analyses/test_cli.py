"""The correlate, majorize and metrics commands as a user runs them (typer's runner; exit codes via -m semspace)."""

import os
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

import semspace.analyses.majorize as majorize_module
import semspace.cli.correlate  # noqa: F401  (registers the command)
import semspace.cli.majorize  # noqa: F401
import semspace.cli.metrics_cmd  # noqa: F401
from semspace.analyses import correlate, load_runs, majorize_run
from semspace.cli.app import app
from semspace.errors import InvalidInputError, RunExistsError
from semspace.store import read_manifest, read_run

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args])


def test_correlate_prints_writes_and_plots(tmp_path, run):
    result = invoke("correlate", run, "--metric", "er", "erv", "--method", "pearson,spearman", "--by", "correct",
                    "--bootstrap", "50", "--out", tmp_path / "r.csv", "--plot", tmp_path / "r.png")
    assert result.exit_code == 0, result.output
    assert "Correlations" in result.output and "95% CI" in result.output and "spearman" in result.output
    table = pd.read_csv(tmp_path / "r.csv", keep_default_na=False)
    assert table["group"].tolist() == ["False", "False", "True", "True", "missing", "missing"]
    assert (table["n"] + table["dropped"]).sum() == 2 * 12
    assert (tmp_path / "r.png").stat().st_size > 0


def test_correlate_options_reach_the_library(tmp_path, run):
    result = invoke("correlate", run, "-m", "er", "-m", "erv", "--control", "n_tokens", "--by", "length",
                    "--length-edges", "0,5,10", "--bootstrap", "40", "--seed", "3", "--out", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    expected = correlate(load_runs([run]), "er", "erv", control=["n_tokens"], by="length", length_edges=[0, 5, 10],
                         bootstrap=40, seed=3)
    pd.testing.assert_frame_equal(pd.read_json(tmp_path / "r.json"), expected, check_dtype=False)


def test_correlate_matrix_plots_one_file_per_pair(tmp_path, run):
    result = invoke("correlate", run, "--metric", "er,erv,mean_logprob", "--bootstrap", "0",
                    "--plot", tmp_path / "fig.pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig-er-erv.pdf", "fig-er-mean_logprob.pdf",
                                                        "fig-erv-mean_logprob.pdf"]


def test_bad_metric_exits_2_with_one_line_listing_numeric_columns(run):
    result = subprocess.run([sys.executable, "-m", "semspace", "correlate", str(run), "--metric", "er", "bogus"],
                            capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: No numeric column 'bogus'"), result.stderr
    listed = lines[0].split("Choose from: ")[1]
    assert "erv" in listed and "n_tokens" in listed and "response_entropy" in listed and "prompt" not in listed


def test_majorize_prints_writes_and_plots(tmp_path, run):
    result = invoke("majorize", run, "--out", tmp_path / "pairs.csv", "--plot", tmp_path / "m.png")
    assert result.exit_code == 0, result.output
    assert "(ii) majorized" in result.output and "all_majorized" in result.output
    pairs = pd.read_csv(tmp_path / "pairs.csv")
    pd.testing.assert_frame_equal(pairs, majorize_run(run).pairs, check_dtype=False)
    assert (tmp_path / "m.png").stat().st_size > 0


def test_majorize_violation_exits_3_naming_the_response(run, monkeypatch):
    monkeypatch.setattr(majorize_module, "shannon_effective_rank", lambda q: float(q[0]))
    result = invoke("majorize", run, "--windows", "sliding", "--width", "3", "--stride", "1")
    assert result.exit_code == 3
    assert "bug: Schur consistency violated for response p" in result.output and "pair" in result.output


def test_majorize_and_metrics_refuse_runs_without_hidden(tmp_path, run_without_hidden):
    for args in (["majorize", run_without_hidden], ["metrics", run_without_hidden, "--out", tmp_path / "n"]):
        result = invoke(*args)
        assert isinstance(result.exception, InvalidInputError) and "--save-hidden" in str(result.exception)


def test_metrics_writes_a_recomputed_run(tmp_path, run):
    out = tmp_path / "new"
    result = invoke("metrics", run, "--out", out, "--stride", "3", "--window", "0", "--no-center",
                    "--spectrum", "sigma2", "--keep-hidden")
    assert result.exit_code == 0, result.output
    assert f"semspace inspect {out}" in " ".join(result.output.split())
    assert read_manifest(out)["metrics"] == {"stride": 3, "window": None, "center": False, "spectrum": "sigma2"}
    assert "hidden" in read_run(out, hidden=True)
    again = invoke("metrics", run, "--out", out)
    assert isinstance(again.exception, RunExistsError)


@pytest.mark.parametrize("args,needle", [
    (["--length-edges", "0,a"], "--length-edges"), (["--plot", "x.gif"], "suffix"), (["--out", "x.txt"], "suffix"),
])
def test_correlate_bad_options_are_user_errors(tmp_path, run, args, needle):
    result = invoke("correlate", run, "-m", "er,erv", "--bootstrap", "0", "--by", "length",
                    *[a if not a.startswith("x.") else tmp_path / a for a in args])
    assert isinstance(result.exception, InvalidInputError) and needle in str(result.exception)


def test_majorize_refuses_an_unknown_output_format_before_working(tmp_path, run):
    result = invoke("majorize", run, "--out", tmp_path / "pairs.txt")
    assert isinstance(result.exception, InvalidInputError) and "suffix" in str(result.exception)
