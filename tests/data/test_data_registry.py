"""The paper's benchmarks by name: each registry entry read from a real HF cache laid out as its Hub dataset is.

Every layout below follows the dataset's card (files, configurations, columns, value types); the records are
hand-written, or the shared benchmark files rewritten into the Hub layout (skipped when those files are absent).
"""

import hashlib
import json
import subprocess
import sys

import pytest

from semspace.data import load_problems
from semspace.data.registry import REGISTRY
from semspace.errors import DataFileError
from tests.hf_cache import COMMIT, add_dataset, card, jsonl_bytes, parquet_bytes

TRAIN_PARQUET = "data/train-00000-of-00001.parquet"
DEFAULT_TRAIN = [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}]

MATH500 = [
    {"problem": "What is $1+1$?", "solution": "It is $\\boxed{2}$.", "answer": "2", "subject": "Prealgebra",
     "level": 1, "unique_id": "test/prealgebra/1.json"},
    {"problem": "Halve one.", "solution": "$\\boxed{\\frac12}$", "answer": "\\frac{1}{2}", "subject": "Algebra",
     "level": 3, "unique_id": "test/algebra/7.json"},
]
AIME24 = [{"id": 60, "problem": "Aya walks.", "solution": "So $\\boxed{204}$.", "answer": "204",
           "url": "https://artofproblemsolving.com/wiki/index.php/2024_AIME_I_Problems/Problem_1", "year": "2024"}]
AIME25 = [{"problem_idx": 1, "problem": "Find the sum of all bases.", "answer": 70,
           "problem_type": ["Number Theory"]}]
AMC_2023 = [{"id": 0, "problem": "How many miles from City $A$?", "answer": 27.0,
             "url": "https://artofproblemsolving.com/wiki/index.php/2023_AMC_12A_Problems/Problem_1"}]
AMC_2022 = [{"id": 50, "problem": "What is the value?", "answer": 109.0,
             "url": "https://artofproblemsolving.com/wiki/index.php/2022_AMC_12A_Problems/Problem_1"}]
MINERVA = [{"question": "Find the diameter of the image (in cm).", "answer": "1.6"}]
OLYMPIAD_FIELDS = {"context": None, "modality": "Text-only", "difficulty": "Competition", "unit": None,
                   "answer_type": "Numerical", "error": None, "question_type": "Open-ended",
                   "subfield": "Combinatorics", "subject": "Math", "language": "English"}
OLYMPIAD = [
    {"id": 1606, "question": "Find the smallest n.", "solution": ["Hence $n=3$."], "final_answer": ["$3$"],
     "is_multiple_answer": False, **OLYMPIAD_FIELDS},
    {"id": 1607, "question": "Find all pairs.", "solution": ["Both work."], "final_answer": ["$(1,2)$", "$(2,1)$"],
     "is_multiple_answer": True, **OLYMPIAD_FIELDS},
]
OLYMPIAD_CONFIGS = [
    {"config_name": name, "data_files": [{"split": "train", "path": f"{name}/train-*"}]}
    for name in ("OE_MM_maths_en_COMP", "OE_TO_maths_en_COMP")
]
GSM8K = [{"question": "Janet sells eggs.", "answer": "She makes 9 * 2 = $<<9*2=18>>18.\n#### 18"},
         {"question": "A robe takes bolts.", "answer": "It takes 2+1=<<2+1=3>>3.\n#### 1,000"}]
GSM8K_CONFIGS = [
    {"config_name": name, "data_files": [{"split": split, "path": f"{name}/{split}-*"} for split in ("train", "test")]}
    for name in ("main", "socratic")
]
OTHER = [{"question": "Not this config or split.", "answer": "#### 5"}]

# name -> (files of the Hub repository, the records the benchmark keeps, expected (question, gold, level) triples)
LAYOUTS = {
    "math500": ({"README.md": card(), "test.jsonl": jsonl_bytes(MATH500)}, MATH500,
                [("What is $1+1$?", "2", "1"), ("Halve one.", "\\frac{1}{2}", "3")]),
    "aime24": ({"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes(AIME24)}, AIME24,
               [("Aya walks.", "204", None)]),
    "aime25": ({"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes(AIME25)}, AIME25,
               [("Find the sum of all bases.", "70", None)]),
    "amc23": ({"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes(AMC_2023 + AMC_2022)}, AMC_2023,
              [("How many miles from City $A$?", "27.0", None)]),
    "minerva_math": ({"README.md": card([{"config_name": "default",
                                          "data_files": [{"split": "test", "path": "test*"}]}]),
                      "test.jsonl": jsonl_bytes(MINERVA)}, MINERVA,
                     [("Find the diameter of the image (in cm).", "1.6", None)]),
    "olympiadbench": ({"README.md": card(OLYMPIAD_CONFIGS),
                       "OE_TO_maths_en_COMP/train-00000-of-00001.parquet": parquet_bytes(OLYMPIAD),
                       "OE_MM_maths_en_COMP/train-00000-of-00001.parquet": parquet_bytes(OTHER)}, OLYMPIAD,
                      [("Find the smallest n.", "3", "Competition"),  # 'difficulty' is read as the level
                       ("Find all pairs.", "(1,2), (2,1)", "Competition")]),
    "gsm8k": ({"README.md": card(GSM8K_CONFIGS), "main/test-00000-of-00001.parquet": parquet_bytes(GSM8K),
               "main/train-00000-of-00001.parquet": parquet_bytes(OTHER),
               "socratic/test-00000-of-00001.parquet": parquet_bytes(OTHER)}, GSM8K,
              [("Janet sells eggs.", "18", None), ("A robe takes bolts.", "1000", None)]),
}
HUB_NAMES = sorted(name for name, benchmark in REGISTRY.items() if benchmark.hub is not None)


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    """An empty Hub cache in a temporary folder, used offline."""
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path / "hub"


def sorted_json_sha256(records):
    """The documented record hash: SHA-256 over each record as sorted-key JSON, one line each."""
    return hashlib.sha256(b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in records)).hexdigest()


def test_every_hub_entry_has_a_layout_here():
    assert sorted(LAYOUTS) == HUB_NAMES


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_hub_layout_maps_to_problems(hub_cache, name):
    files, kept, expected = LAYOUTS[name]
    hub = REGISTRY[name].hub
    add_dataset(hub_cache, hub.repo_id, files)
    problem_set = load_problems(name)
    assert [(p.problem, p.answer, p.level) for p in problem_set.problems] == expected
    assert [p.prompt_id for p in problem_set.problems] == [f"{name}-{i:05d}" for i in range(len(expected))]
    assert problem_set.source == name and {p.source for p in problem_set.problems} == {name}
    assert (problem_set.question_field, problem_set.answer_field) == (hub.question_field, hub.answer_field)
    assert problem_set.sha256 == sorted_json_sha256(kept)
    read = problem_set.origin.pop("files")
    assert problem_set.origin == {"benchmark": name, "hub_id": hub.repo_id, "config": hub.config,
                                  "split": hub.split, "revision": COMMIT}
    assert len(read) == 1 and files[read[0]]


def test_limit_and_field_overrides_apply_to_registry_benchmarks(hub_cache):
    files, _, _ = LAYOUTS["math500"]
    add_dataset(hub_cache, "HuggingFaceH4/MATH-500", files)
    problem_set = load_problems("math500", limit=1, answer_field="solution")
    assert [(p.problem, p.answer) for p in problem_set.problems] == [("What is $1+1$?", "2")]
    assert problem_set.answer_field == "solution"


def test_offline_and_not_cached_names_the_dataset_and_the_command(hub_cache):
    with pytest.raises(DataFileError) as caught:
        load_problems("math500")
    assert "HuggingFaceH4/MATH-500" in caught.value.cause and "HF_HUB_OFFLINE is set" in caught.value.cause
    assert str(hub_cache) in caught.value.cause
    assert "`hf download HuggingFaceH4/MATH-500 --repo-type dataset`" in caught.value.fix
    assert "\n" not in caught.value.one_line()


def test_a_failed_download_names_the_command_too(tmp_path):
    """Online but the Hub is unreachable (a closed local port): the same one-line error, not a traceback."""
    code = ("from semspace.data import load_problems\nfrom semspace.errors import DataFileError\n"
            "try:\n    load_problems('gsm8k')\nexcept DataFileError as error:\n    print(error.one_line())\n")
    env = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_CACHE": str(tmp_path / "hub"),
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "openai/gsm8k (main/test)" in result.stdout and "downloading it failed" in result.stdout
    assert "`hf download openai/gsm8k --repo-type dataset`" in result.stdout


def test_a_file_only_benchmark_says_so():
    with pytest.raises(DataFileError) as caught:
        load_problems("asdiv")
    assert "no Hugging Face dataset" in caught.value.cause and "asdiv.jsonl" in caught.value.fix


def test_a_card_without_the_configuration_is_a_changed_dataset(hub_cache):
    add_dataset(hub_cache, "openai/gsm8k", {"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes(GSM8K)})
    with pytest.raises(DataFileError, match="no configuration 'main' \\(it has: default\\)"):
        load_problems("gsm8k")


def test_a_card_that_lost_its_configs_is_reported(hub_cache):
    add_dataset(hub_cache, "math-ai/minervamath", {"README.md": card(), "test.jsonl": jsonl_bytes(MINERVA)})
    with pytest.raises(DataFileError) as caught:
        load_problems("minerva_math")
    assert "no file of split 'test'" in caught.value.cause and "hf download math-ai/minervamath" in caught.value.fix


def test_changed_columns_are_reported_with_the_columns_found(hub_cache):
    renamed = [{"prompt": "What is 2+2?", "target": "4"}]
    minerva_card = card([{"config_name": "default", "data_files": [{"split": "test", "path": "test*"}]}])
    add_dataset(hub_cache, "math-ai/minervamath", {"README.md": minerva_card, "test.jsonl": jsonl_bytes(renamed)})
    with pytest.raises(DataFileError) as caught:
        load_problems("minerva_math")
    assert "question field 'question'" in caught.value.cause and "prompt, target" in caught.value.cause
    problem_set = load_problems("minerva_math", question_field="prompt", answer_field="target")
    assert [(p.problem, p.answer) for p in problem_set.problems] == [("What is 2+2?", "4")]


HUB_COLUMNS = {
    "math500": None,  # the Hub file is the shared file, byte for byte in layout
    "aime24": ["id", "problem", "solution", "answer", "url"],
    "amc23": ["id", "problem", "answer", "url"],
    "gsm8k": ["question", "answer"],
}


def hub_files_from_shared(name, shared_data):
    """The shared file of `name` rewritten as its Hub repository (amc23 gains AIMO's 2022 problems)."""
    text = (shared_data / f"{name}.jsonl").read_text()
    if HUB_COLUMNS[name] is None:
        return {"README.md": card(), "test.jsonl": text.encode()}
    records = [{key: json.loads(line)[key] for key in HUB_COLUMNS[name]} for line in text.splitlines() if line]
    if name == "aime24":
        return {"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes([r | {"year": "2024"} for r in records])}
    if name == "amc23":
        return {"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: parquet_bytes(records + AMC_2022)}
    return {"README.md": card(GSM8K_CONFIGS), "main/test-00000-of-00001.parquet": parquet_bytes(records)}


@pytest.mark.parametrize("name", sorted(HUB_COLUMNS))
def test_the_shared_files_in_their_hub_layout_give_the_same_problems(hub_cache, shared_data, name):
    add_dataset(hub_cache, REGISTRY[name].hub.repo_id, hub_files_from_shared(name, shared_data))
    from_hub = load_problems(name).problems
    from_file = load_problems(str(shared_data / f"{name}.jsonl")).problems
    assert len(from_hub) == REGISTRY[name].problems
    assert [(p.prompt_id, p.problem, p.answer, p.level) for p in from_hub] == \
           [(p.prompt_id, p.problem, p.answer, p.level) for p in from_file]


def test_a_damaged_cached_file_is_a_one_line_error(hub_cache):
    add_dataset(hub_cache, "HuggingFaceH4/aime_2024", {"README.md": card(DEFAULT_TRAIN), TRAIN_PARQUET: b"not parquet"})
    with pytest.raises(DataFileError) as caught:
        load_problems("aime24")
    assert "Cannot read" in caught.value.cause and "fetch the dataset again" in caught.value.fix
