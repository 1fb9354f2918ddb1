"""The shipped paper tables are the published numbers, found by importlib.resources, with names mapped onto ours."""

import csv
from importlib import resources
from pathlib import Path

import pytest

import semspace.figures.paper as paper_module
from semspace.figures import paper_averages, paper_benchmark, paper_pass_at_1, paper_pass_at_k, published_table

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_the_csv_files_are_package_resources_with_their_source_noted():
    folder = resources.files("semspace.figures").joinpath("paper")
    assert {"paper_pass1.csv", "paper_passk.csv", "paper_averages.csv"} <= {entry.name for entry in folder.iterdir()}
    assert "2509.23808" in paper_module.SOURCE
    readme = Path(paper_module.__file__).parent / "paper" / "README.md"
    assert "2509.23808" in readme.read_text(encoding="utf-8"), "the source tree says where the numbers come from"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared transcription is not next to this checkout")
@pytest.mark.parametrize("name", ["paper_pass1.csv", "paper_passk.csv"])
def test_shipped_tables_equal_the_shared_transcription(name):
    shipped = resources.files("semspace.figures").joinpath("paper").joinpath(name).read_text(encoding="utf-8")
    assert shipped == (SHARED / name).read_text(encoding="utf-8")


def test_published_values_read_back_as_printed():
    pass1 = paper_pass_at_1().set_index(["model", "method", "benchmark"])["pass1"]
    assert pass1[("Qwen2.5-7B", "GRPO+VERL", "gaokao2024_I")] == 35.7
    assert pass1[("Qwen2.5-7B", "GRPO", "gaokao2024_I")] == 14.3
    assert pass1[("Llama-3.2-3B-Instruct", "GRPO+VERL", "cmath")] == 46.2
    passk = paper_pass_at_k().set_index(["model", "method", "benchmark"])
    assert passk.loc[("Mathstral-7B-v0.1", "GRPO+VERL", "amc23"), "passk"] == 97.0
    assert passk.loc[("Mathstral-7B-v0.1", "GRPO+VERL", "amc23"), "k"] == 128
    assert len(pass1) == 3 * 5 * 15 and len(passk) == 3 * 5 * 5


def test_published_average_and_an_independent_row_mean():
    table = published_table("pass1").set_index(["model", "method"])
    assert table.loc[("Qwen2.5-7B", "GRPO+VERL"), "Avg. (published)"] == 59.8
    with open(resources.files("semspace.figures").joinpath("paper").joinpath("paper_pass1.csv"),
              encoding="utf-8") as handle:
        row = [float(record["pass1"]) for record in csv.DictReader(handle)
               if (record["model"], record["method"]) == ("Qwen2.5-7B", "GRPO+VERL")]
    assert len(row) == 15 and abs(sum(row) / 15 - 59.8) < 0.06, "Avg. is the mean of the 15 (before rounding)"


def test_every_published_average_agrees_with_its_row():
    rows = {"pass1": paper_pass_at_1().groupby(["model", "method"])["pass1"].mean(),
            "passk": paper_pass_at_k().groupby(["model", "method"])["passk"].mean()}
    averages = paper_averages()
    assert len(averages) == 30
    for record in averages.itertuples():
        assert abs(rows[record.table][(record.model, record.method)] - record.average) < 0.06


def test_passk_table_names_each_benchmark_k():
    table = published_table("passk")
    assert list(table.columns[2:]) == ["MATH500 (pass@16)", "AMC23 (pass@128)", "AMC24 (pass@128)",
                                       "AIME24 (pass@256)", "AIME25 (pass@256)", "Avg. (published)"]
    qwen = table.set_index(["model", "method"]).loc[("Qwen2.5-7B", "GRPO+VERL")]
    assert qwen["AIME24 (pass@256)"] == 63.3 and qwen["Avg. (published)"] == 78.40


@pytest.mark.parametrize("ours,theirs", [("aime24", "aime24"), ("AIME_2024", "aime24"), ("amc23", "amc23"),
                                         ("math500", "math500"), ("MATH-500", "math500"),
                                         ("gaokao2024_I", "gaokao2024_I"), ("Gaokao2024-Mix", "gaokao2024_mix"),
                                         ("gaokao2024_II", None), ("minerva_math", None)])
def test_benchmark_names_map_onto_the_papers(ours, theirs):
    assert paper_benchmark(ours) == theirs
