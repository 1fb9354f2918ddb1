"""Training settings: defaults < YAML file < command line; options of another shape are refused."""

from pathlib import Path

import pytest

from semspace.errors import InvalidInputError
from semspace.train import TrainConfig, build_config, read_config_file


def test_command_line_overrides_file_overrides_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("out: runs/a\nshape: verl\nverl-mode: sum\nkappa: 3\nwindow: 0\n")
    config = build_config(read_config_file(path), {"kappa": 4.0, "gain": None, "max_steps": 7})
    assert (config.out, config.shape, config.verl_mode, config.kappa, config.max_steps) == \
        (Path("runs/a"), "verl", "sum", 4.0, 7)
    assert config.window is None, "window 0 means the whole response"
    assert config.num_generations == 4 and config.temperature == 1.0 and config.beta == 0.001
    assert config.shaper_options() == {"mode": "sum", "kappa": 4.0}


def test_unknown_keys_and_missing_out_are_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("out: x\nlearning-rat: 0.1\n")
    with pytest.raises(InvalidInputError, match="learning_rat"):
        build_config(read_config_file(path), {})
    with pytest.raises(InvalidInputError, match="--out"):
        build_config({}, {"shape": "none"})


def test_an_option_of_another_shape_is_refused():
    with pytest.raises(InvalidInputError, match="--gain"):
        TrainConfig(out=Path("x"), shape="entropy", gain=2.0).shaper_options()
    assert TrainConfig(out=Path("x"), shape="entropy", entropy_alpha=0.1).shaper_options() == {"alpha": 0.1}


@pytest.mark.parametrize("mode,tokens,ok", [("adaptive", 120, False), ("adaptive", 121, True), ("sum", 80, False),
                                            ("fixed", 81, True)])
def test_verl_whose_indicators_could_never_exist_is_refused(mode, tokens, ok):
    """stride 40: ERV needs 2·40+1 tokens, ERA (read by the adaptive controller) 3·40+1; shorter runs never shape."""
    given = {"out": "runs/x", "shape": "verl", "verl_mode": mode, "max_completion_length": tokens}
    if ok:
        assert build_config({}, given).max_completion_length == tokens
    else:
        with pytest.raises(InvalidInputError, match="Lower --stride"):
            build_config({}, given)


@pytest.mark.parametrize("option", ["stride", "global_stride", "num_generations", "max_steps", "window"])
def test_counts_below_one_are_refused_before_loading(option):
    with pytest.raises(InvalidInputError, match="--" + option.replace("_", "-") + " must be at least 1"):
        build_config({}, {"out": "runs/x", option: -1})
