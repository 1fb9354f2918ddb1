"""make_figures draws what the runs support and lists the rest; report.md embeds it all with relative links."""

import re

import pytest

from semspace.errors import InvalidInputError, RunExistsError
from semspace.figures import FigureDataMissing, make_figures, write_report
from semspace.store import read_run
from tests.figures.synthetic import write_collect_run

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def made(world, tmp_path_factory):
    return make_figures(list(world.values()), tmp_path_factory.mktemp("figures") / "out", smooth=3, paper=True,
                        labels={world["ev_4"]: "GRPO+VERL"})


def test_every_figure_and_table_is_made_from_a_full_set(made):
    assert [figure.name for figure in made.figures] == ["fig1a", "fig1b", "fig1c", "fig2", "fig3"]
    assert [table.name for table in made.tables] == ["table_pass_at_1", "table_pass_at_k", "paper_pass_at_1",
                                                     "paper_pass_at_k", "compare_pass_at_1", "compare_pass_at_k"]
    assert made.skipped == ()
    for figure in made.figures:
        assert figure.file(".png").read_bytes()[:8] == PNG and figure.file(".pdf").read_bytes()[:4] == b"%PDF"
    for table in made.tables:
        assert [path.suffix for path in table.files] == [".md", ".csv"] and all(p.stat().st_size for p in table.files)


def test_report_embeds_figures_tables_and_the_papers_numbers(made, tmp_path):
    text = write_report(made, sections=[("What this run can show", "A 135M model on a CPU shows the pipeline.")],
                        title="Demo report").read_text()
    assert text.startswith("# Demo report\n")
    assert "## What this run can show\n\nA 135M model on a CPU shows the pipeline." in text
    for figure in made.figures:
        assert f"]({figure.file('.png').name})" in text, "PNGs are embedded with links relative to the report"
    assert "| collect | 48 |" in text and "| -0.61 | 0.37 |" in text
    assert "| Qwen2.5-7B | GRPO+VERL |" in text and "59.8" in text
    assert "## pass@1 (%): ours beside the paper's" in text and "2509.23808" in text
    elsewhere = write_report(made, out_dir=tmp_path / "docs")
    links = re.findall(r"!\[[^]]*\]\(([^)]+)\)", elsewhere.read_text())
    assert links and all((elsewhere.parent / link).resolve().is_file() for link in links)


def test_collect_runs_alone_make_fig1_and_list_the_rest(world, tmp_path):
    made = make_figures([world["collect"]], tmp_path / "out", formats="png")
    assert [figure.name for figure in made.figures] == ["fig1a", "fig1b"]
    assert all(path.suffix == ".png" for figure in made.figures for path in figure.files)
    reasons = {item.name: item.reason for item in made.skipped}
    assert reasons["fig2"] == "Fig. 2 needs a training run (semspace train); got 1 collect run only."
    assert set(reasons) == {"fig1c", "fig2", "fig3", "table_pass_at_1", "table_pass_at_k"}
    text = write_report(made).read_text()
    assert "## Not made from these folders" in text and "Fig. 2 needs a training run" in text
    assert "semspace figures --paper" in text


def test_nothing_to_draw_raises_and_writes_nothing(tmp_path):
    bare = write_collect_run(tmp_path / "bare", columns=("er",))
    with pytest.raises(FigureDataMissing, match=r"No figure could be made.*Fig\. 2 needs a training run"):
        make_figures([bare], tmp_path / "out", paper=True)
    assert not (tmp_path / "out").exists()


def test_output_folder_checks(world, tmp_path):
    with pytest.raises(RunExistsError, match="is a run or eval folder"):
        make_figures([world["collect"]], world["collect2"])
    with pytest.raises(RunExistsError):
        make_figures([world["ev_base"]], world["ev_base"])
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidInputError, match="is a file"):
        make_figures([world["collect"]], tmp_path / "file")
    with pytest.raises(InvalidInputError, match="Unknown figure format"):
        make_figures([world["collect"]], tmp_path / "out", formats=("svg",))


def test_labels_must_name_given_folders(world, tmp_path):
    with pytest.raises(InvalidInputError, match="not among the given runs"):
        make_figures([world["collect"]], tmp_path / "out", labels={world["collect2"]: "x"})


def test_report_compares_each_training_runs_halves(made, world):
    """The summary row is the mean of steps 1-6 and of steps 7-12, computed here from the stored rows."""
    text = write_report(made).read_text()
    rows = read_run(world["train"]).sort_values("step")
    first, second = rows["reward_mean"].iloc[:6].mean(), rows["reward_mean"].iloc[6:].mean()
    line = next(line for line in text.splitlines() if line.startswith("| train | 12 |"))
    assert f"{first:.2f} → {second:.2f}" in line and "0.25 → 0.25" in line
    assert "| train-old | 5 |" in text
