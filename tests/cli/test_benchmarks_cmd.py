"""`semspace benchmarks`: every registry entry with its Hub dataset, and what this machine holds, without network."""

import subprocess
import sys

from typer.testing import CliRunner

import semspace.cli.benchmarks_cmd  # noqa: F401  (registers the command)
from semspace.cli.app import app
from semspace.data.registry import DATA_DIR_VARIABLE, REGISTRY
from tests.hf_cache import add_dataset, card, parquet_bytes

runner = CliRunner()
GSM8K_CARD = card([{"config_name": "main", "data_files": [{"split": "test", "path": "main/test-*"}]}])
GSM8K = [{"question": f"q{i}", "answer": f"#### {i}"} for i in range(3)]


def test_the_listing_says_where_each_benchmark_is(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    add_dataset(tmp_path / "hub", "openai/gsm8k", {"README.md": GSM8K_CARD,
                                                   "main/test-00000-of-00001.parquet": parquet_bytes(GSM8K)})
    data = tmp_path / "data"
    data.mkdir()
    (data / "aime24.jsonl").write_text('{"problem": "p", "answer": "1"}\n' * 2)
    result = runner.invoke(app, ["benchmarks", "--data-dir", str(data)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    table = {line.split("│")[1].strip(): line for line in result.output.splitlines()  # row lines by name
             if line.startswith("│") and line.split("│")[1].strip()}
    assert sorted(table) == sorted(REGISTRY)
    assert "openai/gsm8k" in table["gsm8k"] and "main/test" in table["gsm8k"]
    assert "cached (revision 0123456)" in table["gsm8k"] and "1319 (3 here)" in table["gsm8k"]
    assert f"file {data / 'aime24.jsonl'}" in table["aime24"] and "30 (2 here)" in table["aime24"]
    assert "HuggingFaceH4/MATH-500" in table["math500"] and "│ no " in table["math500"]
    assert "hf download HuggingFaceH4/MATH-500 --repo-type dataset" in table["math500"]
    assert "file only" in table["asdiv"] and "put asdiv.jsonl in the data dir" in table["asdiv"]


def test_help_names_the_data_dir_variable():
    result = runner.invoke(app, ["benchmarks", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and f"${DATA_DIR_VARIABLE}" in result.output


def test_the_command_module_imports_nothing_heavy():
    code = ("import sys, semspace.cli.benchmarks_cmd\n"
            "print(sorted(m for m in ('torch', 'transformers', 'datasets', 'pandas', 'pyarrow', 'huggingface_hub',"
            " 'math_verify') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
