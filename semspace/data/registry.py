"""The paper's benchmarks by name, lm-eval style: the Hugging Face dataset that holds each one, or none.

Every Hub entry was checked against its dataset card (repository, configuration, split, columns, size); docs/
benchmarks.md says how. A benchmark without a dataset we could check is "file only": it is read from
`<data dir>/NAME.jsonl`. Nothing here imports more than the standard library.
"""

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_VARIABLE = "SEMSPACE_DATA_DIR"
DEFAULT_DATA_DIR = "data"
DEFAULT_CONFIG = "default"


@dataclass(frozen=True)
class HubDataset:
    """One split of a Hub dataset and how its records map to problems.

    `files` are the split's files, relative to the repository, for a card that declares no configurations (the
    card's own `configs` are read otherwise). `keep_if_contains` = (field, text) keeps only the records whose field
    contains text, for a benchmark that is part of a larger dataset.
    """

    repo_id: str
    split: str
    question_field: str
    answer_field: str
    config: str = DEFAULT_CONFIG
    files: tuple[str, ...] = ()
    keep_if_contains: tuple[str, str] | None = None

    def fetch_command(self) -> str:
        """The `huggingface_hub` command that puts this dataset into the local cache."""
        return f"hf download {self.repo_id} --repo-type dataset"

    def describe(self) -> str:
        """Configuration and split, as `config/split`."""
        return f"{self.config}/{self.split}"


@dataclass(frozen=True)
class RegistryBenchmark:
    """A benchmark of the paper: its size there, where it appears, and its Hub dataset (None: file only)."""

    name: str
    problems: int | None
    paper: str
    hub: HubDataset | None = None
    note: str = ""


PASS1 = "pass@1 table"
PASS1_AND_PASSK = "pass@1 and pass@k tables"

REGISTRY = {
    benchmark.name: benchmark
    for benchmark in (
        RegistryBenchmark("math500", 500, "pass@k table (pass@16)",
                          HubDataset("HuggingFaceH4/MATH-500", "test", "problem", "answer", files=("test.jsonl",))),
        RegistryBenchmark("aime24", 30, PASS1_AND_PASSK,
                          HubDataset("HuggingFaceH4/aime_2024", "train", "problem", "answer")),
        RegistryBenchmark("aime25", 30, PASS1_AND_PASSK,
                          HubDataset("MathArena/aime_2025", "train", "problem", "answer")),
        RegistryBenchmark("amc23", 40, PASS1_AND_PASSK,
                          HubDataset("AI-MO/aimo-validation-amc", "train", "problem", "answer",
                                     keep_if_contains=("url", "/2023_AMC_")),
                          note="the 2023 problems of AIMO's AMC 2022-2023 validation set (83)"),
        RegistryBenchmark("amc24", 45, PASS1_AND_PASSK),
        RegistryBenchmark("minerva_math", 272, "the paper's evaluation sets (not in its tables)",
                          HubDataset("math-ai/minervamath", "test", "question", "answer")),
        RegistryBenchmark("olympiadbench", 674, PASS1,
                          HubDataset("Hothan/OlympiadBench", "train", "question", "final_answer",
                                     config="OE_TO_maths_en_COMP"),
                          note="the authors' text-only English math subset; the paper's copy has 675"),
        RegistryBenchmark("gsm8k", 1319, PASS1, HubDataset("openai/gsm8k", "test", "question", "answer",
                                                           config="main")),
        RegistryBenchmark("asdiv", 2215, PASS1),
        RegistryBenchmark("carp_en", 976, PASS1),
        RegistryBenchmark("cmath", 600, PASS1),
        RegistryBenchmark("gaokao2024_I", 14, PASS1),
        RegistryBenchmark("gaokao2024_mix", 91, PASS1),
        RegistryBenchmark("gaokao_math_cloze", 118, PASS1),
        RegistryBenchmark("mawps", 2065, PASS1),
        RegistryBenchmark("svamp", 1000, PASS1),
        RegistryBenchmark("tabmwp", None, PASS1),
    )
}


def registry_benchmark(name: str) -> RegistryBenchmark | None:
    """The registry entry called `name`, if there is one."""
    return REGISTRY.get(name)


def default_data_dir() -> Path:
    """Where NAME.jsonl files are looked up: $SEMSPACE_DATA_DIR if set, else ./data."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or DEFAULT_DATA_DIR)


def local_file(name: str, data_dir: Path) -> Path:
    """The file a bare benchmark name stands for in a data folder (it may not exist)."""
    return data_dir.expanduser() / f"{name}.jsonl"
