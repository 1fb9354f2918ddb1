"""The tables print exactly what results.json says; the paper's rows sit beside ours where names match."""

import json
import math

import pytest

from semspace.figures import (
    FigureDataMissing,
    compare_pass_at_1,
    compare_pass_at_k,
    pass_at_1_table,
    pass_at_k_table,
    read_inputs,
)
from semspace.figures.tables import MEAN, write_table_files
from tests.figures.synthetic import write_eval


@pytest.fixture(scope="module")
def evals(world):
    return read_inputs([world["ev_base"], world["ev_4"], world["ev_12"]],
                       labels={world["ev_4"]: "GRPO+VERL"}).evals


def results(folder):
    return json.loads((folder / "results.json").read_text())


def test_pass_at_k_table_equals_results_json(world, evals):
    table = pass_at_k_table(evals).set_index(["run", "k"])
    for folder, label in ((world["ev_base"], "ev-base"), (world["ev_4"], "GRPO+VERL"), (world["ev_12"], "ev-12")):
        data = results(folder)
        for name, entry in data["benchmarks"].items():
            for k, value in entry["pass_at_k"].items():
                assert table.loc[(label, int(k)), name] == value
        for k, value in data["average"]["pass_at_k"].items():
            assert table.loc[(label, int(k)), "average"] == value
    assert math.isnan(table.loc[("ev-12", 1), "math500"]), "a benchmark an eval did not run is empty"


def test_pass_at_1_table_has_one_row_per_eval(evals):
    table = pass_at_1_table(evals)
    assert list(table.columns) == ["run", "aime24", "math500", "gaokao2024_I", "average"]
    assert table["run"].tolist() == ["ev-base", "GRPO+VERL", "ev-12"]
    assert table["aime24"].tolist() == [10.0, 12.0, 14.0]


def test_comparison_puts_the_papers_rows_under_ours(evals):
    table = compare_pass_at_1(evals)
    assert list(table.columns) == ["source", "row", "k", "AIME24", "Gaokao2024_I", MEAN]
    ours = table[table["source"] == "ours"].set_index("row")
    assert ours.loc["ev-12", "Gaokao2024_I"] == 50.0 and math.isnan(ours.loc["ev-base", "Gaokao2024_I"])
    assert ours.loc["ev-12", MEAN] == pytest.approx((14.0 + 50.0) / 2)
    paper = table[table["source"] == "paper"].set_index("row")
    assert len(paper) == 15
    assert paper.loc["Qwen2.5-7B GRPO+VERL", "Gaokao2024_I"] == 35.7
    assert paper.loc["Qwen2.5-7B GRPO+VERL", MEAN] == pytest.approx((13.3 + 35.7) / 2)


def test_passk_comparison_names_both_ks(evals):
    table = compare_pass_at_k(evals)
    assert list(table.columns) == ["source", "row", "k", "MATH500 (paper: pass@16)", "AIME24 (paper: pass@256)",
                                   MEAN]
    ours = table[table["source"] == "ours"].set_index("row")
    assert ours.loc["GRPO+VERL", "k"] == "4" and ours.loc["GRPO+VERL", "AIME24 (paper: pass@256)"] == 25.0
    paper = table[table["source"] == "paper"].set_index("row")
    assert paper.loc["Llama-3.2-3B-Instruct GRPO+VERL", "AIME24 (paper: pass@256)"] == 50.0


def test_no_matching_benchmark_is_said_not_guessed(tmp_path):
    folder = write_eval(tmp_path / "ev", benchmarks={"minerva_math": {1: 5.0}}, k=(1,))
    only = read_inputs([folder]).evals
    with pytest.raises(FigureDataMissing, match=r"No benchmark of the evals \(minerva_math\) is in the paper's "
                                                r"pass@1 table"):
        compare_pass_at_1(only)
    assert pass_at_1_table(only)["minerva_math"].tolist() == [5.0]


def test_markdown_rounds_percentages_and_csv_keeps_every_digit(tmp_path):
    frame = pass_at_1_table(read_inputs([write_eval(tmp_path / "ev", benchmarks={"math500": {1: 35.9375}},
                                                    k=(1,))]).evals)
    md, csv = write_table_files(frame, tmp_path / "out", "table")
    assert "| 35.94 |" in md.read_text() and "35.9375" not in md.read_text()
    assert "35.9375" in csv.read_text()
