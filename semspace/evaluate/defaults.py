"""The paper's evaluation setting, which `semspace eval` takes by default (read by its --help without importing
the sampling code)."""

EVAL_TEMPERATURE = 0.6
EVAL_TOP_P = 0.95
TRAINING_RESPONSE_LENGTH = 1536  # the paper evaluates at its training response length
EVAL_STRIDE = 20  # ERV/ERA prefix stride at evaluation (SPEC §3)
