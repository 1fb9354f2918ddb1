"""Each figure draws what its inputs hold (checked against independent computations) or says what is missing."""

import json
import math
import re
import shutil

import numpy as np
import pytest

import semspace.figures.fig1 as fig1_module
import semspace.figures.fig1c as fig1c_module
import semspace.figures.fig2 as fig2_module
import semspace.figures.fig3 as fig3_module
from semspace.errors import InvalidInputError
from semspace.figures import (
    FigureDataMissing,
    fig1a_entropy_vs_logprob,
    fig1b_er_vs_erv,
    fig1c_pass_at_k,
    fig2_response_metrics,
    fig3_dataset_metrics,
    make_figures,
    read_inputs,
)
from semspace.store import read_run
from tests.figures.synthetic import write_collect_run, write_eval, write_train_run

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def captured(monkeypatch):
    """The figures the figure functions would save, kept in memory instead of written."""
    figures = []

    def keep(figure, out, stem, formats):
        figures.append(figure)
        return tuple(out / f"{stem}.{name}" for name in formats)

    for module in (fig1_module, fig1c_module, fig2_module, fig3_module):
        monkeypatch.setattr(module, "save", keep)
    return figures


def panel_text(ax) -> str:
    """Every text drawn inside a panel, joined."""
    return "\n".join(text.get_text() for text in ax.texts)


def test_every_figure_function_writes_png_and_pdf(tmp_path, world):
    """Each function on its own, into a folder that does not exist yet."""
    inputs = read_inputs(world.values())
    out = tmp_path / "new" / "figures"
    made = [fig1a_entropy_vs_logprob(inputs, out), fig1b_er_vs_erv(inputs, out),
            fig1c_pass_at_k(inputs, out), fig2_response_metrics(inputs, out),
            fig3_dataset_metrics(inputs, out)]
    for figure in made:
        assert [path.suffix for path in figure.files] == [".png", ".pdf"]
        assert figure.file(".png").read_bytes()[:8] == PNG and figure.file(".png").stat().st_size > 5000
        assert figure.file(".pdf").read_bytes()[:4] == b"%PDF" and figure.file(".pdf").stat().st_size > 5000


@pytest.mark.parametrize("draw,x,y,paper,unit", [
    (fig1a_entropy_vs_logprob, "response_entropy", "mean_logprob", "r = -0.61, R² = 0.37", "(nats)"),
    (fig1b_er_vs_erv, "er", "erv", "r = -0.06, R² = 0.00", "(effective directions)")])
def test_fig1_panel_r_and_r2_equal_numpy_corrcoef(tmp_path, world, captured, draw, x, y, paper, unit):
    made = draw([world["collect"], world["collect2"]], tmp_path, labels={world["collect2"]: "second"})
    axes = [ax for ax in captured[0].axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["run = collect", "run = second"]
    for ax, run, label in zip(axes, ("collect", "collect2"), ("collect", "second")):
        frame = read_run(world[run], columns=[x, y])
        r = np.corrcoef(frame[x], frame[y])[0, 1]
        assert f"r = {r:.2f}, R² = {r * r:.2f}" in panel_text(ax)
        assert f"n = {len(frame)}" in panel_text(ax)
        assert made.stats[label]["r"] == pytest.approx(r, abs=1e-12)
        assert made.stats[label]["r2"] == pytest.approx(r * r, abs=1e-12)
    assert f"paper: {paper}" in captured[0].get_suptitle()
    assert axes[0].get_xlabel().endswith(unit)


def test_fig1_without_collect_runs_names_what_it_got(tmp_path, world, captured):
    with pytest.raises(FigureDataMissing, match=r"Fig\. 1\(a\) needs .*got 1 training run only") as missing:
        fig1a_entropy_vs_logprob([world["train"]], tmp_path)
    assert missing.value.figure == "fig1a" and "semspace collect" in missing.value.one_line()
    assert not captured and not list(tmp_path.iterdir()), "nothing is drawn for missing data"


def test_fig1_names_runs_lacking_a_column_and_draws_the_others(tmp_path, world, captured):
    plain = write_collect_run(tmp_path / "no-erv", columns=("er", "response_entropy", "mean_logprob"))
    with pytest.raises(FigureDataMissing, match=r"needs per-response columns er and erv; no-erv \(no response "
                                                r"has finite er and erv\)"):
        fig1b_er_vs_erv([plain], tmp_path)
    made = fig1b_er_vs_erv([plain, world["collect"]], tmp_path)
    assert made.notes == ("Fig. 1(b) leaves out no-erv (no response has finite er and erv).",)
    assert list(made.stats) == ["collect"] and len(captured) == 1


def test_fig1c_curves_are_the_results_json_numbers(tmp_path, world, captured):
    made = fig1c_pass_at_k([world["ev_base"], world["ev_4"], world["ev_12"]], tmp_path,
                           labels={world["ev_4"]: "GRPO+VERL"})
    panels = {ax.get_title(): ax for ax in captured[0].axes if ax.get_visible()}
    assert list(panels) == ["aime24", "math500", "gaokao2024_I"]
    for folder, label in ((world["ev_4"], "GRPO+VERL"), (world["ev_12"], "ev-12")):
        results = json.loads((folder / "results.json").read_text())["benchmarks"]
        for name, entry in results.items():
            line = next(line for line in panels[name].lines if line.get_label() == label)
            assert list(line.get_xdata()) == [int(k) for k in entry["pass_at_k"]]
            assert list(line.get_ydata()) == list(entry["pass_at_k"].values())
    assert panels["aime24"].get_xscale() == "log" and panels["aime24"].get_ylabel() == "pass@k (%)"
    assert "ev-12 has no math500." in made.notes


def test_evals_in_different_dtypes_are_compared_with_a_note(tmp_path, world, captured):
    bf16 = write_eval(tmp_path / "ev-bf16", dtype="bfloat16")
    assert not [note for note in fig1c_pass_at_k([world["ev_base"], world["ev_4"]], tmp_path).notes
                if "dtype" in note]
    made = make_figures([world["ev_base"], bf16], tmp_path / "figures", labels={bf16: "base-bf16"})
    expected = "ev-base: float32; base-bf16: bfloat16"
    fig1c = next(figure for figure in made.figures if figure.name == "fig1c")
    assert any(expected in note for note in fig1c.notes)
    assert all(any(expected in note for note in table.notes) for table in made.tables)


def test_fig1c_needs_eval_folders(tmp_path, world):
    with pytest.raises(FigureDataMissing, match=r"Fig\. 1\(c\) needs eval folders.*got 2 collect runs only"):
        fig1c_pass_at_k([world["collect"], world["collect2"]], tmp_path)


def trailing_mean(values, window):
    """Oracle: mean of the finite values among the last `window` steps (NaN if none)."""
    out = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1):i + 1] if not math.isnan(v)]
        out.append(sum(chunk) / len(chunk) if chunk else math.nan)
    return out


@pytest.mark.parametrize("smooth", [1, 3, 50])
def test_fig2_lines_are_trailing_rolling_means(tmp_path, world, captured, smooth):
    fig2_response_metrics([world["train"], world["train_old"]], tmp_path, smooth=smooth)
    steps = read_run(world["train"]).sort_values("step")
    er_panel = next(ax for ax in captured[0].axes if ax.get_title() == "ER")
    assert er_panel.get_xlabel() == "training step" and "effective directions" in er_panel.get_ylabel()
    lines = {line.get_label(): line for line in er_panel.lines}
    assert set(lines) == {"all responses", "correct", "incorrect"}
    for label, column in (("all responses", "er_mean"), ("correct", "er_mean_correct")):
        np.testing.assert_allclose(lines[label].get_ydata(), trailing_mean(steps[column].tolist(), smooth))
        assert list(lines[label].get_xdata()) == steps["step"].tolist()
    styles = {(line.get_linestyle(), line.get_marker()) for line in lines.values()}
    assert len(styles) == 3, "subsets differ by line style and marker, not only colour"
    assert f"rolling mean over {smooth} step" in captured[0].get_suptitle()


def test_fig2_needs_a_training_run(tmp_path, world):
    with pytest.raises(FigureDataMissing, match=r"Fig\. 2 needs a training run \(semspace train\); "
                                                r"got 2 collect runs only\."):
        fig2_response_metrics([world["collect"], world["collect2"]], tmp_path)


def test_fig2_refuses_a_bad_smoothing_window(tmp_path, world):
    with pytest.raises(InvalidInputError, match="--smooth"):
        fig2_response_metrics([world["train"]], tmp_path, smooth=0)


def test_fig3_validation_points_and_panels_without_data(tmp_path, world, captured):
    made = fig3_dataset_metrics([world["train"], world["train_old"], world["ev_base"], world["ev_4"],
                                 world["ev_12"]], tmp_path, smooth=1)
    figure = captured[0]
    validation = [ax for ax in figure.axes if ax.get_title() == "validation"]
    lines = {line.get_label(): line for line in validation[0].lines}
    assert list(lines["pass@1 aime24"].get_xdata()) == [0, 4, 12]
    assert list(lines["pass@1 aime24"].get_ydata()) == [10.0, 12.0, 14.0]
    assert list(lines["pass@1 gaokao2024_I"].get_xdata()) == [12]
    assert "pass@1 average" not in lines, "only aime24 was evaluated at every step: no average to draw"
    assert made.stats["validation_points"]["train-old"] == [(0, "ev-base", "base model")]
    velocity = [ax for ax in figure.axes if ax.get_title() == "cumulative rank velocity"]
    assert "no data" in panel_text(velocity[1]) and "global_erv" in panel_text(velocity[1])
    assert any("train-old, cumulative rank velocity: no data" in note for note in made.notes)
    steps = read_run(world["train"]).sort_values("step")
    rank = next(ax for ax in figure.axes if ax.get_title() == "global rank")
    np.testing.assert_allclose(rank.lines[0].get_ydata(), steps["global_er"])


def test_fig3_average_is_over_the_benchmarks_every_point_has(tmp_path, world, captured):
    fig3_dataset_metrics([world["train"], world["ev_base"], world["ev_4"]], tmp_path, smooth=1)
    validation = next(ax for ax in captured[0].axes if ax.get_title() == "validation")
    average = next(line for line in validation.lines if line.get_label() == "pass@1 average")
    assert list(average.get_xdata()) == [0, 4]
    assert list(average.get_ydata()) == [(10.0 + 40.0) / 2, (12.0 + 45.0) / 2]  # aime24 and math500


def test_fig3_says_so_when_a_run_has_no_evaluated_checkpoint(tmp_path, world, captured):
    made = fig3_dataset_metrics([world["train"]], tmp_path)
    validation = next(ax for ax in captured[0].axes if ax.get_title() == "validation")
    assert "no eval of this run's checkpoints" in panel_text(validation)
    assert any(re.search(r"train, validation: no eval", note) for note in made.notes)


def test_fig3_without_any_data_is_missing_not_empty(tmp_path, world, captured):
    tiny = write_train_run(tmp_path / "tiny", steps=3, cumulative=False, tiny_batch=True, checkpoints=())
    with pytest.raises(FigureDataMissing, match=r"Fig\. 3 needs per-step columns global_er.*tiny \(3 steps"):
        fig3_dataset_metrics([tiny], tmp_path / "out")
    with pytest.raises(FigureDataMissing, match=r"Fig\. 3 needs a training run"):
        fig3_dataset_metrics([world["ev_base"]], tmp_path / "out")
    assert not captured


def test_fig1_without_collect_runs_draws_each_eval_benchmark(tmp_path, world, captured):
    """Eval folders' benchmark runs stand in for collect runs; a benchmark whose run is gone is named."""
    gone = write_eval(tmp_path / "gone", benchmarks={"aime24": {1: 10.0, 2: 15.0, 4: 20.0}})
    shutil.rmtree(gone / "aime24")
    made = fig1b_er_vs_erv([world["ev_base"], gone, world["ev_4"], world["train"]], tmp_path / "out",
                           labels={world["ev_base"]: "zeta", world["ev_4"]: "alpha"})
    panels = [("zeta", "ev_base", "aime24"), ("zeta", "ev_base", "math500"), ("alpha", "ev_4", "aime24"),
              ("alpha", "ev_4", "math500")]
    axes = [ax for ax in captured[0].axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [f"run = {label}: {bench}" for label, _, bench in panels]
    for label, folder, bench in panels:
        frame = read_run(world[folder] / bench, columns=["er", "erv"])
        r = np.corrcoef(frame["er"], frame["erv"])[0, 1]
        assert made.stats[f"{label}: {bench}"]["r"] == pytest.approx(r, abs=1e-12)
    assert made.notes == ("Fig. 1(b) draws the eval folders' benchmark runs, as no collect run was given.",
                          f"Fig. 1(b) leaves out gone: aime24 (no run at {gone / 'aime24'}).")
    with pytest.raises(FigureDataMissing, match=r"got 1 eval folder only; gone: aime24 \(no run at "):
        fig1a_entropy_vs_logprob([gone], tmp_path / "out")
