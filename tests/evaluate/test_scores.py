"""From a run's rows to pass@k: per-problem counts, levels, the results document, benchmark names."""

import json

import pandas as pd
import pytest

from semspace.errors import DataFileError, InvalidInputError
from semspace.evaluate import (
    EvalConfig,
    build_results,
    level_table,
    passk_table,
    problem_counts,
    resolve_benchmarks,
    score_run,
)
from semspace.evaluate.benchmarks import Benchmark
from semspace.evaluate.results import model_checkpoint_step
from semspace.store import RunWriter

from .oracle import brute_pass_at_k

# prompt id -> (level, correctness of each of its 4 samples); None is an ungradable response
PATTERNS = {
    "p0": ("1", [True, False, False, False]),
    "p1": ("1", [True, True, True, True]),
    "p2": ("2", [False, False, False, False]),
    "p3": ("10", [False, True, None, True]),
    "p4": ("2", [False, False, True, False]),
}


def write_run(out, patterns=PATTERNS, *, with_level=True):
    """A finished run with the given per-sample correctness, two prompts a shard, samples interleaved."""
    writer = RunWriter(out, {"kind": "eval", "sampling": {"n": 4}})
    ids = list(patterns)
    for start in range(0, len(ids), 2):
        rows = [{"prompt_id": pid, "sample": s, "correct": patterns[pid][1][s],
                 **({"level": patterns[pid][0]} if with_level else {})}
                for s in range(4) for pid in ids[start:start + 2]]
        writer.write_shard(rows)
    writer.finish()
    return out


def oracle_percent(patterns, k):
    """Mean over problems of brute-force pass@k, in percent (ungradable counts as not correct)."""
    values = [brute_pass_at_k(len(c), sum(v is True for v in c), k) for _, c in patterns.values()]
    return float(100 * sum(values) / len(values))


def test_counts_group_by_prompt_and_count_only_true_as_correct():
    rows = pd.DataFrame({"prompt_id": ["a", "b", "a", "b", "a"], "correct": [True, None, None, True, True],
                         "level": ["1", "2", "1", "2", "1"]})
    counts = problem_counts(rows)
    assert counts.to_dict("index") == {"a": {"n": 3, "c": 2, "level": "1"}, "b": {"n": 2, "c": 1, "level": "2"}}


def test_score_run_equals_the_brute_force_oracle_overall_and_by_level(tmp_path):
    score = score_run(write_run(tmp_path / "run"), [1, 2, 4])
    assert score["problems"] == 5 and score["samples_per_problem"] == 4
    for k in (1, 2, 4):
        assert score["pass_at_k"][str(k)] == pytest.approx(oracle_percent(PATTERNS, k), abs=1e-9)
    assert list(score["by_level"]) == ["1", "2", "10"], "numeric levels sort by value"
    for level, entry in score["by_level"].items():
        subset = {pid: p for pid, p in PATTERNS.items() if p[0] == level}
        assert entry["problems"] == len(subset)
        assert entry["pass_at_k"]["2"] == pytest.approx(oracle_percent(subset, 2), abs=1e-9)


def test_a_run_without_levels_has_empty_by_level(tmp_path):
    score = score_run(write_run(tmp_path / "run", with_level=False), [1])
    assert score["by_level"] == {}
    assert score["pass_at_k"]["1"] == pytest.approx(oracle_percent(PATTERNS, 1))


def test_a_problem_with_fewer_than_k_samples_is_refused_by_name(tmp_path):
    patterns = {**PATTERNS, "short": ("1", [True, False])}
    writer = RunWriter(tmp_path / "run", {"kind": "eval"})
    writer.write_shard([{"prompt_id": pid, "sample": s, "correct": c}
                        for pid, (_, cs) in patterns.items() for s, c in enumerate(cs)])
    writer.finish()
    with pytest.raises(InvalidInputError, match="short has 2 samples, too few for pass@4"):
        score_run(tmp_path / "run", [1, 4])
    assert score_run(tmp_path / "run", [1, 2])["samples_per_problem"] == 2


def test_results_document_and_tables(tmp_path):
    config = EvalConfig(out=tmp_path, model="runs/t/checkpoints/checkpoint-40", n=4, ks=(4, 1, 2, 2))
    benchmarks = [Benchmark("a", "a", "/x/a.jsonl"), Benchmark("arithmetic", "arithmetic:8", "arithmetic:8")]
    scores = [{"problems": 2, "samples_per_problem": 4, "pass_at_k": {"1": 10.0, "2": 20.0, "4": 40.0},
               "by_level": {}},
              {"problems": 3, "samples_per_problem": 4, "pass_at_k": {"1": 30.0, "2": 50.0, "4": 60.0},
               "by_level": {"1": {"problems": 3, "pass_at_k": {"1": 30.0, "2": 50.0, "4": 60.0}}}}]
    results = build_results(config, {"source": "/abs/runs/t/checkpoints/checkpoint-40", "dtype": "float32"},
                            benchmarks, scores)
    assert json.loads(json.dumps(results)) == results
    assert results["k"] == [1, 2, 4] and results["checkpoint_step"] == 40 and results["unit"] == "percent"
    assert results["sampling"] == {"n": 4, "temperature": 0.6, "top_p": 0.95, "max_new_tokens": 1536, "seed": 0}
    assert results["benchmarks"]["arithmetic"]["source"] == "arithmetic:8"
    assert results["average"] == {"pass_at_k": {"1": 20.0, "2": 35.0, "4": 50.0}, "benchmarks": ["a", "arithmetic"]}
    table = passk_table(results)
    assert table["benchmark"].tolist() == ["a", "arithmetic", "average"]
    assert table["pass@2"].tolist() == [20.0, 50.0, 35.0]
    levels = level_table(results)
    assert levels[["benchmark", "level", "problems"]].values.tolist() == [["arithmetic", "1", 3]]


@pytest.mark.parametrize("paths,step", [
    (["runs/t/checkpoints/checkpoint-40"], 40),
    (["runs/t", "/abs/runs/t/checkpoints/checkpoint-7"], 7),
    (["tiny-random", "in-process, seed 0"], None),
    (["Qwen/Qwen2.5-Math-7B"], None),
    (["checkpoint-x"], None),
])
def test_model_checkpoint_step(paths, step):
    assert model_checkpoint_step(*paths) == step


def test_benchmark_names_come_from_files_arithmetic_or_the_data_folder(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "mine.jsonl").write_text('{"problem": "1+1?", "answer": "2"}\n')
    other = tmp_path / "elsewhere" / "more.jsonl"
    other.parent.mkdir()
    other.write_text('{"problem": "2+2?", "answer": "4"}\n')
    found = resolve_benchmarks(["mine", str(other), "arithmetic:4:1"], data)
    assert [(b.name, b.given, b.dataset) for b in found] == [
        ("mine", "mine", str(data / "mine.jsonl")), ("more", str(other), str(other)),
        ("arithmetic", "arithmetic:4:1", "arithmetic:4:1")]
    monkeypatch.setenv("SEMSPACE_DATA_DIR", str(data))
    assert EvalConfig(out=tmp_path).benchmark_dir() == data
    monkeypatch.delenv("SEMSPACE_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert resolve_benchmarks(["mine"], EvalConfig(out=tmp_path).benchmark_dir())[0].dataset == str(data / "mine.jsonl")


@pytest.mark.parametrize("values,error,needle", [
    (["nope"], DataFileError, "looked for"),
    (["missing.jsonl"], DataFileError, "not found"),
    (["sub/missing"], DataFileError, "not found"),
    (["mine", "mine"], InvalidInputError, "Two benchmarks are named 'mine'"),
    (["arithmetic", "arithmetic:3"], InvalidInputError, "'arithmetic'"),
    ([], InvalidInputError, "No benchmark"),
])
def test_unresolvable_or_repeated_benchmarks_are_refused(tmp_path, values, error, needle):
    (tmp_path / "mine.jsonl").write_text('{"problem": "1+1?", "answer": "2"}\n')
    with pytest.raises(error, match=needle) as raised:
        resolve_benchmarks(values, tmp_path)
    if needle == "looked for":
        assert str(tmp_path / "nope.jsonl") in raised.value.cause and "--data-dir" in raised.value.fix
