"""Figures are written, non-empty and of the format their suffix names; one panel per group."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from semspace.analyses import majorize_run
from semspace.errors import InvalidInputError
from semspace.figures import majorization_plot, scatter_plot

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(1)
    x = rng.uniform(3.5, 5.3, 200)
    return pd.DataFrame({"response_entropy": x, "mean_logprob": -0.6 * (x - 3.5) + rng.normal(scale=0.3, size=200),
                         "correct": rng.random(200) < 0.5, "n_tokens": rng.integers(5, 900, 200)})


@pytest.mark.parametrize("suffix,magic", [(".png", PNG), (".pdf", b"%PDF")])
def test_scatter_is_written_in_the_suffix_format(tmp_path, frame, suffix, magic):
    path = scatter_plot(frame, "response_entropy", "mean_logprob", tmp_path / "sub" / f"fig{suffix}")
    assert path.read_bytes()[:len(magic)] == magic and path.stat().st_size > 1000


def test_one_panel_per_group_and_hexbin_for_many_points(tmp_path, frame):
    one = scatter_plot(frame, "response_entropy", "mean_logprob", tmp_path / "one.png")
    groups = scatter_plot(frame, "response_entropy", "mean_logprob", tmp_path / "groups.png", by="length",
                          length_bins=4)
    dense = scatter_plot(frame, "response_entropy", "mean_logprob", tmp_path / "dense.png", by="correct",
                         hexbin_above=50)
    widths = [Image.open(path).size[0] for path in (one, groups, dense)]
    assert widths[1] == 3 * widths[0] and widths[2] == 2 * widths[0]
    assert Image.open(groups).size[1] == 2 * Image.open(one).size[1]


def test_scatter_refuses_other_suffixes_and_unknown_columns(tmp_path, frame):
    with pytest.raises(InvalidInputError, match=".png"):
        scatter_plot(frame, "response_entropy", "mean_logprob", tmp_path / "fig.jpg")
    with pytest.raises(InvalidInputError, match="Choose from"):
        scatter_plot(frame, "er", "mean_logprob", tmp_path / "fig.png")


def test_majorization_figure(tmp_path, run):
    path = majorization_plot(majorize_run(run), tmp_path / "major.png")
    assert path.read_bytes()[:8] == PNG and path.stat().st_size > 1000
