"""`semspace demo` end to end on tiny-random: every stage runs, the report shows them, a rerun keeps them."""

from typer.testing import CliRunner

import semspace.cli.demo  # noqa: F401  (registers the command)
from semspace.cli.app import app
from semspace.store import read_manifest, read_run

runner = CliRunner()
SMALL = ["--model", "tiny-random", "--prompts", "3", "--n", "2", "--max-new-tokens", "12", "--train-steps", "2",
         "--eval-problems", "2"]


def test_demo_runs_the_whole_chain_and_a_rerun_keeps_it(tmp_path):
    out = tmp_path / "demo"
    first = runner.invoke(app, ["demo", "--out", str(out), *SMALL])
    assert first.exit_code == 0, first.output
    assert len(read_run(out / "collect")) == 3 * 2
    for shape in ("none", "verl"):
        assert read_run(out / f"train-{shape}")["step"].tolist() == [1, 2]
        assert (out / f"train-{shape}" / "checkpoints" / "checkpoint-2").is_dir()
        assert read_manifest(out / f"eval-{shape}" / "arithmetic")["model"]["source"].endswith("checkpoint-2")
    report = (out / "report.md").read_text()
    for heading in ("What a 135M model on CPU can and cannot show", "Training runs", "Fig. 1(a)", "Fig. 1(b)",
                    "Fig. 1(c)", "Fig. 2", "Fig. 3", "pass@1 (%)", "The paper's published pass@1"):
        assert f"## {heading}" in report, heading
    assert "](figures/fig2_response_metrics.png)" in report
    assert "2 training steps of 8 completions" in report and "noise of 2 problems x 4 samples" in report
    shards = sorted(path.stat().st_mtime_ns for path in out.rglob("*.parquet"))

    again = runner.invoke(app, ["demo", "--out", str(out), *SMALL])
    assert again.exit_code == 0, again.output
    assert "kept the finished run" in again.output and "kept the finished eval" in again.output
    assert sorted(path.stat().st_mtime_ns for path in out.rglob("*.parquet")) == shards
